"""Delimited text files (csv, tsv, txt, dat) with automatic detection of everything.

``open_delimited(path)`` reads a sample (the first 256 KB), finds encoding, dialect and layout
(preamble, header rows, width), and returns a ``DelimitedSource`` that streams the table in
record batches of raw strings. Nothing but the sample is held in memory.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from datensorgfalt.sources.base import BATCH_ROWS, Issue, ReadError
from datensorgfalt.sources.dialect import (
    Dialect,
    detect_dialect,
    excel_separator_hint,
    record_delimiter,
)
from datensorgfalt.sources.encoding import (
    Encoding,
    detect_encoding,
    encoding_issues,
    read_sample,
)
from datensorgfalt.sources.fastrows import ArrowChunks, CleanChunks, LineSource
from datensorgfalt.sources.layout import (
    Layout,
    Profile,
    conforms,
    detect_layout,
    dominant_width,
    empty_left_columns,
)
from datensorgfalt.sources.records import LineFeed, records
from datensorgfalt.sources.types import INFER_ROWS, infer_column
from datensorgfalt.sources.walker import TableWalker
from datensorgfalt.sources.wholefile import Refused, whole_file_tables

REPLACEMENT = "\ufffd"
#: A batch holds at most this many cells, so very wide tables come in fewer rows per batch.
MAX_BATCH_CELLS = 4_000_000
#: The sample grows (up to this size) until it holds a few whole lines.
MAX_SAMPLE_BYTES = 8 * 1024 * 1024
MIN_SAMPLE_LINES = 3


def decode_sample(sample: bytes, encoding: Encoding, complete: bool) -> str:
    text = sample.decode(encoding.name, errors="replace")
    if encoding.bom and text.startswith("\ufeff"):
        text = text[1:]
    if not complete:  # drop the last, probably cut, line
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if cut > 0:
            text = text[: cut + 1]
    return text


class DelimitedSource:
    """One table in a delimited text file."""

    format = "csv"

    def __init__(self, path: Path, encoding: Encoding, dialect: Dialect, layout: Layout,
                 details: dict[str, Any], issues: list[Issue],
                 sample_rows: list[list[str]] | None = None) -> None:
        self.path = path
        self.location = path.resolve().as_uri()
        self.name = path.stem
        self.format = path.suffix.lower().lstrip(".") or "csv"
        self.encoding = encoding
        self.csv_dialect = dialect
        self.layout = layout
        self.offset = empty_left_columns(
            layout.header_rows, sample_rows[layout.start + len(layout.header_rows):], layout.width
        ) if sample_rows and layout.header_rows else 0
        self.header = layout.header[self.offset :]
        self.dialect = details
        self.issues = issues
        self._sample_issues = list(issues)  # what the sample showed; reading adds the rest

    def rows(self) -> Iterator[list[str]]:
        """Data rows, each with exactly ``len(header)`` cells."""
        for chunk in self.row_chunks():
            yield from chunk

    def row_chunks(self, fast: bool = True,
                   arrow: bool = False) -> Iterator[list[list[str]] | pa.Table]:
        """Data rows in lists (see ``_row_chunks``), without the empty columns at the left."""
        offset = self.offset
        for chunk in self._row_chunks(fast, arrow):
            if not offset:
                yield chunk
            elif isinstance(chunk, pa.Table):
                yield chunk.select(range(offset, chunk.num_columns))
            else:
                yield [row[offset:] for row in chunk]

    def _row_chunks(self, fast: bool, arrow: bool) -> Iterator[list[list[str]] | pa.Table]:
        """Data rows in lists. Clean stretches of lines go through the fast lane
        (``fastrows``); everything else, and everything when ``fast`` is False, through the
        walker. Both give the same rows and issues. With ``arrow`` clean stretches come as
        pyarrow tables of string columns named c0, c1 ... instead of lists."""
        handle = self._open()
        with handle:
            if self.encoding.bom and handle.read(1) != "\ufeff":
                handle.seek(0)
            if self.dialect.get("separator_line"):
                handle.readline()
            source = LineSource(handle)
            feed = LineFeed(source)
            layout = self.layout
            walker = TableWalker(layout, joiner=self.csv_dialect.delimiter)
            kind = ArrowChunks if arrow else CleanChunks
            lane = (kind(self.csv_dialect, layout.width, walker.header_key, layout.padding)
                    if fast else None)
            skip = layout.start + len(layout.header_rows)
            stream = records(feed, self.csv_dialect, layout.width, layout.profile)
            index = 0
            while True:
                calm = walker.idle and not feed.holds_back and not source.pending
                if lane and index >= skip and calm:
                    lines = source.chunk()
                    if not lines:
                        break
                    rows = lane.table(lines) if arrow else None
                    if rows is None:
                        rows = lane.rows(lines)
                    if rows is not None:
                        feed.skip(lines)
                        walker.passed(len(rows))
                        index += len(rows)
                        yield rows
                        continue
                    source.pending.extend(lines)
                try:
                    row, line = next(stream)
                except StopIteration:
                    break
                if index >= skip:
                    out = walker.push(row, line)
                    if out:
                        yield out
                    if walker.ended:
                        break
                index += 1
            rest = walker.finish()
            if rest:
                yield rest
        found = walker_issues(walker, feed.replaced, feed.first_replaced)
        if feed.repaired:
            found.append(Issue("stray-quotes-repaired", "warning",
                               {"count": len(feed.repaired), "lines": feed.repaired[:5]}))
        self.issues = self._sample_issues + found

    def _open(self) -> io.TextIOWrapper:
        try:
            return self.path.open(encoding=self.encoding.name, errors="replace", newline="")
        except FileNotFoundError as exc:
            raise ReadError("readers.error.vanished", path=str(self.path)) from exc
        except PermissionError as exc:
            raise ReadError("readers.error.permission", path=str(self.path)) from exc

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        rows = max(1, min(rows, MAX_BATCH_CELLS // max(1, len(self.header))))
        chunks = self._chunks()
        pieces: list[pa.Table] = []
        count, emitted = 0, False
        for chunk in chunks:
            piece = chunk if isinstance(chunk, pa.Table) else self._table(chunk)
            pieces.append(piece)
            count += piece.num_rows
            if count < rows:
                continue
            table = pa.concat_tables(pieces)
            while table.num_rows >= rows:
                yield self._batch(table.slice(0, rows))
                table, emitted = table.slice(rows), True
            pieces, count = [table], table.num_rows
        if count or not emitted:
            yield self._batch(pa.concat_tables(pieces) if pieces else self._table([]))

    def _chunks(self) -> Iterator[list[list[str]] | pa.Table]:
        """The rows in chunks: a large clean file read by pyarrow at once (``wholefile``),
        the walker's lanes from where that lane refused (the rows it gave are the same)."""
        whole = whole_file_tables(self)
        if whole is None:
            yield from self.row_chunks(arrow=True)
            return
        self.issues = list(self._sample_issues)
        given = 0
        try:
            for table in whole:
                yield table
                given += table.num_rows
        except Refused:
            yield from _without_first(self.row_chunks(arrow=True), given)

    def _table(self, rows: list[list[str]]) -> pa.Table:
        """Walker rows as a table of string columns c0, c1 ... (like the arrow lane's)."""
        names = [f"c{i}" for i in range(len(self.header))]
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
        return pa.table([pa.array(column, type=pa.string()) for column in columns], names=names)

    def _batch(self, table: pa.Table) -> pa.RecordBatch:
        arrays = [column.combine_chunks() for column in table.columns]
        return pa.RecordBatch.from_arrays(arrays, names=self.header)


def _without_first(chunks: Iterator[list[list[str]] | pa.Table], rows: int
                   ) -> Iterator[list[list[str]] | pa.Table]:
    """``chunks`` without their first ``rows`` rows."""
    for chunk in chunks:
        size = chunk.num_rows if isinstance(chunk, pa.Table) else len(chunk)
        if rows >= size:
            rows -= size
            continue
        yield chunk.slice(rows) if isinstance(chunk, pa.Table) else chunk[rows:]
        rows = 0


def walker_issues(walker: TableWalker, replaced: int, first_replaced: int | None) -> list[Issue]:
    """What the walk over the rows noticed, as issues (not errors: reading went on)."""
    issues: list[Issue] = []
    stats = walker.stats
    if stats["ragged"]:
        issues.append(Issue("ragged-rows", "warning",
                            {"count": stats["ragged"], "lines": walker.ragged_lines}))
    if stats["empty_lines"]:
        issues.append(Issue("empty-lines", "info", {"count": stats["empty_lines"]}))
    if stats["footer"]:
        issues.append(Issue("footer-skipped", "info",
                            {"count": stats["footer"], "line": stats["footer_line"]}))
    if walker.ended:
        issues.append(Issue("further-table-skipped", "warning",
                            {"line": walker.end_line, "reason": walker.end_reason}))
    if replaced:
        issues.append(Issue("undecodable-bytes", "warning",
                            {"lines": replaced, "line": first_replaced}))
    return issues


def _sample_rows(text: str, dialect: Dialect) -> tuple[list[list[str]], list[int]]:
    """The sample's records (a first plain reading gives the width that stray quotes break)
    and the lines of records re-read because of a stray quote."""
    plain = dialect.parse(text)
    width = dominant_width(plain)
    profile = Profile.learn([r for r in plain if conforms(r, width)], width)
    feed = LineFeed(iter(io.StringIO(text, newline="")))
    rows = [row for row, _line in records(feed, dialect, width, profile)]
    return rows, feed.repaired


def column_conventions(rows: list[list[str]], layout: Layout) -> dict[str, Any]:
    """Decimal separator, thousands separator and date format seen in the sample's columns."""
    # the rows the scan profile infers the column types from, so that inference is a
    # remembered answer there (``infer_column`` keeps the last columns it was asked about)
    body = rows[layout.start + len(layout.header_rows) :][:INFER_ROWS]
    decimal, thousands, dates = Counter(), Counter(), Counter()
    for j in range(layout.width):
        info = infer_column([r[j] if j < len(r) else None for r in body])
        if info.get("decimal_sep"):
            decimal[info["decimal_sep"]] += 1
        if info.get("thousands_sep"):
            thousands[info["thousands_sep"]] += 1
        if info.get("date_format"):
            dates[info["date_format"]] += 1
    return {
        "decimal_sep": decimal.most_common(1)[0][0] if decimal else None,
        "thousands_sep": thousands.most_common(1)[0][0] if thousands else None,
        "date_format": dates.most_common(1)[0][0] if dates else None,
    }


def _layout_issues(layout: Layout) -> list[Issue]:
    issues = []
    if layout.start:
        issues.append(Issue("preamble-skipped", "info", {"count": layout.start}))
    if not layout.header_rows:
        issues.append(Issue("no-header", "info", {"columns": layout.width}))
    elif len(layout.header_rows) > 1:
        issues.append(Issue("header-rows-joined", "info", {"count": len(layout.header_rows)}))
    return issues


def _whole_lines_sample(path: Path) -> tuple[bytes, int]:
    """The file's first bytes, enough for a few whole lines (a very long first line, such as a
    header of 50,000 names, would otherwise be cut and taken for the table's width)."""
    sample = read_sample(path)
    size = path.stat().st_size
    wanted = len(sample)
    while len(sample) < size and wanted < MAX_SAMPLE_BYTES:
        lines = sample.count(b"\n") or sample.count(b"\r")
        if lines >= MIN_SAMPLE_LINES:
            break
        wanted = min(MAX_SAMPLE_BYTES, wanted * 4)
        sample = read_sample(path, wanted)
    return sample, max(size, len(sample))


def open_delimited(path: Path) -> DelimitedSource:
    """Detect encoding, dialect and layout of a delimited text file; ReadError if unreadable."""
    path = Path(path)
    sample, size = _whole_lines_sample(path)
    complete = len(sample) >= size
    encoding = detect_encoding(sample)
    text = decode_sample(sample, encoding, complete)
    hint = excel_separator_hint(text)
    if hint:  # the 'sep=;' line is no part of the table
        text = text.split("\n", 1)[1] if "\n" in text else ""
    dialect = detect_dialect(text, hint)
    if hint and dialect.delimiter != hint:
        dialect = Dialect(hint, dialect.quotechar, dialect.escapechar, dialect.skipinitialspace)
    rows, repaired = _sample_rows(text, dialect)
    layout = detect_layout(rows, joiner=dialect.delimiter)
    details: dict[str, Any] = {
        "encoding": encoding.name,
        "bom": encoding.bom,
        "delimiter": dialect.delimiter,
        "quotechar": dialect.quotechar,
        "escapechar": dialect.escapechar,
        "doublequote": True,
        "skipinitialspace": dialect.skipinitialspace,
        "record_delimiter": record_delimiter(text),
        "separator_line": bool(hint),
        "header_rows": len(layout.header_rows),
        "preamble_lines": layout.start,
        "columns": layout.width,
        **column_conventions(rows, layout),
    }
    issues = _layout_issues(layout) + encoding_issues(sample, encoding)
    if REPLACEMENT in text:
        issues.append(Issue("undecodable-bytes", "warning", {"lines": text.count(REPLACEMENT)}))
    source = DelimitedSource(path, encoding, dialect, layout, details, issues, rows)
    details["columns"] = len(source.header)
    if complete:
        walker = _walk_sample(rows, layout, dialect)
        source.issues = issues + walker_issues(walker, 0, None)
        if repaired:
            source.issues.append(Issue("stray-quotes-repaired", "warning",
                                       {"count": len(repaired), "lines": repaired[:5]}))
        details["footer_lines"] = walker.stats["footer"]
    return source


def _walk_sample(rows: list[list[str]], layout: Layout, dialect: Dialect) -> TableWalker:
    walker = TableWalker(layout, joiner=dialect.delimiter)
    for index, row in enumerate(rows[layout.start + len(layout.header_rows) :]):
        walker.push(row, index + 1)
        if walker.ended:
            break
    walker.finish()
    return walker


__all__ = ["DelimitedSource", "open_delimited"]
