"""``datensorgfalt check RULES.yaml`` and ``datensorgfalt check --suggest DATASET``."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.cli.common import handles_errors, json_option, workspace_option


def register(app: typer.Typer) -> None:
    from datensorgfalt.i18n import t

    @app.command("check", help=t("help.check"))
    @handles_errors
    def check(rules: Path = typer.Argument(None, help=t("help.check_rules")),
              suggest: str = typer.Option(None, "--suggest", help=t("help.check_suggest")),
              workspace: Path = workspace_option(), as_json: bool = json_option()) -> None:
        pass
