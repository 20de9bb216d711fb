"""``datensorgfalt scan PATH_OR_URL...``: fill the catalog from folders, files and databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

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
from datensorgfalt.errors import DatensorgfaltError, NoWorkspace
from datensorgfalt.i18n import t
from datensorgfalt.services.scan.worker import FileWorker, read_ahead
from datensorgfalt.sources.locations import display_location
from datensorgfalt.workspace import Workspace, find_workspace, init_workspace

if TYPE_CHECKING:  # loaded once the file worker runs: it reads meanwhile (``read_ahead``)
    from datensorgfalt.catalog import Catalog
    from datensorgfalt.services.scan import ScanReport


def register(app: typer.Typer) -> None:
    @app.command("scan", help=t("scan.help.command"))
    @handles_errors
    def scan_command(
        targets: list[str] = typer.Argument(..., help=t("scan.help.targets")),
        follow_links: bool = typer.Option(False, "--follow-links",
                                          help=t("scan.help.follow_links")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        _require_targets(targets)
        with _worker(workspace, targets) as worker, _open_or_create(workspace) as (ws, catalog), \
                progress_bar(as_json, t("scan.cli.progress")) as progress:
            from datensorgfalt.services.scan import scan

            report = scan(ws, catalog, targets, progress=progress, follow_links=follow_links,
                          worker=worker)
        print_json(report.to_dict()) if as_json else _render(report)
        raise typer.Exit(report.exit_code)


def _require_targets(targets: list[str]) -> None:
    """A folder or file named on the command line that is not there is a typo, not a vanished
    source: one sentence, and nothing in the catalog is touched."""
    for target in targets:
        if "://" not in target and not os.path.lexists(target):
            raise DatensorgfaltError("scan.error.target_missing", target=target)


@contextmanager
def _worker(path: Path | None, targets: list[str]) -> Iterator[FileWorker | None]:
    """The file worker, started before the catalog and the readers load: it reads the first
    large file meanwhile. None (the scan starts its own) before the first scan of a folder."""
    try:
        worker = read_ahead(find_workspace(path), targets)
    except NoWorkspace:
        yield None
        return
    with worker:
        yield worker


@contextmanager
def _open_or_create(path: Path | None) -> Iterator[tuple[Workspace, Catalog]]:
    """The workspace's catalog; the first scan creates the workspace where it is run."""
    try:
        find_workspace(path)
    except NoWorkspace:
        created = init_workspace(path or Path.cwd())
        err_console.print(t("scan.cli.workspace_created", folder=created.folder))
        path = created.root
    with open_catalog(path) as opened:
        yield opened


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
    if report.notes:
        console.print(t("scan.cli.notes_title"))
        for note in report.notes:
            console.print(f"  {display_location(note['location'])}: {note['message']}",
                          markup=False)
    console.print(t("scan.cli.next"))
