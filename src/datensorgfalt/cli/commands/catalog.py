"""``datensorgfalt catalog list|show``: what the catalog knows."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from datensorgfalt.catalog.serialize import dataset_to_dict
from datensorgfalt.cli.commands.opendata import open_table
from datensorgfalt.cli.common import (
    SEVERITY_STYLE,
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
from datensorgfalt.services.opendata import open_entries
from datensorgfalt.services.outputs import check_output, writing
from datensorgfalt.services.sharing import export_catalog, export_summary


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("help.catalog"), no_args_is_help=True)
    app.add_typer(group, name="catalog")

    @group.command("list", help=t("help.catalog_list"))
    @handles_errors
    def list_(
        workspace: Path = workspace_option(),
        all_: bool = typer.Option(False, "--all", help=t("help.catalog_all")),
        open_: bool = typer.Option(False, "--open", help=t("opendata.help.open")),
        search: str = typer.Option(None, "--search", help=t("opendata.help.search")),
        as_json: bool = json_option(),
    ) -> None:
        if open_ or search:
            _list_open(workspace, search, as_json)
            return
        with open_catalog(workspace) as (_, catalog):
            datasets = catalog.datasets(include_deleted=all_)
        if as_json:
            print_json([dataset_to_dict(d, full=False) for d in datasets])
            return
        if not datasets:
            console.print(t("catalog.empty"))
            return
        console.print(_list_table(datasets))
        console.print(t("catalog.count", n=len(datasets)))

    @group.command("show", help=t("help.catalog_show"))
    @handles_errors
    def show(
        dataset_id: str = typer.Argument(..., help=t("help.dataset_id")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (_, catalog):
            data = dataset_to_dict(catalog.dataset(dataset_id))
        if as_json:
            print_json(data)
            return
        _render_dataset(data)

    @group.command("export", help=t("dcat.help.export"))
    @handles_errors
    def export_(
        fmt: str = typer.Option("dcat-ttl", "--format", "-f", help=t("dcat.help.format")),
        out: Path = typer.Option(None, "--out", "-o", help=t("dcat.help.out")),
        publisher: str = typer.Option(None, "--publisher", help=t("dcat.help.publisher")),
        overwrite: bool = overwrite_option(),
        workspace: Path = workspace_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            name = publisher or ws.settings.get("company") or ws.root.name
            target = out and check_output(out, overwrite=overwrite, catalog=catalog)
            text = export_catalog(catalog, fmt, publisher=name)
        if target is None:
            sys.stdout.write(text)
            return
        with writing(target, ws) as temporary:
            temporary.write_text(text, "utf-8")
        console.print(t("dcat.written", path=out, n=export_summary(text, fmt)["datasets"]))


def _list_open(workspace: Path, search: str | None, as_json: bool) -> None:
    with open_catalog(workspace) as (_, catalog):
        entries = open_entries(catalog, search)
    if as_json:
        print_json(entries)
    elif not entries:
        console.print(t("opendata.empty"))
    else:
        console.print(open_table(entries))
        console.print(t("opendata.count", n=len(entries)))


def _list_table(datasets: list) -> Table:
    table = Table(show_lines=False)
    for key in ("id", "title", "format", "size", "rows", "columns", "findings"):
        table.add_column(t(f"catalog.col.{key}"), overflow="fold")
    for d in datasets:
        table.add_row(
            d.id,
            d.title,
            d.format,
            human_size(d.byte_size),
            "-" if d.row_count is None else f"{d.row_count:,}".replace(",", "."),
            "-" if d.column_count is None else str(d.column_count),
            str(len(d.findings)) if d.findings else "",
        )
    return table


def _render_dataset(data: dict) -> None:
    console.print(f"[bold]{data['title']}[/]  ({data['id']})")
    for key in ("location", "kind", "format", "status", "size", "modified", "rows",
                "column_count", "fingerprint"):
        value = human_size(data["size"]) if key == "size" else data[key]
        console.print(f"  {t('catalog.field.' + key)}: {value if value is not None else '-'}")
    if data["dialect"]:
        dialect = ", ".join(f"{k}={v!r}" for k, v in data["dialect"].items())
        console.print(f"  {t('catalog.field.dialect')}: {dialect}")
    if data["rights"]:
        rights = ", ".join(f"{k}={v}" for k, v in data["rights"].items() if v not in (None, {}))
        console.print(f"  {t('catalog.field.rights')}: {rights}")
    if data["columns"]:
        table = Table(title=t("catalog.columns_title"))
        for key in ("name", "type", "semantic_type"):
            table.add_column(t(f"catalog.colcol.{key}"))
        for column in data["columns"]:
            table.add_row(column["name"], column["type"], column["semantic_type"] or "")
        console.print(table)
    for finding in data["findings"]:
        style = SEVERITY_STYLE.get(finding["severity"], "")
        console.print(f"  [{style}]{escape(t('quality.severity.' + finding['severity']))}[/] "
                      f"{escape(finding['code'])}: {escape(finding['message'])}", highlight=False)
