"""``datensorgfalt forget ID`` / ``--all-vanished``: erase a dataset and all derived from it."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    open_catalog,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.forget import Receipt, forget


def register(app: typer.Typer) -> None:
    @app.command("forget", help=t("forget.help.command"))
    @handles_errors
    def forget_command(
        dataset: str = typer.Argument(None, help=t("forget.help.dataset")),
        all_vanished: bool = typer.Option(False, "--all-vanished",
                                          help=t("forget.help.all_vanished")),
        delete_outside: bool = typer.Option(False, "--delete-copies",
                                            help=t("forget.help.delete_copies")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            receipt = forget(ws, catalog, dataset, all_vanished=all_vanished,
                             delete_outside=delete_outside)
        print_json(receipt.to_dict()) if as_json else _render(receipt)


def _render(receipt: Receipt) -> None:
    if not receipt.datasets:
        console.print(t("forget.nothing"))
    for entry in receipt.datasets:
        console.print(t(f"forget.{entry['role']}", location=entry["location"], id=entry["id"]),
                      highlight=False)
    rows = sum(receipt.catalog_rows.values())
    console.print(t("forget.removed", rows=rows, files=len(receipt.files_deleted)
                    + len(receipt.outside_deleted)), highlight=False)
    for path in receipt.outside_kept:
        console.print(t("forget.kept", path=path), highlight=False)
    console.print(t("forget.receipt", path=receipt.path), highlight=False)
