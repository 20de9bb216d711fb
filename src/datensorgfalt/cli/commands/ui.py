"""``datensorgfalt ui [ORDNER]``: the local web app (``web/``) in the browser."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.cli.common import console, handles_errors
from datensorgfalt.i18n import t


def register(app: typer.Typer) -> None:
    @app.command("ui", help=t("web.help.command"))
    @handles_errors
    def ui(
        folder: Path = typer.Argument(None, metavar="[ORDNER]", help=t("web.help.folder")),
        host: str = typer.Option("127.0.0.1", "--host", help=t("web.help.host")),
        port: int = typer.Option(8765, "--port", min=1, max=65535, help=t("web.help.port")),
        no_browser: bool = typer.Option(False, "--no-browser", help=t("web.help.no_browser")),
    ) -> None:
        from datensorgfalt.web import serve

        root = (folder or Path.cwd()).resolve()
        if not root.is_dir():
            raise typer.BadParameter(t("web.error.no_folder", folder=str(root)))

        def announce(url: str) -> None:
            console.print(t("web.cli.open", url=url), markup=False, soft_wrap=True)
            if "token=" in url:
                console.print(t("web.cli.token"))
            console.print(t("web.cli.stop"))

        serve(root, host=host, port=port, open_browser=not no_browser, announce=announce)
