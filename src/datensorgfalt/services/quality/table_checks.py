"""Per-table checks: exact duplicate rows, candidate keys and duplicate keys."""

from __future__ import annotations

from typing import Any

from datensorgfalt.services.quality.column_checks import EXAMPLES
from datensorgfalt.services.quality.context import ROW, VIEW, ColumnFacts, TableContext
from datensorgfalt.services.quality.findings import QualityFinding
from datensorgfalt.services.vocabulary import says

MAX_HASH_COLUMNS = 400


def duplicate_rows(ctx: TableContext, keys: list[str]) -> list[QualityFinding]:
    """Rows that are exactly equal in every column (none can be when a column is a key)."""
    if ctx.rows < 2 or not ctx.columns or keys:
        return []
    hashed = f"hash({', '.join(c.q for c in ctx.columns[:MAX_HASH_COLUMNS])})"
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE dup_hashes AS SELECT {hashed} AS h, "
                    f"count(*) AS n FROM {VIEW} GROUP BY 1 HAVING count(*) > 1")
    extra, n_groups = ctx.sql("SELECT coalesce(sum(n - 1), 0), count(*) FROM dup_hashes")[0]
    if not extra:
        return []
    groups = ctx.sql(
        f"SELECT count(*), list({ROW} ORDER BY {ROW})[1:{EXAMPLES}] FROM {VIEW} "
        f"WHERE {hashed} IN (SELECT h FROM (SELECT h FROM dup_hashes LIMIT 1000)) "
        f"GROUP BY {hashed} ORDER BY min({ROW}) LIMIT {EXAMPLES}")
    return [duplicate_rows_finding(int(extra), n_groups, ctx.rows, [r for _, r in groups])]


def duplicate_rows_finding(extra: int, groups: int, total: int,
                           row_groups: list[list[Any]]) -> QualityFinding:
    """The ``duplicate-rows`` finding: ``extra`` rows repeat an earlier one, in ``groups``
    groups; ``row_groups`` are the rows of the first groups (staged table or database)."""
    share = extra / total
    return QualityFinding("duplicate-rows", "warning" if share >= 0.001 else "info", None,
                          {"count": extra, "groups": groups, "total": total,
                           "percent": f"{share * 100:.1f} %",
                           "row_groups": row_groups[:EXAMPLES],
                           "rows": [r for rows in row_groups[:EXAMPLES] for r in rows[1:]]},
                          share=share)


def key_candidates(ctx: TableContext) -> list[ColumnFacts]:
    """Columns that look like a key: (almost) one distinct value per row."""
    return [c for c in ctx.columns if looks_like_key(c.name, c.kind, c.stats, ctx.rows)]


def looks_like_key(name: str, kind: str, stats: dict[str, Any], rows: int) -> bool:
    """(Almost) one distinct value per row, nearly always filled, not a decimal, a flag or a
    date (unless its name says identifier)."""
    present = stats["non_null"] - stats["blanks"] - stats["placeholders"]
    if rows < 3 or present < 0.95 * rows or kind in ("decimal", "boolean"):
        return False
    if kind in ("date", "datetime") and not says("identifier", name):
        return False
    return stats["distinct_approx"] >= 0.9 * present


def worth_reporting(name: str, first: bool, repeated: int, present: int) -> bool:
    """A key-like column with a few repeated values is reported when it is named like an
    identifier (or is the table's first column) and at most 2 % of its values repeat."""
    return (says("identifier", name) or first) and repeated <= 0.02 * present


def exact_distinct(ctx: TableContext, cols: list[ColumnFacts]) -> None:
    """Exact distinct counts of the given columns, in one scan."""
    todo = [c for c in cols if "distinct" not in c.stats]
    if not todo:
        return
    select = ", ".join(f"count(DISTINCT {_clean(c)})" for c in todo)
    for col, value in zip(todo, ctx.sql(f"SELECT {select} FROM {VIEW}")[0], strict=True):
        col.stats["distinct"] = value


def _clean(col: ColumnFacts) -> str:
    """The clean value; the raw text itself when pass one counted no blank or placeholder
    (then the two are equal in every row, and the placeholder test per row is saved)."""
    s = col.stats
    if col.raw_text and s.get("blanks") == 0 and s.get("placeholders") == 0:
        return f"CAST({col.q} AS VARCHAR)"
    return col.clean


def duplicate_keys(ctx: TableContext) -> tuple[list[str], list[QualityFinding]]:
    """Inferred keys (unique columns) and key-like columns with a few repeated values.

    A repeated key whose rows also differ elsewhere is a ``conflicting-key`` (the same
    article number for two different articles); repeated keys with equal rows are
    ``duplicate-key``.
    """
    keys, found = [], []
    candidates = key_candidates(ctx)
    exact_distinct(ctx, candidates)
    for col in candidates:
        present = col.stats["non_null"] - col.stats["blanks"] - col.stats["placeholders"]
        distinct = col.stats["distinct"]
        if distinct == present:
            keys.append(col.name)
            continue
        repeated = present - distinct
        if not worth_reporting(col.name, col is ctx.columns[0], repeated, present):
            continue
        found.append(_repeated_key(ctx, col, repeated, present))
    return keys, found


def _repeated_key(ctx: TableContext, col: ColumnFacts, repeated: int,
                  present: int) -> QualityFinding:
    others = [c for c in ctx.columns if c is not col][:MAX_HASH_COLUMNS]
    rest = f"hash({', '.join(c.q for c in others)})" if others else "0"
    groups = ctx.sql(
        f"SELECT {col.clean} AS k, count(*), count(DISTINCT {rest}), "
        f"list({ROW} ORDER BY {ROW}) FROM {VIEW} WHERE {col.clean} IS NOT NULL "
        f"GROUP BY 1 HAVING count(*) > 1 ORDER BY min({ROW}) LIMIT 1000")
    conflicting = [g for g in groups if g[2] > 1]
    differences = _differences(ctx, col, conflicting[0][3][:EXAMPLES]) if conflicting else None
    return repeated_key_finding(col.name, repeated, present, ctx.rows,
                                [(g[0], g[3]) for g in conflicting or groups],
                                len(conflicting), differences)


def repeated_key_finding(column: str, repeated: int, present: int, rows: int,
                         shown: list[tuple[Any, list[Any]]], conflicting: int,
                         differences: dict[str, list] | None) -> QualityFinding:
    """``conflicting-key`` (the rows of a repeated key differ elsewhere) or ``duplicate-key``;
    ``shown`` are the first repeated values with their rows (staged table or database)."""
    evidence: dict[str, Any] = {
        "count": repeated, "total": present,
        "values": [plain(value) for value, _ in shown[:EXAMPLES]],
        "rows": [r for _, found in shown[:EXAMPLES] for r in found[:EXAMPLES]],
        "conflicting": conflicting,
    }
    if conflicting:
        evidence["differences"] = differences
    return QualityFinding("conflicting-key" if conflicting else "duplicate-key",
                          "error" if conflicting else "warning", column, evidence,
                          share=repeated / max(1, rows))


def _differences(ctx: TableContext, key: ColumnFacts, rows: list[int]) -> dict[str, list]:
    """For the rows of one repeated key: the columns whose values differ, with the values."""
    names = [c for c in ctx.columns if c is not key][:50]
    select = ", ".join(c.q for c in names)
    found = ctx.sql(f"SELECT {select} FROM {VIEW} WHERE {ROW} IN "
                    f"({', '.join(map(str, rows))}) ORDER BY {ROW}")
    return differing([c.name for c in names], found)


def differing(names: list[str], rows: list[tuple]) -> dict[str, list]:
    """The columns (of ``names``) whose values differ between ``rows``, with the values."""
    return {name: [plain(r[i]) for r in rows] for i, name in enumerate(names)
            if len({r[i] for r in rows}) > 1}


def plain(value: Any) -> Any:
    """A value as JSON keeps it (numbers, text, flags), anything else as text."""
    return value if value is None or isinstance(value, int | float | str | bool) else str(value)
