"""``datensorgfalt readiness [--answers FILE]``: AI maturity from answers and catalog evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.prompt import Prompt
from rich.table import Table

from datensorgfalt.cli.common import (
    console,
    err_console,
    handles_errors,
    json_option,
    open_catalog,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services import readiness
from datensorgfalt.services.knowledge import loc


def register(app: typer.Typer) -> None:
    @app.command("readiness", help=t("readiness.help"))
    @handles_errors
    def readiness_(
        answers: Path = typer.Option(None, "--answers", "-a", help=t("readiness.help_answers")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        given = readiness.load_answers(answers) if answers else None
        with open_catalog(workspace) as (ws, catalog):
            if given is None:
                ask = _asker(err_console if as_json else console)
                company = {f"_{q['id']}": ask(q, 0, 0) for q in readiness.company_questions(ws)}
                given = readiness.interview(ask) | company
            result = readiness.run_readiness(ws, catalog, given)
        if as_json:
            print_json(result)
            return
        render(result)


def _asker(out: Any):
    """Ask one question in the terminal; answers are the option numbers."""
    def ask(question: dict, number: int, total: int) -> Any:
        if number == 1:
            out.print(t("readiness.intro", n=total))
        opts = readiness.options(question)
        dimension = next((d for d in readiness.questionnaire()["dimensions"]
                          if d["key"] == question.get("dimension")), None)
        title = t("readiness.question", n=number, total=total,
                  dimension=loc(dimension["title"])) if dimension else t("support.land.title")
        out.print(f"\n[dim]{title}[/]")
        out.print(f"[bold]{loc(question['text'])}[/]")
        for i, option in enumerate(opts, 1):
            out.print(f"  {i}) {loc(option['label'])}")
        if question["type"] == "multi":
            out.print(f"  [dim]{t('readiness.multi_hint')}[/]")
        while True:
            raw = Prompt.ask(">", console=out)
            picked = [p.strip() for p in raw.split(",") if p.strip()]
            if picked and all(p.isdigit() and 1 <= int(p) <= len(opts) for p in picked) and (
                    question["type"] == "multi" or len(picked) == 1):
                values = [opts[int(p) - 1]["value"] for p in picked]
                return values if question["type"] == "multi" else values[0]
            out.print(f"[yellow]{t('readiness.invalid')}[/]")
    return ask


def render(result: dict) -> None:
    console.print(f"\n[bold]{t('readiness.title')}[/]  "
                  + t("readiness.phase", phase=result["phase"]["title"], score=result["score"]))
    console.print(result["phase"]["text"])
    table = Table()
    for key in ("col_dimension", "col_score", "col_self", "col_evidence"):
        table.add_column(t(f"readiness.{key}"))
    for d in result["dimensions"]:
        evidence = "" if d["evidence_score"] is None else f"{d['evidence_score']:.0f}"
        table.add_row(d["title"], f"{d['score']:.0f}", f"{d['self_score']:.0f}", evidence)
    console.print(table)
    if not result["facts"]["datasets"]:
        console.print(f"[yellow]{t('readiness.empty_catalog')}[/]")
    if result["disagreements"]:
        console.print(f"\n[bold yellow]{t('readiness.disagree.title')}[/]")
        for item in result["disagreements"]:
            console.print(f"  - {item['text']}")
    if result["gaps"]:
        console.print(f"\n[bold]{t('readiness.gaps')}[/]")
        for gap in result["gaps"]:
            console.print("  - " + (gap.get("text") or t("readiness.gap", **gap)))
    console.print(f"\n[bold]{t('readiness.steps')}[/]")
    for i, step in enumerate(result["next_steps"], 1):
        console.print(f"  {i}. {step}")
    if result.get("help"):
        console.print(f"\n[bold]{t('support.title')}[/]")
        for line in result["help"]:
            console.print(f"  - {line['text']}", highlight=False)
        console.print(f"  [dim]{t('support.checked', date=result['help_checked'])}[/]")
    console.print(f"\n[dim]{t('readiness.saved')}[/]")
