"""Open a table file with the readers of this package, by file extension.

The full registry (all formats, URLs) is ``sources/registry.py``; this is the part ``convert``
needs: delimited text and spreadsheets.
"""

from __future__ import annotations

from pathlib import Path

from datensorgfalt.i18n import t
from datensorgfalt.sources.base import Issue, ReadError, TableSource
from datensorgfalt.sources.delimited import open_delimited
from datensorgfalt.sources.spreadsheet import SPREADSHEET_FORMATS, open_workbook


def open_table_file(path: Path, sheet: str | None = None) -> TableSource:
    """The table of a delimited file, or of one sheet (default: the first with data)."""
    path = Path(path)
    if path.suffix.lower().lstrip(".") not in SPREADSHEET_FORMATS:
        return open_delimited(path)
    sources = open_workbook(path)
    if sheet is not None:
        for source in sources:
            if source.name == sheet:
                return source
        names = ", ".join(s.name for s in sources)
        raise ReadError("readers.error.no_sheet", path=str(path), sheet=sheet, sheets=names)
    with_data = [s for s in sources if s.header]
    return (with_data or sources)[0]


def describe_issue(issue: Issue) -> str:
    """The issue in plain words of the current language."""
    key = "readers.issue." + issue.code.replace("-", "_")
    values = {k: (", ".join(map(str, v)) if isinstance(v, list) else v)
              for k, v in issue.values.items()}
    text = t(key, **values)
    return issue.code if text == key else text
