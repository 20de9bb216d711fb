"""``datensorgfalt opendata import|fetch``: open data beside the company's own."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    human_size,
    json_option,
    open_catalog,
    overwrite_option,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.opendata import fetch_distribution, import_catalog, import_weather


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("opendata.help.group"), no_args_is_help=True)
    app.add_typer(group, name="opendata")

    @group.command("import", help=t("opendata.help.import"))
    @handles_errors
    def import_(
        source: str = typer.Argument(..., help=t("opendata.help.source")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            report = import_catalog(ws, catalog, source)
        if as_json:
            print_json(report.to_dict())
            return
        console.print(t("opendata.imported", added=len(report.added), updated=len(report.updated),
                        source=report.source), highlight=False)
        for entry in report.entries:
            console.print(t("opendata.entry", id=entry["id"], title=entry["title"],
                            licence=entry["licence_info"]["text"]), highlight=False)

    @group.command("fetch", help=t("opendata.help.fetch"))
    @handles_errors
    def fetch(
        dataset: str = typer.Argument(..., help=t("opendata.help.id")),
        out: Path = typer.Option(None, "--out", "-o", help=t("opendata.help.out")),
        overwrite: bool = overwrite_option(),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            report = fetch_distribution(ws, catalog, dataset, out, overwrite=overwrite)
        if as_json:
            print_json(report.to_dict())
            return
        console.print(t("opendata.fetched", url=report.url, path=report.path,
                        size=human_size(report.bytes), n=len(report.dataset_ids)),
                      highlight=False)

    @group.command("weather", help=t("opendata.weather.help"))
    @handles_errors
    def weather(
        source: Path = typer.Argument(..., help=t("opendata.weather.help_file")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            report = import_weather(ws, catalog, source)
        if as_json:
            print_json(report.to_dict())
            return
        console.print(t("opendata.weather.imported", id=report.id, station=report.station,
                        days=report.days, first=report.first, last=report.last,
                        measures=", ".join(report.measures)), highlight=False)
        console.print(t("opendata.weather.use", id=report.id), highlight=False)


def open_table(entries: list[dict]) -> Table:
    """The open-data entries for ``catalog list --open``."""
    table = Table(show_lines=False)
    for key in ("id", "title", "publisher", "formats", "licence"):
        table.add_column(t(f"opendata.col.{key}"), overflow="fold")
    for entry in entries:
        formats = sorted({d["format"] for d in entry["distributions"] if d["format"]})
        licence = entry["licence_info"]
        table.add_row(entry["id"], entry["title"], entry.get("publisher") or "-",
                      ", ".join(formats) or "-", licence["text"])
    return table
