"""The fast lane for clean stretches of a delimited file.

The walker (``records`` + ``TableWalker``) judges every record in Python. In the common case
a stretch of lines holds nothing to judge: one record per line, each of the table's width,
no blank row, no repeated header, no stray quote. ``clean_rows`` reads such a chunk of lines
with the C csv reader in one go and checks it with C-level operations only; it returns None
whenever any line might need the walker, and the caller then hands the chunk to the walker.
Rows from this lane are exactly what the walker would have emitted for them.
"""

from __future__ import annotations

import io
import re
from array import array
from collections import deque
from itertools import islice
from operator import itemgetter
from typing import TextIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from datensorgfalt.sources.csv_dialect import Dialect
from datensorgfalt.sources.layout import FOOTER_WORDS
from datensorgfalt.sources.records import stray_quote_pattern
from datensorgfalt.sources.walker import _normalized

CHUNK_LINES = 2048
#: what ``str.strip`` takes for whitespace (RE2's backslash-s knows only the ASCII ones)
WHITESPACE = tuple(chr(c) for c in range(0x3001) if chr(c).isspace())
ARROW_MIN_LINES = 256
_first = itemgetter(0)


def one_string(text: str) -> pa.Array:
    """``text`` as an array of one string, built from its bytes: ``pa.array`` and
    ``pa.scalar`` import pandas on their first call (a quarter of a second in every scan)."""
    data = text.encode("utf-8", errors="replace")
    offsets = pa.py_buffer(array("q", [0, len(data)]).tobytes())
    return pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data))


class LineSource:
    """The lines of an open file, with lines given back put in front."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self.pending: deque[str] = deque()

    def __iter__(self) -> LineSource:
        return self

    def __next__(self) -> str:
        if self.pending:
            return self.pending.popleft()
        return next(self._handle)

    def chunk(self, size: int | None = None) -> list[str]:
        return list(islice(self._handle, size or CHUNK_LINES))


def regex_class_char(char: str) -> str:
    """``char`` inside an RE2 character class."""
    if char.isalnum():
        return char
    return f"\\x{{{ord(char):x}}}"


class CleanChunks:
    """Checks chunks of lines for a table of ``width`` columns below ``header_key``."""

    def __init__(self, dialect: Dialect, width: int, header_key: tuple[str, ...] | None,
                 padding: int = 0) -> None:
        self.dialect = dialect
        self.width = width
        self.widths = {width}
        self.padded = width + padding if padding else None
        self.quote = dialect.quotechar
        self.mid_quotes: re.Pattern[str] | None = (
            stray_quote_pattern(dialect) if dialect.quotechar else None
        )
        self.header_key = header_key if header_key and len(header_key) > 1 else None
        # what a blank line, or the start of a line before its first word, holds
        self.lead = "".join(regex_class_char(c) for c in (
            *WHITESPACE, dialect.delimiter, dialect.quotechar or ""))
        self.footer = f"(?im)^[{self.lead}]*(?:{'|'.join(map(re.escape, FOOTER_WORDS))})\\b"

    def _may_hold_footer(self, text: str) -> bool:
        """Might a line start with a sum or closing word? Then the walker judges the chunk
        (such a line at the table's end is a footer). One RE2 search over the whole chunk."""
        return pc.any(pc.match_substring_regex(one_string(text), self.footer)).as_py()

    def rows(self, lines: list[str]) -> list[list[str]] | None:
        """The chunk's rows if every line is one plain record of the table, else None."""
        rows = list(self.dialect.reader(lines))
        if len(rows) != len(lines):
            return None
        widths = set(map(len, rows))
        if widths != self.widths:
            rows = self._unpadded(rows, widths)
            if rows is None:
                return None
        last = rows[-1]
        if any("\n" in cell or "\r" in cell for cell in last):
            return None  # a quote opened on the last line and not closed in this chunk
        if "" in map(str.strip, map("".join, rows)):
            return None  # a blank row
        text = "".join(lines)
        if self.quote and self.quote in text and self.mid_quotes.search(text):
            return None  # a quote inside a word: the walker may repair it
        if self._may_hold_footer(text):
            return None
        if self.header_key and self._repeats_header(rows):
            return None
        return rows

    def _unpadded(self, rows: list[list[str]], widths: set[int]) -> list[list[str]] | None:
        """Rows with the empty padding columns cut off, None if any padding cell is filled."""
        if not self.padded or not widths <= {self.width, self.padded}:
            return None
        width = self.width
        if "".join("".join(r[width:]) for r in rows).strip():
            return None
        return [r[:width] for r in rows]

    def _repeats_header(self, rows: list[list[str]]) -> bool:
        key = self.header_key
        if key[0] not in map(str.lower, map(str.strip, map(_first, rows))):
            return False
        return any(_normalized(row) == key for row in rows)



class ArrowChunks(CleanChunks):
    """The same checks, with the chunk parsed by pyarrow's C++ CSV reader into string columns
    (no Python object per value). Only for dialects whose rules pyarrow shares with the csv
    module: no escape character, no skipping of spaces after the delimiter."""

    def __init__(self, dialect: Dialect, width: int, header_key: tuple[str, ...] | None,
                 padding: int = 0) -> None:
        super().__init__(dialect, width, header_key, padding)
        self.usable = width > 0 and not dialect.escapechar and not dialect.skipinitialspace
        self.names = [f"c{i}" for i in range(self.padded or width)]
        self.parse_options = pacsv.ParseOptions(
            delimiter=dialect.delimiter, quote_char=dialect.quotechar or False,
            double_quote=True, escape_char=False, newlines_in_values=True,
            ignore_empty_lines=False)
        self.convert_options = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in self.names}, null_values=[],
            strings_can_be_null=False, quoted_strings_can_be_null=False)
        self.blank_cell = f"^[{self.lead}]*$"  # a cell of a blank line

    def table(self, lines: list[str]) -> pa.Table | None:
        """The chunk as a table of string columns ``c0 ..`` if it is clean, else None."""
        if not self.usable or len(lines) < ARROW_MIN_LINES:
            return None  # pyarrow's fixed cost per call outweighs its speed on a few lines
        text = "".join(lines)
        if text.startswith("\ufeff"):
            return None  # pyarrow would drop a byte order mark at the start, csv keeps it
        if "\x00" in text or (self.quote and self.quote in text and self.mid_quotes.search(text)):
            return None
        try:
            table = pacsv.read_csv(
                io.BytesIO(text.encode("utf-8")),
                read_options=pacsv.ReadOptions(column_names=self.names, use_threads=False,
                                               block_size=len(text) * 4 + 64),
                parse_options=self.parse_options, convert_options=self.convert_options)
        except (pa.ArrowException, UnicodeEncodeError):
            return None
        if table.num_rows != len(lines) or table.num_columns != len(self.names):
            return None
        if self._may_hold_blank_line(table) and self._blank_line(text):
            return None
        if self._may_hold_footer(text):
            return None
        if self.padded:
            for i in range(self.width, self.padded):
                if pc.any(pc.not_equal(pc.utf8_trim_whitespace(table.column(i)), "")).as_py():
                    return None  # a filled cell in the padding: the walker decides
            table = table.select(range(self.width))
        last = table.slice(table.num_rows - 1).to_pylist()[0].values()
        if any("\n" in cell or "\r" in cell for cell in last):
            return None  # a quote opened on the last line and not closed in this chunk
        if self.header_key and self._table_repeats_header(table):
            return None
        return table

    def _blank_line(self, text: str) -> bool:
        """Might a line hold only delimiters, quotes and spaces (a blank row)?"""
        bare = text.replace(self.dialect.delimiter, "")
        if self.quote:
            bare = bare.replace(self.quote, "")
        return "" in map(str.strip, bare.splitlines())

    def _may_hold_blank_line(self, table: pa.Table) -> bool:
        """A blank line (only delimiters, quotes and spaces) gives a first cell of nothing
        else: when no first cell is such, the chunk holds no blank line (its lines are its
        rows, checked before), and the line-by-line check is saved."""
        return pc.any(pc.match_substring_regex(table.column(0), self.blank_cell)).as_py()

    def _table_repeats_header(self, table: pa.Table) -> bool:
        first = self.header_key[0]
        if first and not pc.any(pc.match_substring(table.column(0), first,
                                                   ignore_case=True)).as_py():
            return False  # no first cell holds the first header cell: no repeated header
        return self._repeats_header([list(row.values()) for row in table.to_pylist()])
