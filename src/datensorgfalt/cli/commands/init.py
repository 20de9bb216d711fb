"""``datensorgfalt init [DIR]``: create the workspace with its catalog."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.catalog.store import mask_url
from datensorgfalt.cli.common import console, handles_errors, json_option, print_json
from datensorgfalt.i18n import t
from datensorgfalt.workspace import FOLDER, init_workspace


def register(app: typer.Typer) -> None:
    @app.command("init", help=t("help.init"))
    @handles_errors
    def init(
        directory: Path = typer.Argument(Path("."), help=t("help.init_dir")),
        db: str = typer.Option(None, "--db", envvar="DATENSORGFALT_DB", help=t("help.db")),
        as_json: bool = json_option(),
    ) -> None:
        existed = (directory.resolve() / FOLDER).is_dir()
        workspace = init_workspace(directory, db)
        if as_json:
            print_json({"workspace": str(workspace.folder), "db": mask_url(workspace.db_url)})
            return
        console.print(t("init.exists" if existed else "init.done", folder=workspace.folder,
                        db=mask_url(workspace.db_url)))
