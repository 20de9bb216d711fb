"""The whole-file lane: a large, clean UTF-8 delimited file read by pyarrow's C++ CSV reader
in one go (several threads), instead of chunk by chunk through Python.

The chunk lanes (``fastrows``) check every chunk for what the walker would judge: blank lines,
repeated headers, stray quotes, sum lines, ragged rows. This lane makes the same checks at C
speed - the raw bytes for NULs and stray quotes first, then while it reads, the width of every
row and the first cells of every piece - and gives each piece once it passed. A piece that
does not pass ends the lane (``Refused``): the caller walks the file from there on, the rows
given so far are the walker's first rows. The rows are the same either way.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from datensorgfalt.sources.fastrows import ArrowChunks, regex_class_char
from datensorgfalt.sources.records import stray_quote_pattern
from datensorgfalt.sources.walker import TableWalker

#: a ``delimited.DelimitedSource`` (named so: delimited imports this module)
DelimitedSource = Any

#: Smaller files gain nothing from it (the chunk lanes read them in a moment).
WHOLE_FILE_BYTES = 1 << 20
BLOCK_BYTES = 4 << 20


class Refused(Exception):  # noqa: N818 - a verdict, not a failure
    """A piece the walker would judge (or pyarrow could not read): the lane ends there."""


def whole_file_tables(source: DelimitedSource) -> Iterator[pa.Table] | None:
    """The table of ``source`` in pieces (string columns c0, c1 ...) if the whole-file lane
    may read it, else None. The pieces come while the file is read; one that does not pass
    the checks raises ``Refused`` instead (see the module's text)."""
    lane = ArrowChunks(source.csv_dialect, source.layout.width,
                       _header_key(source), source.layout.padding)
    if not _suits(source, lane) or not _clean_bytes(source.path, source):
        return None
    return _pieces(source, _checked(source, lane))


def _checked(source: DelimitedSource, lane: ArrowChunks) -> Iterator[pa.Table]:
    tables = _read(source, lane)
    while True:
        try:
            table = next(tables, None)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise Refused(str(exc)) from exc
        if table is None:
            return
        if not _clean_table(table, lane):
            raise Refused("a row the walker judges")
        yield table


def _header_key(source: DelimitedSource) -> tuple[str, ...] | None:
    return TableWalker(source.layout, joiner=source.csv_dialect.delimiter).header_key


def _suits(source: DelimitedSource, lane: ArrowChunks) -> bool:
    layout = source.layout
    try:
        size = source.path.stat().st_size
    except OSError:
        return False
    return (size >= WHOLE_FILE_BYTES and lane.usable and not layout.padding
            and source.encoding.name == "utf-8" and not source.encoding.bom
            and not source.dialect.get("footer_lines"))


def _clean_bytes(path: Path, source: DelimitedSource) -> bool:
    """No NUL byte and no quote inside a word anywhere in the file (the walker repairs
    those); both searched in the raw bytes (UTF-8 keeps every ASCII byte as it is)."""
    dialect = source.csv_dialect
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data.find(b"\x00") >= 0:
            return False
        if dialect.quotechar and data.find(dialect.quotechar.encode()) >= 0:
            pattern = re.compile(stray_quote_pattern(dialect).pattern.encode())
            if pattern.search(data):
                return False
    return True


def _skip(source: DelimitedSource) -> int:
    layout = source.layout
    return layout.start + len(layout.header_rows) + bool(source.dialect.get("separator_line"))


def _read(source: DelimitedSource, lane: ArrowChunks) -> Iterator[pa.Table]:
    read = pacsv.ReadOptions(column_names=lane.names, skip_rows=_skip(source),
                             block_size=BLOCK_BYTES, use_threads=True)
    reader = pacsv.open_csv(source.path, read_options=read, parse_options=lane.parse_options,
                            convert_options=lane.convert_options)
    for batch in reader:
        yield pa.Table.from_batches([batch])


def _clean_table(table: pa.Table, lane: ArrowChunks) -> bool:
    """No row the walker would judge: a blank line (its first cell blank), a sum line or a
    repeated header (its first cell says so). Ragged rows stopped the reader already."""
    if table.num_rows == 0:
        return True
    first = table.column(0)
    judged = _any_judged(lane)
    if judged and not pc.any(pc.match_substring_regex(first, judged)).as_py():
        return True  # one RE2 pass over the first cells instead of up to three
    if pc.any(pc.match_substring_regex(first, lane.blank_cell)).as_py():
        return False
    if pc.any(pc.match_substring_regex(first, lane.footer)).as_py():
        return False
    return not (lane.header_key and lane._table_repeats_header(table))


def _any_judged(lane: ArrowChunks) -> str | None:
    """One RE2 pattern matching every first cell that one of ``_clean_table``'s three tests
    could match: a blank cell, a sum word or the first header cell (any case). None when the
    header test does not search for a first cell (it checks the rows one by one then)."""
    first = lane.header_key[0] if lane.header_key else None
    if first == "":
        return None
    parts = [f"(?:{lane.blank_cell})", f"(?im:{lane.footer.removeprefix('(?im)')})"]
    if first:
        parts.append(f"(?i:{''.join(map(regex_class_char, first))})")
    return "|".join(parts)


def _pieces(source: DelimitedSource, tables: Iterator[pa.Table]) -> Iterator[pa.Table]:
    offset = source.offset
    for table in tables:
        yield table.select(range(offset, table.num_columns)) if offset else table
