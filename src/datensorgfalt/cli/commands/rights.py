"""``datensorgfalt rights set|import|show``: source, licence and usage rights of datasets."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    open_catalog,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.privacy import import_rights, set_rights, show_rights


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=t("rights.help.group"), no_args_is_help=True)
    app.add_typer(group, name="rights")

    @group.command("set", help=t("rights.help.set"))
    @handles_errors
    def set_(
        dataset: str = typer.Argument(..., help=t("help.dataset_id")),
        licence: str = typer.Option(None, "--licence", "--license", help=t("rights.help.licence")),
        source: str = typer.Option(None, "--source", help=t("rights.help.source")),
        owner: str = typer.Option(None, "--owner", help=t("rights.help.owner")),
        contact: str = typer.Option(None, "--contact", help=t("rights.help.contact")),
        restriction: list[str] = typer.Option(None, "--restriction",
                                              help=t("rights.help.restriction")),
        legal_basis: str = typer.Option(None, "--legal-basis", help=t("rights.help.legal_basis")),
        ai_training: str = typer.Option(None, "--ai-training", help=t("rights.help.ai_training")),
        access: str = typer.Option(None, "--access", help=t("rights.help.access")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (_, catalog):
            saved = set_rights(catalog, dataset, licence=licence, source=source, owner=owner,
                               contact=contact, restrictions=restriction or None,
                               legal_basis=legal_basis, ai_training=ai_training,
                               access=access)
        print_json(saved) if as_json else console.print(t("rights.cli.saved", title=saved["title"]))

    @group.command("import", help=t("rights.help.import"))
    @handles_errors
    def import_(
        file: Path = typer.Argument(..., help=t("rights.help.file")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (_, catalog):
            saved = import_rights(catalog, file)
        print_json(saved) if as_json else console.print(t("rights.cli.imported", n=len(saved)))

    @group.command("show", help=t("rights.help.show"))
    @handles_errors
    def show(
        dataset: str = typer.Argument(None, help=t("help.dataset_id")),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (_, catalog):
            rows = show_rights(catalog, dataset)
        if as_json:
            print_json(rows)
            return
        console.print(_table(rows) if rows else t("rights.cli.none"))


def _table(rows: list[dict]) -> Table:
    table = Table()
    keys = ("dataset", "source", "licence", "owner", "restrictions", "legal_basis", "ai_training")
    for key in keys:
        table.add_column(t(f"rights.cli.col.{key}"), overflow="fold")
    for row in rows:
        restrictions = "; ".join(row.get("restrictions", {}).get("items", [])) if row.get(
            "restrictions") else ""
        allowed = row.get("ai_training_allowed")
        table.add_row(row["title"], row.get("source") or "-", row.get("licence") or "-",
                      row.get("owner") or "-", restrictions or "-", row.get("legal_basis") or "-",
                      "-" if allowed is None else t(f"rights.cli.{'yes' if allowed else 'no'}"))
    return table
