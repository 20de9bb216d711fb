"""``datensorgfalt quality [DATASET...] | quality run [DATASET...] | quality show DATASET``.

``quality`` is a group: ``quality`` alone checks every table, ``quality run A B`` (or just
``quality A B``) checks the named datasets, ``quality show A`` renders the newest result. A
group callback with dataset arguments would swallow ``show`` as a dataset name, so the group
class sends anything that is not a subcommand to ``run`` instead.
"""

from __future__ import annotations

from pathlib import Path

import click
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from typer.core import TyperGroup

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    open_catalog,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import language, t
from datensorgfalt.services import quality as service
from datensorgfalt.services.quality import dimensions_config

SEVERITY_STYLE = {"critical": "bold red", "error": "red", "warning": "yellow", "info": "cyan"}


class RunByDefault(TyperGroup):
    """``quality A B`` means ``quality run A B``; ``quality show A`` stays ``show``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        words = [a for a in args if not a.startswith("-")]
        if words and words[0] not in self.commands and words[0] not in _option_values(args):
            args = ["run", *args]
        return super().parse_args(ctx, args)


def _option_values(args: list[str]) -> set[str]:
    """Values of options that take one (``-w DIR``), so they are not read as datasets."""
    return {args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-w", "--workspace")}


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("help.quality"), invoke_without_command=True, cls=RunByDefault)
    app.add_typer(group, name="quality")

    @group.callback()
    @handles_errors
    def quality(ctx: typer.Context, workspace: Path = workspace_option(),
                as_json: bool = json_option()) -> None:
        if ctx.invoked_subcommand is None:
            _run([], workspace, as_json)

    @group.command("run", help=t("help.quality_run"))
    @handles_errors
    def run(datasets: list[str] = typer.Argument(None, help=t("help.quality_datasets")),
            workspace: Path = workspace_option(), as_json: bool = json_option()) -> None:
        _run(datasets or [], workspace, as_json)

    @group.command("show", help=t("help.quality_show"))
    @handles_errors
    def show(dataset: str = typer.Argument(..., help=t("help.dataset_id")),
             cells: Path = typer.Option(None, "--cells", help=t("help.quality_cells")),
             all_: bool = typer.Option(False, "--all", help=t("help.quality_all")),
             workspace: Path = workspace_option(), as_json: bool = json_option()) -> None:
        with open_catalog(workspace) as (_, catalog):
            data = service.quality_report(catalog, dataset)
        if cells is not None:
            n = service.write_cells(cells, data["result"].get("cells", []))
            if not as_json:
                console.print(t("quality.cells_written", n=n, path=cells))
        if as_json:
            print_json(data)
            return
        render_report(data, all_)


def _run(datasets: list[str], workspace: Path | None, as_json: bool) -> None:
    with open_catalog(workspace) as (ws, catalog), _progress(as_json) as progress:
        task = progress.add_task("", total=None)

        def advance(title: str, index: int, total: int) -> None:
            progress.update(task, description=t("quality.progress", title=title),
                            completed=index, total=total)

        outcome = service.run_quality(ws, catalog, datasets, advance)
        progress.update(task, completed=len(outcome.outcomes))
    if as_json:
        print_json(outcome.as_dict())
        return
    console.print(_run_table(outcome))
    console.print(t("quality.done", n=len(outcome.outcomes), run=outcome.run_id))


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    console=console, transient=True, disable=quiet)


def _run_table(outcome: service.QualityRun) -> Table:
    table = Table()
    for key in ("dataset", "score", "findings", "worst"):
        table.add_column(t(f"quality.col.{key}"), overflow="fold")
    for o in sorted(outcome.outcomes, key=lambda o: (o.score is not None, o.score or 0)):
        worst = o.worst[0] if o.worst else None
        text = (f"[{SEVERITY_STYLE[worst['severity']]}]{worst['message']}[/]" if worst else "")
        table.add_row(o.title, "-" if o.score is None else str(o.score), str(o.findings), text)
    return table


def render_report(data: dict, show_all: bool = False) -> None:
    result = data["result"]
    console.print(f"[bold]{data['dataset']['title']}[/]  ({data['dataset']['id']})")
    console.print(t("quality.score_line", score=result.get("score", "-")))
    dims = dimensions_config()["dimensions"]
    lang = language()
    scores = Table(title=t("quality.dimensions_title"))
    for key in ("dimension", "score"):
        scores.add_column(t(f"quality.col.{key}"))
    for name, value in sorted(result.get("scores", {}).items(), key=lambda kv: kv[1]):
        scores.add_row(dims[name][lang]["title"], str(value))
    console.print(scores)
    studies = Table(title=t("quality.studies_title"))
    for word in result.get("studies", {}):
        studies.add_column(word)
    studies.add_row(*(str(v) for v in result.get("studies", {}).values()))
    console.print(studies)
    findings = [f for f in result.get("findings", []) if show_all or f["severity"] != "info"]
    if not result.get("findings"):
        console.print(t("quality.no_findings"))
    if findings:
        table = Table(title=t("quality.findings_title"), show_lines=True)
        for key in ("severity", "finding", "todo"):
            table.add_column(t(f"quality.col.{key}"), overflow="fold")
        for f in findings:
            rows = f.get("evidence", {}).get("rows")
            where = f"\n[dim]rows {rows[:5]}[/]" if rows else ""
            severity = t(f"quality.severity.{f['severity']}")
            table.add_row(f"[{SEVERITY_STYLE[f['severity']]}]{severity}[/]",
                          f["message"] + where, f["todo"])
        console.print(table)
    hidden = len(result.get("findings", [])) - len(findings)
    if hidden:
        console.print(t("quality.hidden_info", n=hidden))
    if len(data["history"]) > 1:
        console.print(t("quality.history", scores=" → ".join(
            str(h["score"]) for h in data["history"][-8:])))
