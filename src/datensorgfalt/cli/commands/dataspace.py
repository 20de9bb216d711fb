"""``datensorgfalt dataspace offer|catalog|get|status``: both sides of a data trustee."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    open_catalog,
    overwrite_option,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.dataspace import (
    dataspace_status,
    get_offer,
    offer_dataset,
    read_catalog,
    shared_and_received,
)


def _url() -> str:
    return typer.Option(..., "--trustee", help=t("dataspace.help.trustee"))


def _token() -> str:
    return typer.Option(..., "--token", envvar="DATENSORGFALT_TRUSTEE_TOKEN",
                        help=t("dataspace.help.token"))


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("dataspace.help.group"), no_args_is_help=True)
    app.add_typer(group, name="dataspace")

    @group.command("offer", help=t("dataspace.help.offer"))
    @handles_errors
    def offer_command(
        dataset: str = typer.Argument(..., help=t("dataspace.help.dataset")),
        url: str = _url(), token: str = _token(),
        purpose: str = typer.Option(..., "--purpose", help=t("dataspace.help.purpose")),
        until: str = typer.Option(None, "--until", help=t("dataspace.help.until")),
        max_transfers: int = typer.Option(None, "--max-transfers", min=0,
                                          help=t("dataspace.help.max_transfers")),
        assignee: str = typer.Option(None, "--for", help=t("dataspace.help.for")),
        workspace: Path = workspace_option(), as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            record = offer_dataset(ws, catalog, dataset, url, token, purpose, until=until,
                                   max_transfers=max_transfers, assignee=assignee)
        if as_json:
            print_json(record)
        else:
            console.print(t("dataspace.cli.offered", dataset=record["dataset_id"],
                            offer=record["offer_id"]), markup=False)

    @group.command("catalog", help=t("dataspace.help.catalog"))
    @handles_errors
    def catalog_command(url: str = _url(), token: str = _token(),
                        as_json: bool = json_option()) -> None:
        found = read_catalog(url, token)
        if as_json:
            print_json(found)
            return
        for dataset in found.get("dataset", []):
            offers = ", ".join(p["@id"] for p in dataset.get("hasPolicy", []))
            console.print(f"{dataset.get('title')}: {offers}", markup=False)

    @group.command("get", help=t("dataspace.help.get"))
    @handles_errors
    def get_command(
        offer: str = typer.Argument(..., help=t("dataspace.help.offer_id")),
        url: str = _url(), token: str = _token(),
        purpose: str = typer.Option(..., "--purpose", help=t("dataspace.help.purpose")),
        out: Path = typer.Option(..., "--out", help=t("dataspace.help.out")),
        overwrite: bool = overwrite_option(),
        workspace: Path = workspace_option(), as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            record = get_offer(ws, catalog, offer, url, token, purpose, out,
                               overwrite=overwrite)
        if as_json:
            print_json(record)
        else:
            console.print(t("dataspace.cli.received", file=record["file"],
                            bytes=record["bytes"]), markup=False)

    @group.command("status", help=t("dataspace.help.status"))
    @handles_errors
    def status_command(workspace: Path = workspace_option(),
                       as_json: bool = json_option()) -> None:
        with open_catalog(workspace) as (_, catalog):
            records = dataspace_status(catalog)
            rows = shared_and_received(catalog)
        if as_json:
            print_json(records)
            return
        if not rows:
            console.print(t("dataspace.cli.none"))
        for row in rows:
            console.print(t("dataspace.cli.line", **(row | {
                "direction_label": row["direction_label"].capitalize()})), markup=False)
