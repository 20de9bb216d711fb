"""``datensorgfalt policy explain|test``: what a usage policy allows, and a dry run."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.cli.common import console, handles_errors, json_option, print_json
from datensorgfalt.i18n import t
from datensorgfalt.services.sharing import (
    Request,
    evaluate,
    explain,
    parse_when,
    read_policy_file,
)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("sharing.help.policy_group"), no_args_is_help=True)
    app.add_typer(group, name="policy")

    @group.command("explain", help=t("sharing.help.policy_explain"))
    @handles_errors
    def explain_command(
        file: Path = typer.Argument(..., help=t("sharing.help.policy_file")),
        as_json: bool = json_option(),
    ) -> None:
        policy = read_policy_file(file)
        lines = explain(policy)
        if as_json:
            print_json({"policy": policy.to_dict(), "explanation": lines})
            return
        for line in lines:
            console.print(line, highlight=False, markup=False)

    @group.command("test", help=t("sharing.help.policy_test"))
    @handles_errors
    def test_command(
        file: Path = typer.Argument(..., help=t("sharing.help.policy_file")),
        participant: str = typer.Option(..., "--as", help=t("sharing.help.as")),
        purpose: str = typer.Option(..., "--purpose", help=t("sharing.help.purpose")),
        when: str = typer.Option(None, "--date", help=t("sharing.help.date")),
        transfers: int = typer.Option(0, "--transfers", min=0, help=t("sharing.help.transfers")),
        unprotected: bool = typer.Option(False, "--unprotected",
                                         help=t("sharing.help.unprotected")),
        as_json: bool = json_option(),
    ) -> None:
        policy = read_policy_file(file)
        request = Request(participant, purpose, parse_when(when) if when else None,
                          transfers, protected=not unprotected)
        decision = evaluate(policy, request)
        if as_json:
            print_json(decision.to_dict())
        else:
            head = t("sharing.cli.allowed" if decision.allowed else "sharing.cli.denied")
            console.print(head, highlight=False)
            for reason in decision.reasons if not decision.allowed else ():
                console.print(f"  - {reason}", highlight=False, markup=False)
        if not decision.allowed:
            raise typer.Exit(1)
