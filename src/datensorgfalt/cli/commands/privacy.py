"""``datensorgfalt privacy [DATASET...]`` and ``datensorgfalt privacy text [FILE|-]``.

``privacy`` is a group whose default subcommand is ``run`` (``DefaultCommandGroup``):
``privacy A B`` means ``privacy run A B``; ``privacy text FILE`` runs the text detector.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from datensorgfalt.cli.common import (
    DefaultCommandGroup,
    console,
    handles_errors,
    json_option,
    open_catalog,
    print_json,
    progress_bar,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.privacy import (
    PrivacyReport,
    documents_by_findings,
    kind_labels,
    read_text_input,
    scan_privacy,
    scan_text,
)


def register(app: typer.Typer) -> None:
    group = typer.Typer(cls=DefaultCommandGroup, help=t("privacy.help.group"))
    app.add_typer(group, name="privacy")

    @group.command("run", help=t("privacy.help.run"))
    @handles_errors
    def run(
        datasets: list[str] = typer.Argument(None, help=t("privacy.help.datasets")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog), progress_bar(
                as_json, t("privacy.cli.progress")) as progress:
            report = scan_privacy(ws, catalog, datasets or None, progress=progress)
        print_json(report.to_dict()) if as_json else _render(report)

    @group.command("text", help=t("privacy.help.text"))
    @handles_errors
    def text(
        file: str = typer.Argument("-", help=t("privacy.help.file")),
        min_score: float = typer.Option(0.5, "--min-score", help=t("privacy.help.min_score")),
        special: bool = typer.Option(False, "--special", help=t("privacy.help.special")),
        as_json: bool = json_option(),
    ) -> None:
        content = read_text_input(file, sys.stdin)
        entities = scan_text(content, min_score=min_score, special=special)
        if as_json:
            _print_json_lines([entity.to_dict() for entity in entities])
            return
        _render_entities(entities)


def _print_json_lines(rows: list[dict]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def _render_entities(entities: list) -> None:
    if not entities:
        console.print(t("privacy.cli.text_none"))
    for e in entities:
        console.print(f"{e.start:>6}-{e.end:<6} {e.type:<24} {e.score:.2f}  {e.text}",
                      markup=False)


SHOWN = 20  # datasets (and documents of one) listed one by one; --json always lists all


def _render(report: PrivacyReport) -> None:
    quiet, personal = report.quiet(), report.personal()
    if len(quiet) > SHOWN:  # a folder of hundreds of letters would fill the screen
        console.print(t("privacy.cli.none_many", n=len(quiet)))
    for data in quiet[:SHOWN] if len(quiet) <= SHOWN else []:
        console.print(t("privacy.cli.none", title=data["title"]))
    for data in personal[:SHOWN]:
        console.print(t("privacy.cli.dataset", title=data["title"], id=data["id"],
                        kinds=kind_labels(data["kinds"])))
        console.print(_table(data))
        if len(data["documents"]) > SHOWN:
            console.print(t("privacy.cli.more_documents", n=len(data["documents"]) - SHOWN))
    if len(personal) > SHOWN:
        console.print(t("privacy.cli.more", n=len(personal) - SHOWN))
    for failure in report.failed:
        console.print(t("privacy.cli.failed", title=failure["title"], reason=failure["reason"]),
                      style="yellow")
    console.print(t("privacy.cli.summary", n=len(report.datasets) + len(report.failed),
                    personal=len(personal), failed=len(report.failed)))
    if personal:
        console.print(t("privacy.cli.next"))


def _table(data: dict) -> Table:
    table = Table(show_lines=False)
    for key in ("column", "kinds", "count", "confidence", "examples"):
        table.add_column(t(f"privacy.cli.col.{key}"), overflow="fold")
    rows = [(name, c, c["count"]) for name, c in data["columns"].items()]
    rows += [(Path(path).name, d, count)
             for path, d, count in documents_by_findings(data)[:SHOWN]]
    for name, entry, count in rows:
        labels = kind_labels(entry["kinds"], entry.get("special_categories"))
        table.add_row(name, labels, str(count), f"{entry['confidence']:.2f}",
                      ", ".join(entry["examples"]))
    return table
