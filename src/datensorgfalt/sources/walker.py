"""Walk the rows below the header in one pass: keep data rows, repair ragged ones, and notice
where the table ends (a repeated header, another table, footnotes below it).

The walker holds back only the rows it cannot judge yet (blank lines and odd rows), so it
streams files of any size with bounded memory.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from datensorgfalt.sources.layout import (
    Layout,
    conforms,
    fill,
    fit_row,
    is_blank,
    is_sparse,
    looks_like_footer,
    looks_like_header,
)

MAX_EXAMPLES = 5


def _normalized(row: list[str]) -> tuple[str, ...]:
    cells = [(c or "").strip().lower() for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


@dataclass
class TableWalker:
    layout: Layout
    joiner: str = ","
    stats: Counter = field(default_factory=Counter)
    ragged_lines: list[int] = field(default_factory=list)
    end_line: int | None = None
    end_reason: str | None = None
    _pending: list[tuple[int, list[str]]] = field(default_factory=list)
    _rows_seen: int = 0

    def __post_init__(self) -> None:
        header = self.layout.header_rows
        self._header_key = _normalized(header[-1]) if header else None

    @property
    def ended(self) -> bool:
        return self.end_reason is not None

    @property
    def header_key(self) -> tuple[str, ...] | None:
        return self._header_key

    @property
    def idle(self) -> bool:
        """Nothing held back and not ended: a plain row would simply be emitted."""
        return not self._pending and not self.ended

    def passed(self, count: int) -> None:
        """``count`` plain rows went by in the fast lane (see ``fastrows``)."""
        self._rows_seen += count

    def push(self, row: list[str], line: int) -> list[list[str]]:
        """Rows ready to emit after seeing ``row`` (found on ``line``)."""
        if self.ended:
            self.stats["after_end"] += 1
            return []
        if is_blank(row):
            self._pending.append((line, row))
            return []
        if self._header_key and len(self._header_key) > 1 and _normalized(row) == self._header_key:
            self._end(line, "repeated_header")
            return []
        width = self.layout.width
        start = self._other_table_start(row)
        if start is not None:
            self._end(start, "other_width")
            return []
        if conforms(row, width):
            if self._starts_new_section(row):
                self._end(self._pending[0][0], "new_section")
                return []
            if looks_like_footer(row):  # a sum line: a footer if nothing but notes follow
                self._pending.append((line, row))
                return []
            out = self._flush_as_data()
            out.append(self._emit(row, line))
            return out
        if is_sparse(row, self.layout.profile) or self._header_like(row):
            self._pending.append((line, row))  # a note, a title or the header of a next table
            return []
        out = self._flush_as_data()
        out.append(self._emit(row, line))
        return out

    def finish(self) -> list[list[str]]:
        """Rows still held back at the end: ragged data rows are kept, notes below are not."""
        if self.ended:
            return []
        out: list[list[str]] = []
        seen_blank = False
        for index, (line, row) in enumerate(self._pending):
            if is_blank(row):
                seen_blank = True
                continue
            if seen_blank or is_sparse(row, self.layout.profile) or looks_like_footer(row):
                rest = [r for _ln, r in self._pending[index:] if not is_blank(r)]
                self.stats["footer"] += len(rest)
                self.stats["footer_line"] = self.stats["footer_line"] or line
                break
            out.append(self._emit(row, line))
        self._pending.clear()
        return out

    # --- the heuristics ------------------------------------------------------------------

    def _starts_new_section(self, row: list[str]) -> bool:
        """After a blank line, a title line or a header-like row opens another table."""
        if not self._pending or not is_blank(self._pending[0][1]):
            return False
        odd = [r for _ln, r in self._pending if not is_blank(r)]
        if odd and all(is_sparse(r, self.layout.profile) for r in odd):
            return True
        return bool(self.layout.header_rows) and looks_like_header(
            row, self.layout.profile, first=False
        )

    def _header_like(self, row: list[str]) -> bool:
        return bool(self.layout.header_rows) and looks_like_header(
            row, self.layout.profile, first=False
        )

    def _other_table_start(self, row: list[str]) -> int | None:
        """A held-back header-like row of this row's width: a table of another shape begins."""
        odd = [(ln, r) for ln, r in self._pending if not is_blank(r)]
        if not odd or len(row) < 2 or len(odd[-1][1]) != len(row) or fill(odd[-1][1]) < 2:
            return None
        if self._header_like(odd[-1][1]):
            return odd[-1][0]
        return None

    def _flush_as_data(self) -> list[list[str]]:
        out = []
        for line, row in self._pending:
            if is_blank(row):
                self.stats["empty_lines"] += 1
            else:
                out.append(self._emit(row, line))
        self._pending.clear()
        return out

    def _emit(self, row: list[str], line: int) -> list[str]:
        width = self.layout.width
        self._rows_seen += 1
        if len(row) > width and is_blank(row[width:]):
            fitted = fit_row(row, width, self.layout.profile, self.joiner)
            if fitted == row[:width]:
                self.stats["trailing_delimiters"] += 1
                return fitted
        if len(row) != width:
            self.stats["ragged"] += 1
            if len(self.ragged_lines) < MAX_EXAMPLES:
                self.ragged_lines.append(line)
            return fit_row(row, width, self.layout.profile, self.joiner)
        return row

    def _end(self, line: int, reason: str) -> None:
        self.end_line, self.end_reason = line, reason
        self._pending.clear()
