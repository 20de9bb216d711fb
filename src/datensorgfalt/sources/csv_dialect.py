"""A CSV dialect (delimiter, quote, escape) and how it reads lines; found by ``dialect.py``,
used by the record reader and the fast lanes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class Dialect:
    delimiter: str = ","
    quotechar: str | None = '"'
    escapechar: str | None = None
    skipinitialspace: bool = False

    def reader(self, lines: Iterable[str]) -> Iterator[list[str]]:
        return csv.reader(
            lines,
            delimiter=self.delimiter,
            quotechar=self.quotechar,
            quoting=csv.QUOTE_MINIMAL if self.quotechar else csv.QUOTE_NONE,
            escapechar=self.escapechar,
            doublequote=True,
            skipinitialspace=self.skipinitialspace,
            strict=False,
        )

    def parse(self, text: str, limit: int | None = None) -> list[list[str]]:
        rows = []
        for row in self.reader(io.StringIO(text, newline="")):
            rows.append(row)
            if limit and len(rows) >= limit:
                break
        return rows

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
