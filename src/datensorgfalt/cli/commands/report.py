"""``datensorgfalt report [--out DIR] [--lang en]``: HTML and PDF report for management."""

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
from datensorgfalt.i18n import language, t
from datensorgfalt.services.report import build_report


def register(app: typer.Typer) -> None:
    @app.command("report", help=t("report.help"))
    @handles_errors
    def report_(
        out: Path = typer.Option(None, "--out", "-o", help=t("report.help_out")),
        lang: str = typer.Option(None, "--lang", help=t("report.help_lang")),
        overwrite: bool = overwrite_option(),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        lang = (lang or language())[:2].lower()
        with open_catalog(workspace) as (ws, catalog), console.status(t("report.help")):
            result = build_report(ws, catalog, out, lang if lang in ("de", "en") else None,
                                  overwrite=overwrite)
        if as_json:
            print_json(result)
            return
        console.print(t("report.done", pages=result["pages"]))
        console.print(f"  HTML: {result['html']}\n  PDF:  {result['pdf']}")
