"""``datensorgfalt convert FILE OUT.csv``: any table file to clean CSV."""

from __future__ import annotations

from pathlib import Path

import typer

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    maybe_catalog,
    note_neutralised,
    overwrite_option,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.scan.convert import convert as convert_file


def register(app: typer.Typer) -> None:
    @app.command("convert", help=t("readers.help.convert"))
    @handles_errors
    def convert(
        file: Path = typer.Argument(..., help=t("readers.help.file")),
        out: Path = typer.Argument(..., help=t("readers.help.out")),
        sheet: str = typer.Option(None, "--sheet", help=t("readers.help.sheet")),
        overwrite: bool = overwrite_option(),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with maybe_catalog(workspace) as (ws, catalog):
            result = convert_file(file, out, sheet=sheet, overwrite=overwrite, workspace=ws,
                                  catalog=catalog)
        note_neutralised(result["neutralised"])
        if as_json:
            print_json(result)
            return
        console.print(t("readers.convert.done", **summary(result)), highlight=False)
        for issue in result["issues"]:
            console.print(f"  - {issue['text']}", highlight=False)


DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", " ": "space"}


def summary(result: dict) -> dict:
    """Values for the one-paragraph German (or English) description of what was found."""
    dialect = result["dialect"]
    if "sheet" in dialect:
        how = t("readers.convert.sheet", sheet=dialect["sheet"], row=dialect["top_row"])
    else:
        delimiter = dialect["delimiter"]
        name = DELIMITER_NAMES.get(delimiter)
        decimal = dialect.get("decimal_sep")
        how = t(
            "readers.convert.text" if decimal else "readers.convert.text_no_decimal",
            encoding=dialect["encoding"],
            delimiter=t(f"readers.delimiter.{name}") if name else f"„{delimiter}“",
            decimal=decimal,
        )
    header = (
        t("readers.convert.header_rows", n=dialect["header_rows"])
        if dialect["header_rows"]
        else t("readers.convert.no_header")
    )
    return {
        "input": result["input"], "output": result["output"], "how": how, "header": header,
        "rows": result["rows"], "columns": result["columns"],
    }
