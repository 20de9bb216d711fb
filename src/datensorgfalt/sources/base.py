"""The contract every reader fulfils.

A reader turns one location (a file, a sheet, a database table) into one or more
``TableSource`` objects, or into a ``CollectionSource`` for folders of documents and images.
Nothing above this layer touches encodings, delimiters or drivers. Readers raise ``ReadError``
with a message key when a location cannot be read at all; problems that do not stop reading are
reported as ``Issue`` objects on the source.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from datensorgfalt.errors import DatensorgfaltError

if TYPE_CHECKING:  # pyarrow loads with the readers, not with everyone who names ReadError
    import pyarrow as pa

BATCH_ROWS = 65_536


class ReadError(DatensorgfaltError):
    """The location cannot be read (broken, encrypted, vanished, refused ...)."""


@dataclass
class Issue:
    """Something a reader noticed; ``code`` is kebab-case, texts live in locales/*/findings."""

    code: str
    severity: str = "warning"  # info | warning | error
    values: dict[str, Any] = field(default_factory=dict)


class TableSource(Protocol):
    """One table. ``batches`` streams it; a reader never holds a whole large file in memory."""

    location: str  # URI: file:///..., file:///book.xlsx#sheet=Preise, postgresql://.../schema.t
    name: str  # sheet, table or file name, used as a title
    format: str  # csv, xlsx, xls, ods, parquet, json, jsonl, sqlite, postgresql
    dialect: dict[str, Any]  # what was detected: encoding, delimiter, header rows, sheet ...
    header: list[str]
    issues: list[Issue]

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """Record batches whose column names are ``header``. Text formats yield strings
        exactly as written in the file (no type conversion); typed formats keep their types."""
        ...


def rows_to_batch(rows: list[tuple], header: list[str]) -> pa.RecordBatch:
    """Database rows as a record batch. A column whose values Arrow cannot type as one (SQLite
    allows mixed types per column; PostgreSQL has types Arrow lacks) is kept as text."""
    import pyarrow as pa

    arrays = []
    for index in range(len(header)):
        values = [row[index] for row in rows]
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            arrays.append(pa.array([None if v is None else str(v) for v in values], pa.string()))
    return pa.RecordBatch.from_arrays(arrays, names=header)
