"""``datensorgfalt privacy [DATASET...]`` and ``datensorgfalt privacy text [FILE|-]``.

``privacy`` is a group whose default subcommand is ``run``: ``privacy A B`` means
``privacy run A B``; ``privacy text FILE`` runs the text detector.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from typer.core import TyperGroup

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
from datensorgfalt.services.privacy import (
    PrivacyReport,
    kind_labels,
    read_text_input,
    scan_privacy,
    scan_text,
)


class DefaultRunGroup(TyperGroup):
    """Arguments that name no subcommand go to ``run``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def register(app: typer.Typer) -> None:
    group = typer.Typer(cls=DefaultRunGroup, help=t("privacy.help.group"))
    app.add_typer(group, name="privacy")

    @group.command("run", help=t("privacy.help.run"))
    @handles_errors
    def run(
        datasets: list[str] = typer.Argument(None, help=t("privacy.help.datasets")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog), _progress(as_json) as bar:
            task = bar.add_task(t("privacy.cli.progress"), total=None)
            report = scan_privacy(ws, catalog, datasets or None, progress=lambda d, n, label:
                                  bar.update(task, completed=d, total=n,
                                             description=(label or "")[:40]))
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
            for entity in entities:
                sys.stdout.write(json.dumps(entity.to_dict(), ensure_ascii=False) + "\n")
            return
        if not entities:
            console.print(t("privacy.cli.text_none"))
        for e in entities:
            console.print(f"{e.start:>6}-{e.end:<6} {e.type:<24} {e.score:.2f}  {e.text}",
                          markup=False)


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                    console=err_console, transient=True, disable=quiet)


def _render(report: PrivacyReport) -> None:
    personal = 0
    for data in report.datasets:
        if not data["kinds"]:
            console.print(t("privacy.cli.none", title=data["title"]))
            continue
        personal += 1
        console.print(t("privacy.cli.dataset", title=data["title"], id=data["id"],
                        kinds=kind_labels(data["kinds"])))
        console.print(_table(data))
    for failure in report.failed:
        console.print(t("privacy.cli.failed", title=failure["title"], reason=failure["reason"]),
                      style="yellow")
    console.print(t("privacy.cli.summary", n=len(report.datasets) + len(report.failed),
                    personal=personal, failed=len(report.failed)))
    if personal:
        console.print(t("privacy.cli.next"))


def _table(data: dict) -> Table:
    table = Table(show_lines=False)
    for key in ("column", "kinds", "count", "confidence", "examples"):
        table.add_column(t(f"privacy.cli.col.{key}"), overflow="fold")
    rows = [(name, c, c["count"]) for name, c in data["columns"].items()]
    rows += [(Path(path).name, d, sum(d["counts"].values()))
             for path, d in data["documents"].items()]
    for name, entry, count in rows:
        labels = kind_labels(entry["kinds"], entry.get("special_categories"))
        table.add_row(name, labels, str(count), f"{entry['confidence']:.2f}",
                      ", ".join(entry["examples"]))
    return table
