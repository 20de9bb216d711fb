"""Pass one over a column's distinct values instead of its rows.

Parsing a raw text cell (placeholder test, number or date parse, format families, patterns) is
what a profile spends its time on. A column of a large table that repeats few values (dates,
quantities, codes) is therefore first grouped to ``(value, count)`` in a temporary table, once,
and every figure of pass one is computed over the distinct values, each weighted by its count:
the same figures as over the rows, with the parsing done once per distinct value. The table
also gives pass two the exact value counts of the column for free.

Only the quartiles differ in kind: over the rows they come from ``approx_quantile`` (a t-digest,
whose result on a large table already depends on how the threads split the rows); here they
are exact (``quantile_disc``).
"""

from __future__ import annotations

from typing import Any

from datensorgfalt.services.quality.context import VIEW, ColumnFacts, TableContext
from datensorgfalt.services.quality.value_checks import check_parts, pattern_part, unparsed

#: From this many rows on, columns that repeat their values are profiled over their distinct
#: values (below, the rows are cheap enough and the quartiles stay the t-digest's).
VALUE_COUNT_ROWS = 250_000
#: A column pays to be grouped first when it probably has at most this share of distinct
#: values (grouping costs about what two aggregates over the rows cost, and pass one has a
#: dozen); past twice this share the grouped table is dropped again and the rows are used.
DISTINCT_SHARE = 0.25
WEIGHT = '"__datensorgfalt_anzahl"'
QUARTILES = (0.25, 0.5, 0.75)


def wanted(ctx: TableContext, col: ColumnFacts) -> bool:
    """Is ``col`` profiled over its distinct values? Yes for a text column of a large table
    whose sample repeats values (few categories, or many values each used several times)."""
    repeats = col.category_guess or col.distinct_guess <= DISTINCT_SHARE * ctx.rows
    return (ctx.rows >= VALUE_COUNT_ROWS and repeats and col.raw_text
            and col.duck_type.upper().startswith("VARCHAR"))


def build(ctx: TableContext, col: ColumnFacts, i: int) -> str | None:
    """The temporary table of ``col``'s distinct raw values and their counts; None (and no
    table) when the column repeats too few values for it to pay (the sample misled)."""
    name = f"vc_{i}"
    distinct = ctx.con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {col.q}, count(*) AS "
        f"{WEIGHT} FROM {VIEW} GROUP BY ALL").fetchone()[0]
    if not col.category_guess and distinct > 2 * DISTINCT_SHARE * ctx.rows:
        ctx.con.execute(f"DROP TABLE {name}")
        return None
    col.value_table = name
    return name


def count_where(ctx: TableContext, col: ColumnFacts, inner: tuple[str, str],
                condition: str) -> int:
    """How many rows satisfy ``condition`` (over the projections of ``inner``), counted over
    the column's distinct values."""
    row = ctx.sql(f"SELECT {_count(condition)} FROM {_typed(col, inner)}")[0]
    return int(row[0])


def _typed(col: ColumnFacts, inner: tuple[str, str]) -> str:
    first, second = inner
    return (f"(SELECT {second}, {WEIGHT} FROM (SELECT {first}, {WEIGHT} "
            f"FROM {col.value_table}))")


def pairs(ctx: TableContext, col: ColumnFacts) -> list[tuple[Any, int]]:
    """The column's non-null values with their counts (as pass two's value counts)."""
    return [(v, int(n)) for v, n in ctx.sql(
        f"SELECT {col.q}, {WEIGHT} FROM {col.value_table} WHERE {col.q} IS NOT NULL")]


def _count(condition: str) -> str:
    return f"coalesce(sum({WEIGHT}) FILTER (WHERE {condition}), 0)"


def weighted_parts(col: ColumnFacts, i: int) -> list[str]:
    """Pass one's aggregates (``column_checks._pass_one_parts``) over weighted distinct
    values ``r{i}`` (raw), ``c{i}`` (clean), ``t{i}`` (typed); no spread and quartiles."""
    r, t = f"r{i}", f"t{i}"
    parts = [
        f"{_count(f'{r} IS NOT NULL')} AS n{i}", f"approx_count_distinct({r}) AS d{i}",
        f"{_count(unparsed(i, blank=True))} AS b{i}",
        f"{_count(unparsed(i, blank=False))} AS p{i}",
        f"min(length({r})) AS lmin{i}", f"max(length({r})) AS lmax{i}",
        f"sum(length({r}) * {WEIGHT}) / nullif({_count(f'{r} IS NOT NULL')}, 0) AS lavg{i}",
        *check_parts(col, i, _count), *pattern_part(col, i, _count),
    ]
    if col.numeric:
        exact = f"CAST({t} AS HUGEINT)" if col.kind == "integer" else t
        parts += [f"min({t}) AS min{i}", f"max({t}) AS max{i}",
                  f"sum({exact} * {WEIGHT}) / nullif({_count(f'{t} IS NOT NULL')}, 0) "
                  f"AS avg{i}"]
    elif col.temporal:
        parts += [f"min({t}) AS min{i}", f"max({t}) AS max{i}"]
    return parts


def values(ctx: TableContext, col: ColumnFacts, i: int, inner: tuple[str, str]
           ) -> dict[str, Any]:
    """Pass one's figures of ``col`` from its table of distinct values."""
    typed = _typed(col, inner)
    parts = weighted_parts(col, i)
    cursor = ctx.con.execute(f"SELECT {', '.join(parts)} FROM {typed}")
    names = [d[0] for d in cursor.description]
    found = dict(zip(names, cursor.fetchone(), strict=True))
    if f"avg{i}" in found and found[f"avg{i}"] is not None:
        found[f"avg{i}"] = float(found[f"avg{i}"])
    if f"lavg{i}" in found and found[f"lavg{i}"] is not None:
        found[f"lavg{i}"] = float(found[f"lavg{i}"])
    if col.numeric:
        found[f"sd{i}"], found[f"qs{i}"] = _spread(ctx, typed, i, found[f"avg{i}"])
    return found


def _spread(ctx: TableContext, typed: str, i: int, mean: float | None
            ) -> tuple[float | None, list[Any] | None]:
    """Sample standard deviation and quartiles (``quantile_disc``) over weighted values."""
    if mean is None:
        return None, None
    t = f"t{i}"
    ranks = ", ".join(f"min({t}) FILTER (WHERE cum >= floor((total - 1) * {q}) + 1)"
                      for q in QUARTILES)
    # the mean as a literal: binding a parameter makes DuckDB import pandas (0.4 s)
    row = ctx.sql(
        f"SELECT sqrt(sum({WEIGHT} * ({t} - CAST('{float(mean)!r}' AS DOUBLE)) ^ 2) "
        f"/ nullif(max(total) - 1, 0)), {ranks} "
        f"FROM (SELECT {t}, {WEIGHT}, sum({WEIGHT}) OVER (ORDER BY {t} ROWS BETWEEN "
        f"UNBOUNDED PRECEDING AND CURRENT ROW) AS cum, sum({WEIGHT}) OVER () AS total "
        f"FROM {typed} WHERE {t} IS NOT NULL)")[0]
    return row[0], list(row[1:])
