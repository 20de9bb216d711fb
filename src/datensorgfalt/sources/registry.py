"""Which reader opens what: dispatch by URL scheme, file extension and magic bytes.

``open_tables(target)`` gives every table in a file or database, ``open_location(location)``
re-opens the one table a catalog ``Dataset.location`` names. ``classify(path)`` tells the scan
whether a file is a table, a document, an image or something the tool does not read.
"""

from __future__ import annotations

import math
from pathlib import Path

from datensorgfalt.sources import documents, images
from datensorgfalt.sources.base import ReadError, TableSource
from datensorgfalt.sources.delimited import open_delimited
from datensorgfalt.sources.encoding import read_head
from datensorgfalt.sources.jsonfile import open_json, open_jsonl
from datensorgfalt.sources.locations import file_location, fragment_of, path_of
from datensorgfalt.sources.parquet import open_parquet
from datensorgfalt.sources.postgres import is_database_url, open_database
from datensorgfalt.sources.spreadsheet import open_workbook
from datensorgfalt.sources.sqlite import is_sqlite, open_sqlite

DELIMITED = {".csv", ".tsv", ".tab", ".dat", ".txt"}
SPREADSHEET = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
PARQUET = {".parquet", ".pq"}
JSON = {".json"}
JSONL = {".jsonl", ".ndjson"}
SQLITE = {".sqlite", ".sqlite3", ".db"}
TABLE_EXTENSIONS = DELIMITED | SPREADSHEET | PARQUET | JSON | JSONL | SQLITE
SNIFF_BYTES = 16_384
#: A table whose first line break comes later than this is no table (one line of 100 MB).
MAX_FIRST_LINE_BYTES = 1024 * 1024
DELIMITERS = (";", ",", "\t", "|")


def classify(path: Path) -> str | None:
    """``"table"``, ``"document"``, ``"image"`` or None (not something the scan reads)."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "table" if looks_tabular(path) else "document"
    if suffix in TABLE_EXTENSIONS:
        return "table"
    if suffix in documents.EXTENSIONS:
        return "document"
    if suffix in images.EXTENSIONS:
        return "image"
    if is_sqlite(path):
        return "table"
    return None


def looks_tabular(path: Path) -> bool:
    """A text file is a table when several lines share the same number of one delimiter."""
    try:
        with open(path, "rb") as handle:
            head = documents.decode_text(handle.read(SNIFF_BYTES))
    except OSError:
        return True  # let the table reader report the problem
    lines = [line for line in head.splitlines()[:30] if line.strip()]
    if len(lines) < 2:
        return False
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        common = max(set(counts), key=counts.count)
        if common < 1 or counts.count(common) < max(2, math.ceil(0.8 * len(lines))):
            continue
        fields = [field for line in lines for field in line.split(delimiter)]
        if sum(len(f) for f in fields) / len(fields) <= 40:  # prose has long "fields"
            return True
    return False


def open_tables(target: str | Path) -> list[TableSource]:
    """Every table in a file (all sheets, all SQLite tables) or in a PostgreSQL database."""

    if isinstance(target, str) and is_database_url(target):
        return list(open_database(target))
    if isinstance(target, str) and target.startswith("file://"):
        return [open_location(target)]
    return _open_file(Path(target))


def open_location(location: str) -> TableSource:
    """The one table a catalog location names (``#sheet=``, ``#table=``, ``#key=`` suffixes)."""

    if is_database_url(location):
        return open_database(location)[0]
    path = path_of(location) if location.startswith("file://") else Path(location)
    fragment = fragment_of(location) if location.startswith("file://") else {}
    tables = _open_file(path)
    if not fragment:
        return tables[0]
    key, value = next(iter(fragment.items()))
    for table in tables:
        if table.dialect.get(key) == value or fragment_of(table.location).get(key) == value:
            return table
    raise ReadError("scan.read.part_missing", part=value, path=str(path))


def _open_file(path: Path) -> list[TableSource]:
    if not path.exists():
        raise FileNotFoundError(path)
    if path.stat().st_size == 0:
        raise ReadError("scan.read.empty_file")
    suffix = path.suffix.lower()
    if suffix in SQLITE or is_sqlite(path):

        return list(open_sqlite(path))
    if suffix in PARQUET:

        return [open_parquet(path)]
    if suffix in JSON:

        return list(open_json(path))
    if suffix in JSONL:

        return [open_jsonl(path)]
    if suffix in SPREADSHEET:
        return _open_workbook(path)
    if suffix in DELIMITED:
        return [_open_delimited(path)]
    raise ReadError("scan.read.unknown_format", suffix=suffix or path.name)


def _open_delimited(path: Path) -> TableSource:
    head = read_head(path, MAX_FIRST_LINE_BYTES + 1)
    if len(head) > MAX_FIRST_LINE_BYTES and b"\n" not in head and b"\r" not in head:
        raise ReadError("scan.read.line_too_long", size=f"{MAX_FIRST_LINE_BYTES // 1024**2} MB")
    source = open_delimited(path)
    source.location = file_location(path)  # the path as given: a symlink keeps its own place
    return source


def _open_workbook(path: Path) -> list[TableSource]:

    sheets = list(open_workbook(path))
    for sheet in sheets:  # one location scheme for every reader: file:///book.xlsx#sheet=NAME
        name = sheet.dialect.get("sheet") or sheet.name
        sheet.dialect.setdefault("sheet", name)
        sheet.location = file_location(path, sheet=str(name))
    if not sheets:
        raise ReadError("scan.read.no_table_in_workbook")
    return sheets
