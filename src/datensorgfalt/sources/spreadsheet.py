"""Spreadsheets (xlsx, xlsm, xls, ods) via python-calamine: one table per sheet.

A sheet is read by its used range, not its bounding box: calamine builds the whole box from A1
to the last cell in memory, so one stray cell in XFD1048576 asks for 512 GB. Before calamine
reads an xlsx sheet, its XML is skimmed for the cells it really holds (``sheet_extent``): a box
that is too large but thinly filled is read cell by cell (openpyxl's streaming parser), a sheet
with too many filled cells becomes ``ReadError`` "Tabellenblatt zu groß".

A sheet often holds more than a table: a title block above it, notes beside or below it, empty
columns around it. ``find_block`` keeps the largest block of filled cells separated from the
rest by empty rows or columns; the shared layout detection then finds preamble lines and
header rows inside it. Cells are given as strings (numbers without a needless ".0", dates in
ISO form), like delimited text, so one type inference serves both.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

import pyarrow as pa
import python_calamine as calamine

from datensorgfalt.sources.base import BATCH_ROWS, Issue, ReadError
from datensorgfalt.sources.encoding import read_head
from datensorgfalt.sources.layout import Layout, detect_layout
from datensorgfalt.sources.walker import TableWalker

SPREADSHEET_FORMATS = ("xlsx", "xlsm", "xls", "ods", "xlsb")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
#: The largest box calamine may build (about 200 bytes a cell on the way to text rows).
MAX_BOX_CELLS = 5_000_000
#: The most filled cells a sheet may hold; more is a database export, not a spreadsheet.
MAX_FILLED_CELLS = 5_000_000
#: Sheet XML beyond this (unpacked) is refused before it is unpacked (zip bombs).
MAX_SHEET_XML_BYTES = 2 * 1024**3
#: Real sheet XML packs 10 to 30 times; a large sheet packed 200 times is a zip bomb.
BOMB_BYTES, BOMB_RATIO = 256 * 1024**2, 200
CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")
SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


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


@dataclass
class Extent:
    """What a sheet's XML really holds: its last row and column and how many cells."""

    rows: int
    columns: int
    cells: int
    xml_bytes: int
    refused: bool = False  # too much XML, or packed like a zip bomb: not unpacked at all

    @property
    def box(self) -> int:
        return self.rows * self.columns


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML inside an xlsx/xlsm."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "")
               for rel in rels.iter(f"{PKG_REL_NS}Relationship")}
    paths = {}
    for sheet in book.iter(f"{MAIN_NS}sheet"):
        target = targets.get(sheet.get(f"{REL_NS}id"), "")
        if target:
            paths[sheet.get("name", "")] = (target.lstrip("/") if target.startswith("/")
                                            else posixpath.normpath(f"xl/{target}"))
    return paths


def sheet_extents(path: Path) -> dict[str, Extent]:
    """The extent of every sheet of an xlsx/xlsm, streamed from its XML (bounded memory);
    empty when the file is not such a package (calamine then reports what is wrong)."""
    try:
        with zipfile.ZipFile(path) as archive:
            paths = _sheet_paths(archive)
            infos = {info.filename: info for info in archive.infolist()}
            extents = {}
            for name, member in paths.items():
                info = infos.get(member)
                if info is None:
                    continue
                if info.file_size > MAX_SHEET_XML_BYTES or (
                        info.file_size > BOMB_BYTES
                        and info.file_size > BOMB_RATIO * max(1, info.compress_size)):
                    extents[name] = Extent(0, 0, 0, info.file_size, refused=True)
                    continue
                with archive.open(info) as stream:
                    extents[name] = _skim(stream, info.file_size)
            return extents
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, OSError):
        return {}


def _skim(stream, size: int) -> Extent:
    """Last row, last column and number of cells of a sheet's XML, read in chunks."""
    rows = columns = cells = read = 0
    tail, prefix = b"", None
    while chunk := stream.read(1 << 22):
        read += len(chunk)
        if read > MAX_SHEET_XML_BYTES:  # the size in the zip directory lied
            return Extent(0, 0, 0, read, refused=True)
        data = tail + chunk
        cut = data.rfind(b"<")
        data, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        if prefix is None and (found := SHEET_DATA.search(data)):
            prefix = found.group(1) or b""
        tag = b"<" + (prefix or b"") + b"c"
        count = data.count(tag + b" ") + data.count(tag + b">")
        refs = _fast_refs(prefix or b"").findall(data)
        if len(refs) < count:  # attributes in another order: the slower, general pattern
            refs = CELL_REF.findall(data)
        cells += count
        if refs:
            rows = max(rows, max(int(row) for row in {row for _, row in refs}))
            widest = max({letters for letters, _ in refs}, key=lambda x: (len(x), x))
            columns = max(columns, _column_number(widest))
    return Extent(rows, columns, cells, max(size, read))


@cache
def _fast_refs(prefix: bytes) -> re.Pattern[bytes]:
    """``<c r="B7"`` as Excel and most writers put it: ``r`` first."""
    return re.compile(b"<" + re.escape(prefix) + rb'c r="([A-Z]{1,3})([0-9]{1,7})"')


def _sparse_grid(path: Path, name: str) -> tuple[list[list[Any]], int, int, int] | None:
    """The filled cells of a thinly filled sheet, one by one with openpyxl's streaming parser:
    the densest block (split off by empty rows and columns) as a grid, its top-left position
    and the number of filled cells outside it; None when that block is too large itself."""
    import openpyxl
    from openpyxl.worksheet._reader import WorkSheetParser

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[name]
        cells: dict[int, dict[int, Any]] = {}
        with sheet._get_source() as source:  # what ReadOnlyWorksheet does, without padding
            parser = WorkSheetParser(source, sheet._shared_strings, data_only=True,
                                     epoch=book.epoch, date_formats=book._date_formats,
                                     timedelta_formats=book._timedelta_formats)
            for index, row in parser.parse():
                filled = {c["column"]: c["value"] for c in row if c["value"] not in (None, "")}
                if filled:
                    cells[index] = filled
    finally:
        book.close()
    return _densest_block(cells)


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted numbers as runs of neighbours, (first, last + 1)."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1]:
            runs[-1] = (runs[-1][0], number + 1)
        else:
            runs.append((number, number + 1))
    return runs


def _densest_block(cells: dict[int, dict[int, Any]]
                   ) -> tuple[list[list[Any]], int, int, int] | None:
    total = sum(len(row) for row in cells.values())
    best = (0, 1, 1, 1, 1)
    for c0, c1 in _runs(sorted({c for row in cells.values() for c in row})):
        rows = sorted(r for r, row in cells.items() if any(c0 <= c < c1 for c in row))
        for r0, r1 in _runs(rows):
            filled = sum(1 for r in range(r0, r1) for c in cells.get(r, {}) if c0 <= c < c1)
            if filled > best[0]:
                best = (filled, r0, r1, c0, c1)
    filled, r0, r1, c0, c1 = best
    if (r1 - r0) * (c1 - c0) > MAX_BOX_CELLS:
        return None
    grid = [[cells.get(r, {}).get(c) for c in range(c0, c1)] for r in range(r0, r1)]
    return grid, r0 - 1, c0 - 1, total - filled


# -- OpenDocument: the used range from content.xml ---------------------------------------------

ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODS_CELLS = (f"{{{ODS_TABLE}}}table-cell", f"{{{ODS_TABLE}}}covered-table-cell")


def _ods_value(cell: ElementTree.Element) -> Any:
    """A cell's value as calamine gives it (numbers as float, dates, booleans, text)."""
    kind = cell.get(f"{{{ODS_OFFICE}}}value-type")
    text = "\n".join("".join(p.itertext()) for p in cell.iter(f"{{{ODS_TEXT}}}p"))
    try:
        if kind in ("float", "percentage", "currency"):
            return float(cell.get(f"{{{ODS_OFFICE}}}value", text))
        if kind == "date":
            value = datetime.fromisoformat(cell.get(f"{{{ODS_OFFICE}}}date-value", text))
            return value if value.time() != time(0) else value.date()
        if kind == "boolean":
            return cell.get(f"{{{ODS_OFFICE}}}boolean-value") == "true"
    except ValueError:
        pass
    return text


def ods_sheets(path: Path, keep: set[str] | None = None
               ) -> tuple[dict[str, Extent], dict[str, dict[int, dict[int, Any]]]]:
    """The extent of every sheet of an ods (its filled cells, not the empty ones LibreOffice
    repeats to the sheet's end), streamed from content.xml; with ``keep``, also the filled
    cells of those sheets by row and column (1-based). Empty when it is no such package."""
    extents: dict[str, Extent] = {}
    kept: dict[str, dict[int, dict[int, Any]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("content.xml")
            if info.file_size > MAX_SHEET_XML_BYTES or (
                    info.file_size > BOMB_BYTES
                    and info.file_size > BOMB_RATIO * max(1, info.compress_size)):
                return {"": Extent(0, 0, 0, info.file_size, refused=True)}, {}
            with archive.open(info) as stream:
                _walk_ods(stream, extents, kept, keep or set())
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, OSError):
        return {}, {}
    return extents, kept


def _walk_ods(stream, extents: dict[str, Extent], kept: dict, keep: set[str]) -> None:
    table_tag, row_tag = f"{{{ODS_TABLE}}}table", f"{{{ODS_TABLE}}}table-row"
    rows_attr = f"{{{ODS_TABLE}}}number-rows-repeated"
    columns_attr = f"{{{ODS_TABLE}}}number-columns-repeated"
    name, row, column, repeat, extent, cells = "", 0, 0, 1, Extent(0, 0, 0, 0), None
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == table_tag:
                name, row = element.get(f"{{{ODS_TABLE}}}name", ""), 0
                extent = extents[name] = Extent(0, 0, 0, 0)
                cells = kept.setdefault(name, {}) if name in keep else None
            elif tag == row_tag:
                column, repeat = 0, int(element.get(rows_attr, "1"))
            continue
        if tag in ODS_CELLS:
            columns = int(element.get(columns_attr, "1"))
            value = _ods_value(element)
            if value not in (None, ""):
                extent.cells += columns * repeat
                extent.rows, extent.columns = row + repeat, max(extent.columns, column + columns)
                if cells is not None and extent.cells <= MAX_FILLED_CELLS:
                    for r in range(row + 1, row + repeat + 1):
                        cells.setdefault(r, {}).update(
                            dict.fromkeys(range(column + 1, column + columns + 1), value))
            column += columns
            element.clear()
        elif tag == row_tag:
            row += repeat
            element.clear()


def _ods_book(path: Path, names: list[str]) -> list[SheetSource]:
    """Every sheet of an ods too large for calamine's box, from its filled cells alone."""
    _, kept = ods_sheets(path, set(names))
    sources = []
    for name in names:
        block = _densest_block(kept.get(name, {}))
        if block is None:
            raise ReadError("readers.error.sheet_too_big", path=str(path), sheet=name,
                            cells=sum(map(len, kept.get(name, {}).values())),
                            limit=MAX_FILLED_CELLS)
        grid, top, left, outside = block
        sources.append(_sheet_source(path, "ods", name, grid, (top, left, outside)))
    return sources


def _calamine_sparse(path: Path, sheet: Any) -> tuple[list[list[Any]], int, int, int]:
    """The densest block of a sheet calamine holds with a huge box but few filled cells (an
    xls with a stray cell in IV65536), row by row without building the box as Python lists."""
    top, left = sheet.start or (0, 0)
    cells: dict[int, dict[int, Any]] = {}
    filled = 0
    for r, values in enumerate(sheet.iter_rows()):
        row = {left + j + 1: v for j, v in enumerate(values) if v not in (None, "")}
        if row:
            cells[top + r + 1] = row
            filled += len(row)
            if filled > MAX_FILLED_CELLS:
                break
    block = _densest_block(cells) if filled <= MAX_FILLED_CELLS else None
    if block is None:
        raise ReadError("readers.error.sheet_too_big", path=str(path), sheet=sheet.name,
                        cells=filled, limit=MAX_FILLED_CELLS)
    return block


def _box(sheet: Any) -> int:
    """Cells of the box ``to_python`` builds (from A1 to the last cell)."""
    end = sheet.end
    return 0 if end is None else (end[0] + 1) * (end[1] + 1)


def _check_container(path: Path, fmt: str) -> None:
    """Encrypted Office files are OLE containers with an EncryptionInfo stream."""
    head = read_head(path, 8)
    if fmt in ("xlsx", "xlsm", "xlsb") and head.startswith(OLE_MAGIC):
        data = read_head(path, 4 * 1024 * 1024)
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


def _sheet_source(path: Path, fmt: str, name: str, grid: list[list[Any]],
                  offset: tuple[int, int, int] = (0, 0, 0)) -> SheetSource:
    """``offset``: where ``grid`` starts in the sheet and how many filled cells lie outside."""
    text = [[cell_text(v) for v in row] for row in grid]
    block, top, left = find_block(text)
    top, left = top + offset[0], left + offset[1]
    layout = detect_layout(block, joiner=" ")
    issues: list[Issue] = []
    if layout.start:
        issues.append(Issue("preamble-skipped", "info", {"count": layout.start}))
    if not block:
        issues.append(Issue("empty-sheet", "info", {"sheet": name}))
    elif not layout.header_rows:
        issues.append(Issue("no-header", "info", {"columns": layout.width}))
    filled_elsewhere = sum(1 for r in text for c in r if c) - sum(1 for r in block for c in r if c)
    filled_elsewhere += offset[2]
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
    extents = sheet_extents(path) if fmt in ("xlsx", "xlsm") else {}
    if fmt == "ods":
        extents = ods_sheets(path)[0]
        _refuse_huge(path, "", extents.get(""))
        if any(e.box > MAX_BOX_CELLS for e in extents.values()):
            for name, extent in extents.items():
                _refuse_huge(path, name, extent)
            return _ods_book(path, list(extents))  # calamine would build every box at once
    workbook = _open(path, fmt)
    sources = []
    try:
        for name in workbook.sheet_names:
            extent = extents.get(name)
            _refuse_huge(path, name, extent)
            try:
                if extent is not None and extent.box > MAX_BOX_CELLS and fmt != "ods":
                    sparse = _sparse_grid(path, name)
                    if sparse is None:
                        raise ReadError("readers.error.sheet_too_big", path=str(path),
                                        sheet=name, cells=extent.cells, limit=MAX_FILLED_CELLS)
                    grid, top, left, outside = sparse
                    sources.append(_sheet_source(path, fmt, name, grid, (top, left, outside)))
                    continue
                sheet = workbook.get_sheet_by_name(name)
                if _box(sheet) > MAX_BOX_CELLS:  # xls, xlsb: the box is built, not its lists
                    grid, top, left, outside = _calamine_sparse(path, sheet)
                    sources.append(_sheet_source(path, fmt, name, grid, (top, left, outside)))
                    continue
                grid = sheet.to_python(skip_empty_area=False)
            except ReadError:
                raise
            except Exception as exc:
                reason = str(exc)[:200]
                raise ReadError("readers.error.corrupt", path=str(path), reason=reason) from exc
            sources.append(_sheet_source(path, fmt, name, grid))
    finally:
        workbook.close()
    return sources


def _refuse_huge(path: Path, name: str, extent: Extent | None) -> None:
    """A sheet packed like a zip bomb, or with more filled cells than a table has."""
    if extent is not None and extent.refused:
        raise ReadError("readers.error.sheet_packed_too_big", path=str(path),
                        sheet=name, size=f"{extent.xml_bytes / 1024**2:,.0f} MB")
    if extent is not None and extent.cells > MAX_FILLED_CELLS:
        raise ReadError("readers.error.sheet_too_big", path=str(path), sheet=name,
                        cells=extent.cells, limit=MAX_FILLED_CELLS)
