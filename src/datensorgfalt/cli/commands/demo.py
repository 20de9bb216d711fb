"""``datensorgfalt demo [DIR]``: generate the demo company's data landscape."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.cli.common import console, handles_errors, json_option, print_json
from datensorgfalt.demo import generate
from datensorgfalt.demo.partners import README
from datensorgfalt.i18n import t


def register(app: typer.Typer) -> None:
    @app.command("demo", help=t("help.demo"))
    @handles_errors
    def demo(
        directory: Path = typer.Argument(Path("demo-firma"), help=t("help.demo_dir")),
        seed: int = typer.Option(42, "--seed", help=t("help.seed")),
        as_json: bool = json_option(),
    ) -> None:
        manifest = generate(directory, seed=seed)
        if as_json:
            print_json(manifest)
            return
        console.print(t("demo.done", folder=directory.resolve(), n=len(manifest["files"])))
        console.print(t("demo.planted", path=directory.resolve() / "GEPFLANZT.md"))
        console.print(t("demo.partners", path=directory.resolve() / README))
