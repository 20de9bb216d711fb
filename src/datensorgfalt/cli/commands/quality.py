"""``datensorgfalt quality [DATASET...] | quality run [DATASET...] | quality show DATASET``.

``quality`` is a group: ``quality`` alone checks every table, ``quality run A B`` (or just
``quality A B``) checks the named datasets, ``quality show A`` renders the newest result. A
group callback with dataset arguments would swallow ``show`` as a dataset name, so the group
(``DefaultCommandGroup``) sends anything that is not a subcommand to ``run`` instead.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from datensorgfalt.cli.common import (
    SEVERITY_STYLE,
    DefaultCommandGroup,
    console,
    handles_errors,
    json_option,
    note_neutralised,
    open_catalog,
    overwrite_option,
    print_json,
    progress_bar,
    workspace_option,
)
from datensorgfalt.i18n import language, t
from datensorgfalt.services import quality as service


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("help.quality"), cls=DefaultCommandGroup)
    app.add_typer(group, name="quality")

    @group.command("run", help=t("help.quality_run"))
    @handles_errors
    def run(datasets: list[str] = typer.Argument(None, help=t("help.quality_datasets")),
            workspace: Path = workspace_option(), as_json: bool = json_option()) -> None:
        with open_catalog(workspace) as (ws, catalog), progress_bar(
                as_json, describe=lambda title: t("quality.progress", title=title)) as progress:
            outcome = service.run_quality(ws, catalog, datasets or [], progress)
        if as_json:
            print_json(outcome.as_dict())
            return
        console.print(_run_table(outcome))
        console.print(t("quality.done", n=len(outcome.outcomes), run=outcome.run_id))

    @group.command("show", help=t("help.quality_show"))
    @handles_errors
    def show(dataset: str = typer.Argument(..., help=t("help.dataset_id")),
             cells: Path = typer.Option(None, "--cells", help=t("help.quality_cells")),
             all_: bool = typer.Option(False, "--all", help=t("help.quality_all")),
             overwrite: bool = overwrite_option(),
             workspace: Path = workspace_option(), as_json: bool = json_option()) -> None:
        with open_catalog(workspace) as (ws, catalog):
            data = service.quality_report(catalog, dataset)
            if cells is not None:
                n, neutralised = service.write_cells(cells, data["result"].get("cells", []),
                                                     overwrite=overwrite, catalog=catalog,
                                                     workspace=ws)
                note_neutralised(neutralised)
        if cells is not None and not as_json:
            console.print(t("quality.cells_written", n=n, path=cells))
        if as_json:
            print_json(data)
            return
        render_report(data, all_)


def _run_table(outcome: service.QualityRun) -> Table:
    table = Table()
    for key in ("dataset", "score", "findings", "worst"):
        table.add_column(t(f"quality.col.{key}"), overflow="fold")
    for o in sorted(outcome.outcomes, key=lambda o: (o.score is not None, o.score or 0)):
        worst = o.worst[0] if o.worst else None
        text = (f"[{SEVERITY_STYLE.get(worst['severity'], '')}]{escape(worst['message'])}[/]"
                if worst else "")
        table.add_row(o.title, "-" if o.score is None else str(o.score), str(o.findings), text)
    return table


def render_report(data: dict, show_all: bool = False) -> None:
    result = data["result"]
    console.print(f"[bold]{data['dataset']['title']}[/]  ({data['dataset']['id']})")
    if result.get("score") is None:  # the table could not be checked: no grade
        console.print(t("quality.not_graded", reason=(result.get("error") or "-").splitlines()[0]))
    else:
        console.print(t("quality.score_line", score=result["score"]))
        console.print(_scores_table(result.get("scores", {})))
        console.print(_studies_table(result.get("studies", {})))
    findings = [f for f in result.get("findings", []) if show_all or f["severity"] != "info"]
    if not result.get("findings"):
        console.print(t("quality.no_findings"))
    if findings:
        console.print(_findings_table(findings))
    hidden = len(result.get("findings", [])) - len(findings)
    if hidden:
        console.print(t("quality.hidden_info", n=hidden))
    if len(data["history"]) > 1:
        console.print(t("quality.history", scores=" → ".join(
            "-" if h["score"] is None else str(h["score"]) for h in data["history"][-8:])))


def _scores_table(scores: dict[str, int]) -> Table:
    dims = service.dimensions_config()["dimensions"]
    lang = language()
    table = Table(title=t("quality.dimensions_title"))
    for key in ("dimension", "score"):
        table.add_column(t(f"quality.col.{key}"))
    for name, value in sorted(scores.items(), key=lambda kv: kv[1]):
        table.add_row(dims[name][lang]["title"], str(value))
    return table


def _studies_table(studies: dict) -> Table:
    table = Table(title=t("quality.studies_title"))
    for word in studies:
        table.add_column(word)
    table.add_row(*(str(v) for v in studies.values()))
    return table


def _findings_table(findings: list[dict]) -> Table:
    table = Table(title=t("quality.findings_title"), show_lines=True)
    for key in ("severity", "finding", "todo"):
        table.add_column(t(f"quality.col.{key}"), overflow="fold")
    for f in findings:
        severity = f.get("severity", "info")
        style = SEVERITY_STYLE.get(severity, "")
        label = t(f"quality.severity.{severity}")
        table.add_row(f"[{style}]{escape(label)}[/]",
                      escape(str(f.get("message", ""))) + _where(f.get("evidence")),
                      escape(str(f.get("todo", ""))))
    return table


def _where(evidence: object) -> str:
    """``Zeilen 1, 2, 3`` (counted from 1, without the header) when the finding names rows, or
    that the database could not name them."""
    rows = evidence.get("rows") if isinstance(evidence, dict) else None
    if not isinstance(rows, list):
        return ""
    if not rows and evidence.get("rows_unknown"):  # a table profiled inside its database
        return f"\n[dim]{escape(t('quality.rows_unknown'))}[/]"
    numbers = [str(r + 1) for r in rows[:5] if isinstance(r, int) and not isinstance(r, bool)]
    if not numbers:
        return ""
    more = " …" if len(rows) > 5 else ""
    return f"\n[dim]{escape(t('quality.rows_at', rows=', '.join(numbers) + more))}[/]"
