"""``datensorgfalt scan PATH_OR_URL...``: fill the catalog from folders, files and databases."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from datensorgfalt.cli.common import console, err_console, handles_errors, json_option, print_json
from datensorgfalt.errors import NoWorkspace
from datensorgfalt.i18n import t
from datensorgfalt.services.scan import ScanReport, display_location, scan
from datensorgfalt.workspace import find_workspace, init_workspace


def register(app: typer.Typer) -> None:
    @app.command("scan", help=t("scan.help.command"))
    @handles_errors
    def scan_command(
        targets: list[str] = typer.Argument(..., help=t("scan.help.targets")),
        workspace: Path = typer.Option(None, "--workspace", "-w", help=t("help.workspace")),
        as_json: bool = json_option(),
    ) -> None:
        try:
            ws = find_workspace(workspace)
        except NoWorkspace:
            ws = init_workspace(workspace or Path.cwd())
            err_console.print(t("scan.cli.workspace_created", folder=ws.folder))
        catalog = ws.open_catalog()
        try:
            with _progress(as_json) as bar:
                task = bar.add_task(t("scan.cli.progress"), total=None)
                report = scan(ws, catalog, targets, progress=lambda done, total, label:
                              bar.update(task, completed=done, total=total,
                                         description=label[:40] or t("scan.cli.progress")))
        finally:
            catalog.close()
        print_json(report.to_dict()) if as_json else _render(report)
        raise typer.Exit(report.exit_code)


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err_console, transient=True, disable=quiet)


def _render(report: ScanReport) -> None:
    console.print(t("scan.cli.summary", new=report.new, changed=report.changed,
                    unchanged=report.unchanged, deleted=report.deleted, failed=report.failed,
                    seconds=report.seconds))
    for copy in report.copies:
        console.print(t("scan.cli.copies", n=copy["places"]))
        for location in copy["locations"]:
            console.print(f"    {display_location(location)}", markup=False)
    if report.failures:
        table = Table(title=t("scan.cli.failures_title"))
        for key in ("location", "code", "message"):
            table.add_column(t(f"scan.cli.col.{key}"), overflow="fold")
        for failure in report.failures:
            table.add_row(display_location(failure["location"]), failure["code"],
                          failure["message"])
        console.print(table)
    console.print(t("scan.cli.next"))
