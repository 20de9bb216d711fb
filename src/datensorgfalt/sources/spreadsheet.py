"""Spreadsheets (xlsx, xlsm, xls, ods) via python-calamine: one table per sheet.

A sheet often holds more than a table: a title block above it, notes beside or below it, empty
columns around it. ``find_block`` keeps the largest block of filled cells separated from the
rest by empty rows or columns; the shared layout detection then finds preamble lines and
header rows inside it. Cells are given as strings (numbers without a needless ".0", dates in
ISO form), like delimited text, so one type inference serves both.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyarrow as pa
import python_calamine as calamine

from datensorgfalt.sources.base import BATCH_ROWS, Issue, ReadError
from datensorgfalt.sources.encoding import read_head
from datensorgfalt.sources.layout import Layout, detect_layout
from datensorgfalt.sources.walker import TableWalker

SPREADSHEET_FORMATS = ("xlsx", "xlsm", "xls", "ods", "xlsb")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


def cell_text(value: Any) -> str:
    """A spreadsheet value as the text a person would read (ISO dates, 3 not 3.0)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _filled_spans(flags: list[bool]) -> list[tuple[int, int]]:
    """Runs of True as (start, end) half-open ranges."""
    spans, start = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append((start, i))
            start = None
    return spans


def find_block(grid: list[list[str]]) -> tuple[list[list[str]], int, int]:
    """The block with the most filled cells, split off by empty rows and columns.
    Returns the block and its top-left position (row, column) in the sheet."""
    best: tuple[int, list[list[str]], int, int] = (0, [], 0, 0)
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    col_filled = [any(r[j] for r in grid) for j in range(width)]
    for c0, c1 in _filled_spans(col_filled):
        rows = [r[c0:c1] for r in grid]
        for r0, r1 in _filled_spans([any(cells) for cells in rows]):
            block = rows[r0:r1]
            # inside a row band, columns may be split again (a note beside the table)
            inner = [any(r[j] for r in block) for j in range(c1 - c0)]
            for i0, i1 in _filled_spans(inner):
                part = [r[i0:i1] for r in block]
                filled = sum(1 for r in part for c in r if c)
                if filled > best[0]:
                    best = (filled, part, r0, c0 + i0)
    return best[1], best[2], best[3]


class SheetSource:
    """The table found in one sheet of a workbook."""

    def __init__(self, path: Path, sheet: str, fmt: str, rows: list[list[str]], layout: Layout,
                 dialect: dict[str, Any], issues: list[Issue]) -> None:
        self.path = path
        self.sheet = sheet
        self.location = f"{path.resolve().as_uri()}#sheet={quote(sheet)}"
        self.name = sheet
        self.format = fmt
        self.header = layout.header
        self.layout = layout
        self.dialect = dialect
        self.issues = issues
        self._rows = rows

    def rows(self) -> Iterator[list[str]]:
        walker = TableWalker(self.layout, joiner=" ")
        start = self.layout.start + len(self.layout.header_rows)
        for index, row in enumerate(self._rows[start:], start=start):
            yield from walker.push(row, index + 1)
            if walker.ended:
                break
        yield from walker.finish()

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        body = list(self.rows())
        for begin in range(0, max(1, len(body)), rows):
            chunk = body[begin : begin + rows]
            columns = list(zip(*chunk, strict=True)) if chunk else [()] * len(self.header)
            arrays = [pa.array(list(c), type=pa.string()) for c in columns]
            yield pa.RecordBatch.from_arrays(arrays, names=self.header)


def _check_container(path: Path, fmt: str) -> None:
    """Encrypted Office files are OLE containers with an EncryptionInfo stream."""
    head = read_head(path, 8)
    if fmt in ("xlsx", "xlsm", "xlsb") and head.startswith(OLE_MAGIC):
        data = path.read_bytes()[: 4 * 1024 * 1024]
        if any(marker in data for marker in ENCRYPTION_MARKERS):
            raise ReadError("readers.error.encrypted", path=str(path))
        raise ReadError("readers.error.corrupt", path=str(path), reason="OLE")


def _open(path: Path, fmt: str) -> calamine.CalamineWorkbook:
    _check_container(path, fmt)
    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise ReadError("readers.error.encrypted", path=str(path)) from exc
    except PermissionError as exc:
        raise ReadError("readers.error.permission", path=str(path)) from exc
    except Exception as exc:  # calamine raises several kinds for broken files
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise ReadError("readers.error.encrypted", path=str(path)) from exc
        raise ReadError("readers.error.corrupt", path=str(path), reason=str(exc)[:200]) from exc


def _sheet_source(path: Path, fmt: str, name: str, grid: list[list[Any]]) -> SheetSource:
    text = [[cell_text(v) for v in row] for row in grid]
    block, top, left = find_block(text)
    layout = detect_layout(block, joiner=" ")
    issues: list[Issue] = []
    if layout.start:
        issues.append(Issue("preamble-skipped", "info", {"count": layout.start}))
    if not block:
        issues.append(Issue("empty-sheet", "info", {"sheet": name}))
    elif not layout.header_rows:
        issues.append(Issue("no-header", "info", {"columns": layout.width}))
    filled_elsewhere = sum(1 for r in text for c in r if c) - sum(1 for r in block for c in r if c)
    if filled_elsewhere:
        issues.append(Issue("cells-outside-table", "info", {"count": filled_elsewhere}))
    dialect = {
        "sheet": name,
        "top_row": top + layout.start + 1,
        "left_column": left + 1,
        "header_rows": len(layout.header_rows),
        "preamble_lines": layout.start,
        "columns": layout.width,
    }
    return SheetSource(path, name, fmt, block, layout, dialect, issues)


def open_workbook(path: Path) -> list[SheetSource]:
    """One source per sheet (the table found inside it); ReadError if the file is unreadable."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    workbook = _open(path, fmt)
    sources = []
    try:
        for name in workbook.sheet_names:
            try:
                grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:
                reason = str(exc)[:200]
                raise ReadError("readers.error.corrupt", path=str(path), reason=reason) from exc
            sources.append(_sheet_source(path, fmt, name, grid))
    finally:
        workbook.close()
    return sources
