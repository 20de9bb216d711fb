"""Records from lines, with repair of stray quote characters.

Python's csv module parses well-formed files fast. A single stray quote, however, can swallow
the following lines into one field (the classic broken export). ``records`` watches every
record: when one has the wrong width and quote characters are involved, ``lenient_candidates``
re-reads its first line with relaxed rules (a quote only closes before a delimiter or the line
end; a quote that never closes is an ordinary character) and the remaining lines are read
again as records of their own.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator

from datensorgfalt.sources.csv_dialect import Dialect
from datensorgfalt.sources.layout import Profile, conforms, fit_row

REPLACEMENT = "\ufffd"
MAX_STRAY_CANDIDATES = 12


class LineFeed:
    """Hands lines to the csv reader, remembers the lines of the current record, takes lines
    back, and counts lines with undecodable bytes."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._back: deque[str] = deque()
        self.taken: list[str] = []
        self.repaired: list[int] = []  # first lines of records re-read because of a stray quote
        self.number = 0
        self.replaced = 0
        self.first_replaced: int | None = None

    def __iter__(self) -> LineFeed:
        return self

    def __next__(self) -> str:
        if self._back:
            line = self._back.popleft()
        else:
            line = next(self._lines)
            if REPLACEMENT in line:
                self.replaced += 1
                self.first_replaced = self.first_replaced or self.number + 1
        self.number += 1
        self.taken.append(line)
        return line

    @property
    def holds_back(self) -> bool:
        return bool(self._back)

    def skip(self, lines: list[str]) -> None:
        """Count ``lines`` that were read past this feed (the fast lane) as read."""
        if REPLACEMENT in "".join(lines):
            for offset, line in enumerate(lines):
                if REPLACEMENT in line:
                    self.replaced += 1
                    self.first_replaced = self.first_replaced or self.number + offset + 1
        self.number += len(lines)

    def push_back(self, lines: list[str]) -> None:
        self._back.extendleft(reversed(lines))
        self.number -= len(lines)


def _closes(line: str, j: int, dialect: Dialect) -> bool:
    """Is position ``j`` (after a quote) the end of the field: delimiter or line end?"""
    rest = line[j:]
    if dialect.skipinitialspace or dialect.delimiter != " ":
        rest = rest.lstrip(" ")
    return not rest or rest[0] == dialect.delimiter


def lenient_split(line: str, dialect: Dialect, literal: frozenset[int] = frozenset(),
                  pair_closes: bool = False) -> list[str]:
    """Split one line with relaxed quoting; quotes at positions in ``literal`` are data."""
    line = line.rstrip("\r\n")
    quote, delim, escape = dialect.quotechar, dialect.delimiter, dialect.escapechar
    cells: list[str] = []
    i, n = 0, len(line)
    while True:
        if dialect.skipinitialspace:
            while i < n and line[i] == " ":
                i += 1
        if i < n and line[i] == quote and i not in literal:
            buf, j, closed = [], i + 1, False
            while j < n:
                c = line[j]
                if escape and c == escape and j + 1 < n:
                    buf.append(line[j + 1])
                    j += 2
                elif c == quote and j + 1 < n and line[j + 1] == quote:
                    buf.append(quote)
                    j += 2
                    if pair_closes and _closes(line, j, dialect):
                        closed = True
                        break
                elif c == quote and _closes(line, j + 1, dialect):
                    closed, j = True, j + 1
                    break
                else:
                    buf.append(c)
                    j += 1
            if not closed:  # the opening quote was a stray one
                return lenient_split(line, dialect, literal | {i}, pair_closes)
            cells.append("".join(buf))
            k = line.find(delim, j)
            if k < 0:
                return cells
            i = k + 1
        else:
            k = line.find(delim, i)
            if k < 0:
                cells.append(line[i:])
                return cells
            cells.append(line[i:k])
            i = k + 1


def _field_start_quotes(line: str, dialect: Dialect) -> list[int]:
    quote, delim = dialect.quotechar or "", dialect.delimiter
    starts, i = [], line.find(quote)
    while i >= 0 and len(starts) < MAX_STRAY_CANDIDATES:
        before = line[i - 1] if i else delim
        if before == delim or (dialect.skipinitialspace and before == " "):
            starts.append(i)
        i = line.find(quote, i + 1)
    return starts


def lenient_candidates(line: str, dialect: Dialect) -> Iterator[list[str]]:
    """Readings of a broken line, the least invasive first."""
    for pair_closes in (False, True):
        yield lenient_split(line, dialect, pair_closes=pair_closes)
        for position in _field_start_quotes(line, dialect):
            yield lenient_split(line, dialect, frozenset({position}), pair_closes)


def repair_line(line: str, dialect: Dialect, width: int, profile: Profile,
                to_beat: float = float("-inf")) -> list[str] | None:
    """The reading of ``line`` that has the table's width and fits its columns best, if it
    fits them at least as well as ``to_beat`` (honouring the quotes wins a tie)."""
    fitting = [c for c in lenient_candidates(line, dialect) if conforms(c, width)]
    if not fitting:
        return None
    best = max(fitting, key=lambda cells: profile.fit(cells[:width]))
    return best if profile.fit(best[:width]) >= to_beat - 1e-9 else None


def stray_quote_pattern(dialect: Dialect) -> re.Pattern[str]:
    """A quote inside a word (not at a field's edge, not doubled, not escaped): the csv module
    would silently drop it or split the field there."""
    quote = re.escape(dialect.quotechar or '"')
    edge = re.escape(dialect.delimiter) + quote + r"\r\n"
    if dialect.escapechar:
        edge += re.escape(dialect.escapechar)
    after = re.escape(dialect.delimiter) + quote + r"\r\n"
    # the quote first: re then scans for it at C speed (a lookbehind first is ~30x slower)
    return re.compile(rf"{quote}(?<=[^{edge}]{quote})(?=[^{after}])")


def records(feed: LineFeed, dialect: Dialect, width: int = 0,
            profile: Profile | None = None) -> Iterator[tuple[list[str], int]]:
    """(cells, line number) for each record; records of the wrong width are repaired when a
    stray quote explains them."""
    reader = dialect.reader(feed)
    quote = dialect.quotechar
    mid_quotes = stray_quote_pattern(dialect)
    while True:
        feed.taken = []
        try:
            row = next(reader)
        except StopIteration:
            return
        taken = feed.taken
        first_line = feed.number - len(taken) + 1
        if width and quote and taken and (
            len(taken) > 1 or not conforms(row, width) or mid_quotes.search(taken[0])
        ):
            fixed = _repair_record(row, taken, dialect, width, profile or Profile())
            if fixed is not None:
                if len(taken) > 1:
                    feed.push_back(taken[1:])
                row = fixed
                feed.repaired.append(first_line)
        yield row, first_line


def _repair_record(row: list[str], taken: list[str], dialect: Dialect, width: int,
                   profile: Profile) -> list[str] | None:
    """A better reading of the record's first line, or None to keep the record as read.

    A record of the wrong width is re-read when a quote is involved. A record of the right
    width that spans several lines is split only when its first line alone and each of its
    other lines are complete records too (lines swallowed by a stray quote)."""
    if not any(dialect.quotechar in line for line in taken):
        return None
    if len(taken) > 1 and conforms(row, width) and not _complete_records(taken[1:], dialect, width):
        return None  # a genuine field over several lines (the cheap test first)
    to_beat = float("-inf")
    if len(taken) == 1:  # the repair must beat the row as read (aligned if need be)
        to_beat = profile.fit(fit_row(row, width, profile, dialect.delimiter))
    return repair_line(taken[0], dialect, width, profile, to_beat)


def _complete_records(lines: list[str], dialect: Dialect, width: int) -> bool:
    rows = dialect.parse("".join(lines))
    return bool(rows) and all(conforms(r, width) for r in rows)
