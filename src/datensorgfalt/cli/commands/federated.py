"""``datensorgfalt federated run``: train one model jointly, each company's rows stay with it."""

from __future__ import annotations

from pathlib import Path

import click
import typer
from rich.table import Table

from datensorgfalt.cli.common import (
    console,
    err_console,
    handles_errors,
    json_option,
    open_catalog,
    print_json,
    progress_bar,
    workspace_option,
)
from datensorgfalt.i18n import language, t
from datensorgfalt.services.federated import (
    FederatedRequest,
    JoinRequest,
    ServeRequest,
    join_federation,
    parse_party,
    run_federation,
    serve_federation,
)
from datensorgfalt.services.poc.sentence import fmt

KINDS = ("classify", "regress")


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("federated.help.group"), no_args_is_help=True)
    app.add_typer(group, name="federated")

    @group.command("run", help=t("federated.help.run"))
    @handles_errors
    def run_command(
        party: list[str] = typer.Option(..., "--party", "-p", help=t("federated.help.party")),
        target: str = typer.Option(..., "--target", help=t("federated.help.target")),
        kind: str = typer.Option(None, "--kind", click_type=click.Choice(KINDS),
                                 help=t("federated.help.kind")),
        rounds: int = typer.Option(10, "--rounds", min=1, max=200,
                                   help=t("federated.help.rounds")),
        dp: bool = typer.Option(False, "--dp", help=t("federated.help.dp")),
        secagg: bool = typer.Option(False, "--secagg", help=t("federated.help.secagg")),
        insecure: bool = typer.Option(False, "--insecure", help=t("federated.help.insecure")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        request = FederatedRequest(parties=[parse_party(p) for p in party], target=target,
                                   kind=kind, rounds=rounds, dp=dp, secagg=secagg,
                                   insecure=insecure)
        with open_catalog(workspace) as (ws, catalog), progress_bar(
                as_json, idle=t("federated.progress.start")) as progress:
            payload = run_federation(ws, catalog, request, progress)
        if as_json:
            print_json(payload)
            return
        render(payload)

    @group.command("serve", help=t("federated.help.serve"))
    @handles_errors
    def serve_command(
        target: str = typer.Option(..., "--target", help=t("federated.help.target")),
        parties: int = typer.Option(..., "--parties", min=2, help=t("federated.help.parties")),
        kind: str = typer.Option(..., "--kind", click_type=click.Choice(KINDS),
                                 help=t("federated.help.serve_kind")),
        rounds: int = typer.Option(10, "--rounds", min=1, max=200,
                                   help=t("federated.help.rounds")),
        dp: bool = typer.Option(False, "--dp", help=t("federated.help.dp")),
        secagg: bool = typer.Option(False, "--secagg", help=t("federated.help.secagg")),
        host: str = typer.Option("127.0.0.1", "--host", help=t("federated.help.host")),
        port: int = typer.Option(9092, "--port", min=1, max=65535,
                                 help=t("federated.help.port")),
        wait: int = typer.Option(600, "--wait", min=5, help=t("federated.help.wait")),
        insecure: bool = typer.Option(False, "--insecure", help=t("federated.help.insecure")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        request = ServeRequest(target=target, parties=parties, kind=kind, rounds=rounds, dp=dp,
                               secagg=secagg, host=host, port=port, insecure=insecure, wait=wait)

        def announce(info: dict) -> None:
            err_console.print(t("federated.announce", address=info["address"],
                                ca=info["ca"] or "-"), markup=False)

        with open_catalog(workspace) as (ws, catalog), progress_bar(
                as_json, idle=t("federated.progress.start")) as progress:
            payload = serve_federation(ws, catalog, request, announce, progress)
        if as_json:
            print_json(payload)
        else:
            console.print(f"{payload['id']}: {', '.join(payload['parties'])}", markup=False)

    @group.command("join", help=t("federated.help.join"))
    @handles_errors
    def join_command(
        coordinator: str = typer.Option(..., "--coordinator",
                                        help=t("federated.help.coordinator")),
        dataset: str = typer.Option(..., "--dataset", "-d", help=t("federated.help.dataset")),
        target: str = typer.Option(..., "--target", help=t("federated.help.target")),
        ca: Path = typer.Option(None, "--ca", help=t("federated.help.ca")),
        policy: Path = typer.Option(None, "--policy", help=t("federated.help.policy")),
        name: str = typer.Option(None, "--name", help=t("federated.help.name")),
        kind: str = typer.Option(None, "--kind", click_type=click.Choice(KINDS),
                                 help=t("federated.help.kind")),
        wait: int = typer.Option(10, "--wait", min=1, help=t("federated.help.wait")),
        insecure: bool = typer.Option(False, "--insecure", help=t("federated.help.insecure")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        request = JoinRequest(coordinator=coordinator, dataset=dataset, target=target, ca=ca,
                              policy=policy, name=name, kind=kind, insecure=insecure, wait=wait)
        with open_catalog(workspace) as (ws, catalog), progress_bar(
                as_json, idle=t("federated.progress.start")) as progress:
            payload = join_federation(ws, catalog, request, progress)
        if as_json:
            print_json(payload)
            return
        render(payload)


def render(payload: dict) -> None:
    lang = language()
    metric = payload["measure"]
    table = Table(title=f"{payload['id']}: {payload['target']} "
                        f"({t('federated.measure.' + metric, lang=lang)})")
    for key in ("party", "rows", "alone", "together", "better"):
        table.add_column(t(f"federated.card.{key}", lang=lang))
    for row in payload["parties"]:
        table.add_row(row["name"], str(row["rows"]), fmt(metric, row["alone"], lang),
                      fmt(metric, row["together"], lang),
                      t("federated.verdict." + row["verdict"]["verdict"], lang=lang))
    console.print(table)
    for row in payload["parties"]:
        console.print(row["sentence" if lang == "de" else "sentence_en"], markup=False)
    pooled = payload.get("pooled")
    agreement = (payload.get("card") or {}).get("agreement")
    if agreement:
        console.print("; ".join(agreement["explanation"]), markup=False)
    if pooled and pooled.get("value") is not None:
        console.print(t("federated.card.pooled", lang=lang, value=fmt(metric, pooled["value"],
                                                                        lang)), markup=False)
    console.print(payload["privacy"]["explanation" if lang == "de" else "explanation_en"],
                  markup=False)
    console.print(payload["model_card_path"], markup=False)
