"""``datensorgfalt init [DIR]``: create the workspace with its catalog."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.catalog.urls import mask_url
from datensorgfalt.cli.common import console, handles_errors, json_option, print_json
from datensorgfalt.i18n import t
from datensorgfalt.services.help import check_land, land_names, set_land
from datensorgfalt.workspace import FOLDER, init_workspace


def register(app: typer.Typer) -> None:
    @app.command("init", help=t("help.init"))
    @handles_errors
    def init(
        directory: Path = typer.Argument(Path("."), help=t("help.init_dir")),
        db: str = typer.Option(None, "--db", envvar="DATENSORGFALT_DB", help=t("help.db")),
        land: str = typer.Option(None, "--land", help=t("support.land.help")),
        as_json: bool = json_option(),
    ) -> None:
        if land is not None:
            check_land(land)  # before anything is created
        existed = (directory.resolve() / FOLDER).is_dir()
        workspace = init_workspace(directory, db)
        if land is not None:
            land = set_land(workspace, land)
        if as_json:
            print_json({"workspace": str(workspace.folder), "db": mask_url(workspace.db_url),
                        "land": workspace.settings.get("land")})
            return
        console.print(t("init.exists" if existed else "init.done", folder=workspace.folder,
                        db=mask_url(workspace.db_url)))
        if land is not None:
            console.print(t("support.land.set", land=land, name=land_names()[land]))
