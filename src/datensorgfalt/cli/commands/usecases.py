"""``datensorgfalt usecases``: the use cases that fit the company's data, best first."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    open_catalog,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.help import directory_checked
from datensorgfalt.services.usecases import run_usecases

STYLE = {"now": "green", "after": "yellow", "not_yet": "red"}


def register(app: typer.Typer) -> None:
    @app.command("usecases", help=t("usecases.help"))
    @handles_errors
    def usecases_(
        all_: bool = typer.Option(False, "--all", help=t("usecases.help_all")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            matches = run_usecases(ws, catalog)
        if as_json:
            print_json(matches)
            return
        render(matches if all_ else matches[:10], matches)


def render(shown: list[dict], matches: list[dict]) -> None:
    table = Table(title=t("usecases.title"), show_lines=True)
    for key in ("col_rank", "col_title", "col_verdict", "col_data"):
        table.add_column(t(f"usecases.{key}"), overflow="fold")
    for m in shown:
        data = "\n".join(r["have"] for r in m["requirements"])
        flags = [m["flags"]["ai_act_label"]]
        flags += [t(f"usecases.flag.{f}") for f in ("dsgvo", "codetermination") if m["flags"][f]]
        table.add_row(str(m["rank"]), f"[bold]{m['title']}[/]\n[dim]{' · '.join(flags)}[/]",
                      f"[{STYLE[m['verdict']]}]{m['verdict_label']}[/]", data)
    console.print(table)
    counts = {v: sum(m["verdict"] == v for m in matches) for v in STYLE}
    console.print(t("usecases.summary", **counts))
    if all(gate["have"] is None for m in matches for gate in m["gates"]):
        console.print(f"[dim]{t('usecases.no_readiness')}[/]")
    offers = {line["id"]: line for m in matches for line in m.get("help") or []}
    if offers:
        console.print(f"\n[bold]{t('support.title')}[/]")
        for line in offers.values():
            console.print(f"  {line['text']}", highlight=False)
        console.print(f"[dim]{t('support.checked', date=directory_checked())}[/]")
    now = [m for m in shown if m["verdict"] == "now" and m["poc"]]
    if now:
        console.print(f"\n{t('usecases.poc_hint')}")
        for m in now[:3]:
            console.print(f"  [bold]{m['title']}[/]: {m['poc']['command']}")
