"""``datensorgfalt trustee init|participant add|serve|audit verify``: the data trustee."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.cli.common import console, handles_errors, json_option, print_json
from datensorgfalt.i18n import t
from datensorgfalt.services.trustee import add_participant, init_trustee, verify_audit


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("trustee.help.group"), no_args_is_help=True)
    app.add_typer(group, name="trustee")
    people = typer.Typer(help=t("trustee.help.participant_group"), no_args_is_help=True)
    group.add_typer(people, name="participant")
    log = typer.Typer(help=t("trustee.help.audit_group"), no_args_is_help=True)
    group.add_typer(log, name="audit")

    @group.command("init", help=t("trustee.help.init"))
    @handles_errors
    def init_command(
        folder: Path = typer.Argument(..., help=t("trustee.help.home")),
        db: str = typer.Option(None, "--db", help=t("trustee.help.db")),
        as_json: bool = json_option(),
    ) -> None:
        result = init_trustee(folder, db)
        if as_json:
            print_json(result)
        else:
            console.print(result["home"], markup=False)

    @people.command("add", help=t("trustee.help.participant_add"))
    @handles_errors
    def add_command(
        name: str = typer.Argument(..., help=t("trustee.help.name")),
        home: Path = typer.Option(..., "--home", help=t("trustee.help.home")),
        callbacks: list[str] = typer.Option(None, "--callback",
                                            help=t("trustee.help.callback")),
        as_json: bool = json_option(),
    ) -> None:
        result = add_participant(home, name, tuple(callbacks or ()))
        if as_json:
            print_json(result)
        else:
            console.print(f"{result['participant_id']}\n{result['token']}", markup=False)

    @group.command("serve", help=t("trustee.help.serve"))
    @handles_errors
    def serve_command(
        home: Path = typer.Option(..., "--home", help=t("trustee.help.home")),
        host: str = typer.Option("127.0.0.1", "--host", help=t("trustee.help.host")),
        port: int = typer.Option(8700, "--port", min=1, max=65535, help=t("trustee.help.port")),
    ) -> None:
        from datensorgfalt.trustee_http import serve

        serve(home, host=host, port=port,
              announce=lambda text: console.print(text, markup=False, soft_wrap=True))

    @log.command("verify", help=t("trustee.help.audit_verify"))
    @handles_errors
    def verify_command(
        home: Path = typer.Option(..., "--home", help=t("trustee.help.home")),
        as_json: bool = json_option(),
    ) -> None:
        report = verify_audit(home)
        if as_json:
            print_json(report.to_dict())
        elif report.ok:
            console.print(t("trustee.audit.ok", entries=report.entries))
        else:
            console.print(t("trustee.audit.broken", count=len(report.problems)))
            for problem in report.problems:
                console.print(t("trustee.audit.problem", **problem), markup=False)
        if not report.ok:
            raise typer.Exit(1)
