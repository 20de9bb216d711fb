"""What every profiling step shares: the DuckDB connection, the table view and column facts."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from datensorgfalt.engine import quote, sql_string
from datensorgfalt.engine.parsing import (
    clean_expr,
    infer_info,
    native_type,
    typed_expr,
)
from datensorgfalt.services.vocabulary import says

ROW = "file_row_number"  # 0-based data row index DuckDB adds when reading Parquet
SAMPLE_ROWS = 20_000
FULL_SAMPLE_LIMIT = 300_000
CATEGORY_GUESS = 2_500
SEMANTIC_SAMPLE = 500
INFER_SAMPLE = 500
VIEW = "src"
# Columns per profiling query. A query's cost grows faster than its column count (every
# aggregate keeps state per thread, every pattern its own matcher), so wide tables are
# profiled in batches; a batch that still does not fit the memory limit is split in halves.
BATCH_COLUMNS = 16
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class ColumnFacts:
    name: str
    duck_type: str
    info: dict[str, Any]
    semantic: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    # few distinct values in the sample: count every value in the main pass already
    category_guess: bool = False
    # how many distinct values the whole column probably has, judged by the sample's repeats
    distinct_guess: float = float("inf")
    # the temporary table of its distinct raw values and their counts (``value_counts``)
    value_table: str | None = None

    @property
    def kind(self) -> str:
        return native_type(self.duck_type) or self.info.get("type", "text")

    @property
    def raw_text(self) -> bool:
        return native_type(self.duck_type) is None

    @property
    def q(self) -> str:
        return quote(self.name)

    @property
    def clean(self) -> str:
        return clean_expr(self.name, self.info) if self.raw_text else self.q

    @property
    def typed(self) -> str:
        return typed_expr(self.name, self.info, self.duck_type)

    @property
    def numeric(self) -> bool:
        return self.kind in ("integer", "decimal")

    @property
    def temporal(self) -> bool:
        return self.kind in ("date", "datetime")


@dataclass
class TableContext:
    con: duckdb.DuckDBPyConnection
    path: Path
    rows: int
    columns: list[ColumnFacts]
    sample: dict[str, list[Any]]

    def sql(self, query: str, params: list[Any] | None = None) -> list[tuple]:
        return self.con.execute(query, params or []).fetchall()

    def column(self, name: str) -> ColumnFacts:
        return next(c for c in self.columns if c.name == name)


# what a value of each semantic type looks like (its name words are the column vocabulary)
SEMANTIC_VALUES = {
    "postal_code": r"\d{5}",
    "email": r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}",
    "iban": r"[A-Z]{2}\d{2}[A-Z0-9 ]{10,40}",
    "phone": r"\+?[\d\s/().-]{6,}",
}


def guess_semantic(name: str, values: list[Any], given: str | None) -> str | None:
    """The scan's semantic type when set, else one guessed from name and sample values."""
    if given in SEMANTIC_VALUES:
        return given
    texts = _first_distinct(values, SEMANTIC_SAMPLE)
    if len(texts) < 3:
        return given
    for semantic in SEMANTIC_VALUES:
        named = says(semantic, name)
        if not named and semantic not in ("email", "iban"):
            continue
        pattern = re.compile(SEMANTIC_VALUES[semantic])
        share = sum(1 for v in texts if pattern.fullmatch(v)) / len(texts)
        if (named and share >= 0.6) or (semantic in ("email", "iban") and share >= 0.9):
            return semantic
    return given


def _first_distinct(values: list[Any], limit: int) -> list[str]:
    """The first ``limit`` distinct non-blank values as stripped text, in order."""
    texts: dict[str, None] = {}
    for value in values:
        if value is not None and (text := str(value).strip()) and text not in texts:
            texts[text] = None
            if len(texts) >= limit:
                break
    return list(texts)


def open_context(con: duckdb.DuckDBPyConnection, path: Path,
                 infos: dict[str, dict[str, Any]] | None = None,
                 semantics: dict[str, str | None] | None = None) -> TableContext:
    """A view ``src`` over the Parquet file (with row numbers), the column types and a sample."""
    infos, semantics = infos or {}, semantics or {}
    con.execute(f"CREATE OR REPLACE VIEW {VIEW} AS SELECT * FROM "
                f"read_parquet('{sql_string(str(path))}', file_row_number=true)")
    described = con.execute(f"DESCRIBE {VIEW}").fetchall()
    names = [(row[0], row[1]) for row in described if row[0] != ROW]
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{sql_string(str(path))}')")\
        .fetchone()[0]
    sample = _sample(con, [n for n, _ in names], rows)
    columns = []
    for name, duck_type in names:
        info = dict(infos.get(name) or {})
        if native_type(duck_type) is None and not info.get("type"):
            distinct = dict.fromkeys(v for v in sample[name] if v is not None)
            info = infer_info(list(distinct)[:INFER_SAMPLE])
        semantic = guess_semantic(name, sample[name], semantics.get(name))
        facts = ColumnFacts(name, duck_type, info, semantic)
        values = sample[name]
        seen = len(set(values))
        facts.category_guess = rows <= SAMPLE_ROWS or \
            seen <= min(CATEGORY_GUESS, 0.25 * len(values))
        facts.distinct_guess = distinct_estimate(len(values), seen)
        columns.append(facts)
    return TableContext(con, path, rows, columns, sample)


def distinct_estimate(drawn: int, seen: int) -> float:
    """The number of distinct values N of a column in which ``drawn`` values gave ``seen``
    distinct ones, if every value were equally common: N (1 - exp(-drawn / N)) = seen.
    Infinite when no value repeated."""
    if seen >= drawn:
        return float("inf")
    if seen <= 0:
        return 0.0
    low, high = float(seen), float(seen)
    while high * -math.expm1(-drawn / high) < seen:
        low, high = high, high * 2
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if middle * -math.expm1(-drawn / middle) < seen \
            else (low, middle)
    return high


def _sample(con: duckdb.DuckDBPyConnection, names: list[str], rows: int) -> dict[str, list]:
    """A table ``smp`` of ``SAMPLE_ROWS`` rows and its values per column: drawn at random
    from medium tables, the first rows of large ones (random sampling costs a full scan)."""
    if rows > FULL_SAMPLE_LIMIT:
        clause = f"LIMIT {SAMPLE_ROWS}"
    elif rows > SAMPLE_ROWS:
        clause = f"USING SAMPLE reservoir({SAMPLE_ROWS} ROWS) REPEATABLE (42)"
    else:
        clause = ""
    con.execute(f"CREATE OR REPLACE TEMP TABLE smp AS SELECT * FROM {VIEW} {clause}")
    if not names:
        return {}
    select = ", ".join(quote(n) for n in names)
    result = con.execute(f"SELECT {select} FROM smp").fetchall()
    columns = [list(column) for column in zip(*result, strict=True)] or [[] for _ in names]
    return dict(zip(names, columns, strict=True))


def in_batches(items: Sequence[T], run: Callable[[list[T]], R],
               size: int = BATCH_COLUMNS) -> list[tuple[list[T], R]]:
    """``run`` over ``items`` in batches of ``size``; a batch that runs out of memory is split
    in halves until it fits (a single item that does not fit raises)."""
    pending = [list(items[o:o + size]) for o in range(0, len(items), size)]
    done: list[tuple[list[T], R]] = []
    while pending:
        batch = pending.pop(0)
        try:
            done.append((batch, run(batch)))
        except duckdb.OutOfMemoryException:
            if len(batch) == 1:
                raise
            half = len(batch) // 2
            pending[:0] = [batch[:half], batch[half:]]
    return done


@contextmanager
def beside(con: duckdb.DuckDBPyConnection,
           run: Callable[[duckdb.DuckDBPyConnection], R]) -> Iterator[Future[R]]:
    """``run`` on a second connection to the same database, in a thread, while the caller
    goes on with its own queries on ``con`` (DuckDB lets go of Python while a query runs, so
    the two share the cores). The second connection sees the view and the tables, not the
    caller's temporary tables. When the caller fails, the query beside is interrupted."""
    second = con.cursor()
    pool = ThreadPoolExecutor(1, thread_name_prefix="datensorgfalt-beside")
    try:
        yield pool.submit(run, second)
    except BaseException:
        second.interrupt()
        raise
    finally:
        pool.shutdown(wait=True)
        second.close()
