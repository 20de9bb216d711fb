"""The fast lane for clean stretches of a delimited file.

The walker (``records`` + ``TableWalker``) judges every record in Python. In the common case
a stretch of lines holds nothing to judge: one record per line, each of the table's width,
no blank row, no repeated header, no stray quote. ``clean_rows`` reads such a chunk of lines
with the C csv reader in one go and checks it with C-level operations only; it returns None
whenever any line might need the walker, and the caller then hands the chunk to the walker.
Rows from this lane are exactly what the walker would have emitted for them.
"""

from __future__ import annotations

import re
from collections import deque
from itertools import islice
from operator import itemgetter
from typing import TextIO

from datensorgfalt.sources.dialect import Dialect
from datensorgfalt.sources.records import stray_quote_pattern
from datensorgfalt.sources.walker import _normalized

CHUNK_LINES = 2048
_first = itemgetter(0)


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


class CleanChunks:
    """Checks chunks of lines for a table of ``width`` columns below ``header_key``."""

    def __init__(self, dialect: Dialect, width: int, header_key: tuple[str, ...] | None) -> None:
        self.dialect = dialect
        self.width = width
        self.widths = {width}
        self.quote = dialect.quotechar
        self.mid_quotes: re.Pattern[str] | None = (
            stray_quote_pattern(dialect) if dialect.quotechar else None
        )
        self.header_key = header_key if header_key and len(header_key) > 1 else None

    def rows(self, lines: list[str]) -> list[list[str]] | None:
        """The chunk's rows if every line is one plain record of the table, else None."""
        rows = list(self.dialect.reader(lines))
        if len(rows) != len(lines) or set(map(len, rows)) != self.widths:
            return None
        last = rows[-1]
        if any("\n" in cell or "\r" in cell for cell in last):
            return None  # a quote opened on the last line and not closed in this chunk
        if "" in map(str.strip, map("".join, rows)):
            return None  # a blank row
        if self.quote:
            text = "".join(lines)
            if self.quote in text and self.mid_quotes.search(text):
                return None  # a quote inside a word: the walker may repair it
        if self.header_key and self._repeats_header(rows):
            return None
        return rows

    def _repeats_header(self, rows: list[list[str]]) -> bool:
        key = self.header_key
        if key[0] not in map(str.lower, map(str.strip, map(_first, rows))):
            return False
        return any(_normalized(row) == key for row in rows)

