"""Per-column profile in two SQL passes: completeness, distinct values, type conformity,
formats, patterns, robust outliers, top values and text length."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from datensorgfalt.engine import insert_texts
from datensorgfalt.engine.parsing import (
    clean_expr,
    is_placeholder_sql,
    null_tokens,
    typed_expr,
)
from datensorgfalt.services.quality import value_counts
from datensorgfalt.services.quality.context import (
    ROW,
    VIEW,
    ColumnFacts,
    TableContext,
    beside,
    in_batches,
)
from datensorgfalt.services.quality.findings import QualityFinding
from datensorgfalt.services.quality.value_checks import (
    DATE_FAMILIES,
    NUMBER_FAMILIES,
    PATTERN_SQL,
    check_parts,
    pattern_part,
    unparsed,
)

if TYPE_CHECKING:
    import duckdb

PATTERN_CODES = {"postal_code": "invalid-postal-code", "email": "invalid-email",
                 "phone": "invalid-phone", "iban": "invalid-iban"}
IQR_FACTOR = 3.0
CATEGORY_LIMIT = 5_000
TOP = 5
EXAMPLES = 5


def _inner(col: ColumnFacts, i: int) -> tuple[str, str]:
    """Projections computed once per row: raw text r, clean text c (placeholders NULL), typed t."""
    if not col.raw_text:
        typed = typed_expr(col.name, col.info, col.duck_type, clean=f"c{i}")
        return f"{col.q} AS c{i}", f"c{i}, {typed} AS t{i}"
    raw = col.q if col.duck_type.upper().startswith("VARCHAR") else f"CAST({col.q} AS VARCHAR)"
    if _deferred(col):  # blanks and placeholders are counted from its value counts later
        return f"{raw} AS r{i}, {raw} AS c{i}", f"r{i}, c{i}, c{i} AS t{i}"
    first = f"{raw} AS r{i}, {clean_expr(col.name, col.info)} AS c{i}"
    typed = typed_expr(col.name, col.info, col.duck_type, clean=f"c{i}")
    return first, f"r{i}, c{i}, {typed} AS t{i}"


def _deferred(col: ColumnFacts) -> bool:
    """A text column with few values: its exact value counts come anyway, so the per-row
    placeholder test is saved."""
    return col.raw_text and col.kind == "text" and col.category_guess \
        and col.semantic not in PATTERN_SQL


def _count_if(condition: str) -> str:
    return f"count_if({condition})"


def _pass_one_parts(col: ColumnFacts, i: int) -> list[str]:
    c, t = f"c{i}", f"t{i}"
    value = f"r{i}" if col.raw_text else c
    parts = [f"count({value}) AS n{i}", f"approx_count_distinct({value}) AS d{i}"]
    if col.raw_text and _deferred(col):
        parts += [f"min(length(r{i})) AS lmin{i}", f"max(length(r{i})) AS lmax{i}",
                  f"avg(length(r{i})) AS lavg{i}"]
    elif col.raw_text:
        r = f"r{i}"
        parts += [
            f"count_if({unparsed(i, blank=True)}) AS b{i}",
            f"count_if({unparsed(i, blank=False)}) AS p{i}",
            f"min(length({r})) AS lmin{i}", f"max(length({r})) AS lmax{i}",
            f"avg(length({r})) AS lavg{i}",
        ]
        parts += check_parts(col, i, _count_if)
    parts += pattern_part(col, i, _count_if)
    if col.numeric:
        parts += [f"min({t}) AS min{i}", f"max({t}) AS max{i}", f"avg({t}) AS avg{i}",
                  f"stddev_samp({t}) AS sd{i}",
                  f"approx_quantile({t}, [0.25, 0.5, 0.75]) AS qs{i}"]
    elif col.temporal:
        parts += [f"min({t}) AS min{i}", f"max({t}) AS max{i}"]
    return parts


def pass_one(ctx: TableContext) -> None:
    """One scan over the table per batch of columns computing the per-column aggregates;
    stored in ``col.stats``."""
    indexed = list(enumerate(ctx.columns))
    for batch, values in in_batches(indexed, lambda batch: _pass_one_values(ctx, batch)):
        for i, col in batch:
            col.stats = _stats_of(col, i, values)


def _pass_one_values(ctx: TableContext, batch: list[tuple[int, ColumnFacts]]) -> dict[str, Any]:
    """The columns read row by row are aggregated on a second connection while the columns
    with few values are grouped and profiled over their value tables on the first."""
    grouped = [(i, col) for i, col in batch if value_counts.wanted(ctx, col)]
    by_row = [(i, col) for i, col in batch if not value_counts.wanted(ctx, col)]
    if not grouped:
        return _pass_one_rows(ctx.con, by_row)
    found: dict[str, Any] = {}
    late = []
    with beside(ctx.con, lambda con: _pass_one_rows(con, by_row)) as rows:
        for i, col in grouped:
            if value_counts.build(ctx, col, i):
                found |= value_counts.values(ctx, col, i, _inner(col, i))
            else:  # the sample promised repeats the column does not have
                late.append((i, col))
        found |= rows.result()
    return found | _pass_one_rows(ctx.con, late)


def _pass_one_rows(con: duckdb.DuckDBPyConnection, batch: list[tuple[int, ColumnFacts]]
                   ) -> dict[str, Any]:
    if not batch:
        return {}
    inner = [_inner(col, i) for i, col in batch]
    parts = [p for i, col in batch for p in _pass_one_parts(col, i)]
    cursor = con.execute(
        f"SELECT {', '.join(parts)} FROM (SELECT {', '.join(b for _, b in inner)} FROM "
        f"(SELECT {', '.join(a for a, _ in inner)} FROM {VIEW}))")
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def _stats_of(col: ColumnFacts, i: int, v: dict[str, Any]) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "type": col.kind, "semantic": col.semantic, "non_null": v[f"n{i}"],
        "distinct_approx": v[f"d{i}"], "blanks": v.get(f"b{i}") or 0,
        "placeholders": v.get(f"p{i}") or 0,
    }
    if f"lmin{i}" in v:
        stats["length"] = {"min": v[f"lmin{i}"], "max": v[f"lmax{i}"],
                           "mean": _round(v[f"lavg{i}"])}
    if f"ok{i}" in v:
        stats["parsed"] = v[f"ok{i}"] or 0
    if col.temporal and f"df{i}_0" in v:
        stats["date_formats"] = {k: v[f"df{i}_{n}"] for n, k in enumerate(DATE_FAMILIES)
                                 if v[f"df{i}_{n}"]}
    if f"nf{i}_0" in v:
        stats["number_formats"] = {k: v[f"nf{i}_{n}"] for n, k in enumerate(NUMBER_FAMILIES)
                                   if v[f"nf{i}_{n}"]}
    if f"pat{i}" in v:
        stats["pattern_violations"] = v[f"pat{i}"]
    if f"min{i}" in v:
        stats["min"], stats["max"] = v[f"min{i}"], v[f"max{i}"]
    if f"avg{i}" in v:
        stats["mean"], stats["std"] = _round(v[f"avg{i}"]), _round(v[f"sd{i}"])
        qs = v[f"qs{i}"]
        if qs:
            stats["q1"], stats["median"], stats["q3"] = qs
    return stats


def _round(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def pass_two(ctx: TableContext) -> None:
    """Second scan per batch of columns: exact value counts of the category columns
    (``GROUPING SETS``) and, in the same scan, outlier counts with fences from the quartiles
    of pass one."""
    outliers = {}
    for i, col in enumerate(ctx.columns):
        if not _outlier_candidate(col, ctx.rows):
            continue
        low, high = _fences(col.stats)
        if _within(col.stats, low, high):  # no value beyond the fences: none to count
            col.stats["outliers"] = 0
        elif col.value_table:  # counted over its distinct values, not in the scan of the rows
            col.stats["outliers"] = value_counts.count_where(
                ctx, col, _inner(col, i), f"t{i} < {low} OR t{i} > {high}")
        else:
            outliers[col.name] = f"count_if({col.typed} < {low} OR {col.typed} > {high})"
    wanted = [c for c in ctx.columns if c.name in outliers or _category(c)]

    def run(batch: list[ColumnFacts]) -> list:
        totals = [outliers[c.name] for c in batch if c.name in outliers]
        return _value_counts(ctx, [c for c in batch if _category(c)], totals)

    for batch, totals in in_batches(wanted, run):
        for col, value in zip([c for c in batch if c.name in outliers], totals, strict=True):
            col.stats["outliers"] = value
    for col in ctx.columns:
        if _deferred(col):
            _placeholders_from_counts(col)


def _within(stats: dict[str, Any], low: float, high: float) -> bool:
    """Do pass one's minimum and maximum of the typed values lie inside the fences? Then
    no value is an outlier (a NaN, or a minimum of another type, compares False: counted)."""
    try:
        return bool(stats["min"] >= low and stats["max"] <= high)
    except (KeyError, TypeError):
        return False


def _category(col: ColumnFacts) -> bool:
    return bool(col.stats["non_null"]) and col.stats["distinct_approx"] <= CATEGORY_LIMIT


def _value_counts(ctx: TableContext, cols: list[ColumnFacts], totals: list[str]) -> list:
    """Exact value counts of several columns in one scan (GROUPING SETS); ``totals`` are
    aggregates over the whole table computed in the same scan (the empty grouping set)."""
    for col in [c for c in cols if c.value_table]:  # counted in pass one already
        _store_counts(col.stats, value_counts.pairs(ctx, col))
    cols = [c for c in cols if not c.value_table]
    if not cols:
        return list(ctx.sql(f"SELECT {', '.join(totals)} FROM {VIEW}")[0]) if totals else []
    names = [f"v{i}" for i in range(len(cols))]
    select = ", ".join(f"{c.q} AS {n}" for c, n in zip(cols, names, strict=True))
    extra = ["*"] if totals else []
    flags = ", ".join(f"grouping({n})" for n in names)
    sets = ", ".join([f"({n})" for n in names] + (["()"] if totals else []))
    aggregates = ", ".join(["count(*)", *totals])
    source = f"(SELECT {', '.join([select, *extra])} FROM {VIEW})" if totals else \
        f"(SELECT {select} FROM {VIEW})"
    rows = ctx.sql(f"SELECT {', '.join(names)}, {flags}, {aggregates} FROM {source} "
                   f"GROUP BY GROUPING SETS ({sets})")
    width = len(cols)
    found: list[list[tuple[Any, int]]] = [[] for _ in cols]
    result: list = []
    for row in rows:
        flags_row = row[width:2 * width]
        if all(flags_row):
            result = list(row[2 * width + 1:])
            continue
        i = flags_row.index(0)
        if row[i] is not None:
            found[i].append((row[i], row[2 * width]))
    for col, counts in zip(cols, found, strict=True):
        _store_counts(col.stats, counts)
    return result


def _placeholders_from_counts(col: ColumnFacts) -> None:
    tokens = set(null_tokens(col.info))
    blanks = placeholders = 0
    for value, n in col.stats.get("_counts") or []:
        text = str(value).strip()
        if not text:
            blanks += n
        elif text.lower() in tokens:
            placeholders += n
    col.stats["blanks"], col.stats["placeholders"] = blanks, placeholders


def _outlier_candidate(col: ColumnFacts, rows: int) -> bool:
    """Measurements and amounts; not codes (postal codes) or running numbers (keys)."""
    s = col.stats
    if not col.numeric or s.get("q1") is None or s["q3"] <= s["q1"]:
        return False
    if col.semantic in ("postal_code", "phone", "identifier"):
        return False
    return not (col.kind == "integer" and s["distinct_approx"] >= 0.9 * max(1, s["non_null"]))


def _store_counts(stats: dict[str, Any], pairs: list[tuple[Any, int]]) -> None:
    counts = sorted(pairs, key=lambda kv: (-kv[1], str(kv[0])))
    stats["distinct"] = len(counts)
    stats["top"] = [[_plain(v), n] for v, n in counts[:TOP]]
    stats["_counts"] = counts
    if len(counts) <= 12:
        stats["values"] = sorted(str(v) for v, _ in counts)


def _fences(stats: dict[str, Any]) -> tuple[float, float]:
    iqr = stats["q3"] - stats["q1"]
    return stats["q1"] - IQR_FACTOR * iqr, stats["q3"] + IQR_FACTOR * iqr


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def examples(ctx: TableContext, where: str, column: str | None = None,
             limit: int = EXAMPLES) -> tuple[list[Any], list[int]]:
    """Example values and 0-based row numbers of the rows matching ``where``."""
    target = ctx.column(column).q if column else "NULL"
    rows = ctx.sql(f"SELECT {target}, {ROW} FROM {VIEW} WHERE {where} ORDER BY {ROW} "
                   f"LIMIT {limit}")
    return [_plain(r[0]) for r in rows], [int(r[1]) for r in rows]


def column_findings(ctx: TableContext) -> list[QualityFinding]:
    found: list[QualityFinding] = []
    for col in ctx.columns:
        found += _completeness(ctx, col)
        found += _conformity(ctx, col)
        found += _formats(ctx, col)
        found += _patterns(ctx, col)
        found += _outliers(ctx, col)
    return found


def _completeness(ctx: TableContext, col: ColumnFacts) -> list[QualityFinding]:
    s, n = col.stats, ctx.rows
    if n == 0:
        return []
    missing = n - s["non_null"] + s["blanks"]
    out = []
    if s["non_null"] - s["blanks"] - s["placeholders"] <= 0:
        return [QualityFinding("empty-column", "warning", col.name,
                               {"rows": n, "missing": missing}, share=1.0)]
    if missing:
        share = missing / n
        severity = "warning" if share >= 0.05 else "info"
        where = f"{col.q} IS NULL OR trim(CAST({col.q} AS VARCHAR)) = ''"
        _, rows = examples(ctx, where)
        out.append(QualityFinding("missing-values", severity, col.name,
                                  {"count": missing, "total": n, "percent": _pct(share),
                                   "rows": rows}, share=share))
    if s["placeholders"]:
        share = s["placeholders"] / n
        raw = f"CAST({col.q} AS VARCHAR)"
        where = f"trim({raw}) <> '' AND {is_placeholder_sql(raw, col.info)}"
        values, rows = examples(ctx, where, col.name, limit=20)
        out.append(QualityFinding("placeholder-values", "warning", col.name,
                                  {"count": s["placeholders"], "total": n,
                                   "percent": _pct(share), "values": sorted(set(values)),
                                   "rows": rows[:EXAMPLES]}, share=share))
    return out


def _pct(share: float) -> str:
    return f"{share * 100:.1f} %"


def _conformity(ctx: TableContext, col: ColumnFacts) -> list[QualityFinding]:
    s = col.stats
    if "parsed" not in s:
        return []
    present = s["non_null"] - s["blanks"] - s["placeholders"]
    bad = present - s["parsed"]
    if bad <= 0 or present == 0:
        return []
    share = bad / max(1, ctx.rows)
    values, rows = examples(ctx, f"{col.clean} IS NOT NULL AND {col.typed} IS NULL", col.name)
    severity = "error" if bad / present > 0.05 else "warning"
    return [QualityFinding("type-mismatch", severity, col.name,
                           {"count": bad, "total": present, "type": col.kind,
                            "values": values, "rows": rows}, share=share)]


def _formats(ctx: TableContext, col: ColumnFacts) -> list[QualityFinding]:
    out = []
    for key, code, families in (("date_formats", "mixed-date-formats", DATE_FAMILIES),
                                ("number_formats", "mixed-number-formats", NUMBER_FAMILIES)):
        formats = col.stats.get(key) or {}
        if len(formats) < 2:
            continue
        ranked = sorted(formats.items(), key=lambda kv: -kv[1])
        minority = sum(n for _, n in ranked[1:])
        text = f"CAST({col.clean} AS VARCHAR)"
        minority_patterns = " OR ".join(f"({families[k].format(v=text)})"
                                        for k, _ in ranked[1:])
        values, rows = examples(ctx, minority_patterns, col.name)
        out.append(QualityFinding(code, "warning", col.name,
                                  {"formats": dict(ranked), "count": minority,
                                   "main": ranked[0][0], "values": values, "rows": rows},
                                  share=minority / max(1, ctx.rows)))
    return out


def _patterns(ctx: TableContext, col: ColumnFacts) -> list[QualityFinding]:
    if col.semantic == "iban":
        return _ibans(ctx, col)
    bad = col.stats.get("pattern_violations") or 0
    if not bad or col.semantic not in PATTERN_SQL:
        return []
    text = f"CAST({col.clean} AS VARCHAR)"
    where = f"{col.clean} IS NOT NULL AND NOT ({PATTERN_SQL[col.semantic].format(v=text)})"
    values, rows = examples(ctx, where, col.name)
    return [QualityFinding(PATTERN_CODES[col.semantic], "warning", col.name,
                           {"count": bad, "values": values, "rows": rows},
                           share=bad / max(1, ctx.rows))]


def _ibans(ctx: TableContext, col: ColumnFacts) -> list[QualityFinding]:
    distinct = ctx.sql(f"SELECT DISTINCT {col.clean} FROM {VIEW} WHERE {col.clean} IS NOT NULL "
                       "LIMIT 200000")
    invalid = [v for (v,) in distinct if not _valid_iban(str(v))]
    if not invalid:
        return []
    col.stats["pattern_violations"] = len(invalid)
    ctx.con.execute("CREATE OR REPLACE TEMP TABLE bad_values(v VARCHAR)")
    insert_texts(ctx.con, "bad_values", [[str(v)] for v in invalid[:10_000]])
    where = f"{col.clean} IN (SELECT v FROM bad_values)"
    count = ctx.sql(f"SELECT count(*) FROM {VIEW} WHERE {where}")[0][0]
    values, rows = examples(ctx, where, col.name)
    return [QualityFinding("invalid-iban", "warning", col.name,
                           {"count": count, "values": values, "rows": rows},
                           share=count / max(1, ctx.rows))]


def _outliers(ctx: TableContext, col: ColumnFacts) -> list[QualityFinding]:
    count = col.stats.get("outliers") or 0
    if not count:
        return []
    low, high = _fences(col.stats)
    share = count / max(1, ctx.rows)
    values, rows = examples(ctx, f"{col.typed} < {low} OR {col.typed} > {high}", col.name)
    severity = "warning" if share < 0.01 else "info"
    return [QualityFinding("outliers", severity, col.name,
                           {"count": count, "low": round(low, 4), "high": round(high, 4),
                            "values": values, "rows": rows}, share=share)]


def column_payload(col: ColumnFacts, rows: int) -> dict[str, Any]:
    """What is stored per column in the quality result (JSON-safe)."""
    stats = {k: _plain(v) if not isinstance(v, dict | list) else v
             for k, v in col.stats.items() if not k.startswith("_")}
    present = stats["non_null"] - stats["blanks"] - stats["placeholders"]
    stats["completeness"] = round(present / rows, 4) if rows else 1.0
    if "distinct" in stats:
        stats["unique_ratio"] = round(stats["distinct"] / present, 4) if present else 0.0
    return stats



def _valid_iban(value: str) -> bool:
    try:
        IBAN(value)
    except (SchwiftyException, ValueError):
        return False
    return True
