"""Suspicious cells found through the table's own structure.

Prefer precision: a cell is listed only when the column itself says what the value should
have looked like - a rare spelling of a frequent value ("Dortmnud" among many "Dortmund"), a
value whose shape differs from the shape nearly all values share, a value that does not parse
in a column where nearly all do. Dependency and rule violations come from ``dependencies``.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from datensorgfalt.engine import insert_texts
from datensorgfalt.services.quality.column_checks import EXAMPLES
from datensorgfalt.services.quality.context import ROW, VIEW, ColumnFacts, TableContext
from datensorgfalt.services.quality.findings import QualityFinding

MIN_FREQUENT = 5
RATIO = 8
MAX_RARE = 2
SIMILARITY = 0.75
SHAPE_DOMINANCE = 0.95
MAX_CELLS = 10_000
SKIP_SEMANTIC = {"email", "iban", "phone"}


def shape(value: str) -> str:
    """Digits -> 9, letters -> a/A, runs collapsed: "12.0 oz" -> "9.9 a"."""
    text = re.sub(r"\d+", "9", value)
    text = re.sub(r"[^\W\d_]+", lambda m: "A" if m.group()[0].isupper() else "a", text)
    return text


def _digits_only_difference(a: str, b: str) -> bool:
    return re.sub(r"\d", "", a) == re.sub(r"\d", "", b)


def rare_spellings(col: ColumnFacts) -> dict[str, str]:
    """Rare value -> the frequent value it most likely misspells."""
    counts = col.stats.get("_counts")
    if not counts or col.kind != "text" or col.semantic in SKIP_SEMANTIC or len(counts) < 2:
        return {}
    values = [(str(v).strip(), n) for v, n in counts if v is not None and str(v).strip()]
    frequent = [(v, n) for v, n in values if n >= MIN_FREQUENT][:1000]
    if not frequent:
        return {}
    choices = [v for v, _ in frequent]
    counted = dict(frequent)
    found = {}
    for value, n in values:
        if n > MAX_RARE or value in counted:
            continue
        match = process.extractOne(value, choices, scorer=Levenshtein.normalized_similarity,
                                   processor=str.lower, score_cutoff=SIMILARITY)
        if not match:
            continue
        target = match[0]
        if counted[target] < RATIO * n or _digits_only_difference(value, target):
            continue
        if Levenshtein.distance(value.lower(), target.lower()) > max(2, len(target) // 6):
            continue
        found[value] = target
    return found


def odd_shapes(col: ColumnFacts) -> set[str]:
    """Values whose shape differs from the one shape nearly all values (with digits) share."""
    counts = col.stats.get("_counts")
    if not counts or col.kind not in ("text",) or col.semantic in SKIP_SEMANTIC:
        return set()
    shapes: Counter[str] = Counter()
    shaped: dict[str, str] = {}  # each distinct text shaped once
    for value, n in counts:
        if value is not None and (text := str(value).strip()):
            if text not in shaped:
                shaped[text] = shape(text)
            shapes[shaped[text]] += n
    total = sum(shapes.values())
    if total < 20 or not shapes:
        return set()
    main, main_count = shapes.most_common(1)[0]
    if main_count < SHAPE_DOMINANCE * total or "9" not in main:
        return set()
    tokens = col.info.get("null_tokens", [])
    return {text for text, form in shaped.items() if form != main and text.lower() not in tokens}


def _rows_with(ctx: TableContext, col: ColumnFacts, values: list[str]) -> list[tuple]:
    ctx.con.execute("CREATE OR REPLACE TEMP TABLE odd_values(v VARCHAR)")
    insert_texts(ctx.con, "odd_values", [[v] for v in values])
    return ctx.sql(f"SELECT {ROW}, trim(CAST({col.q} AS VARCHAR)) FROM {VIEW} "
                   f"WHERE trim(CAST({col.q} AS VARCHAR)) IN (SELECT v FROM odd_values) "
                   f"ORDER BY {ROW} LIMIT {MAX_CELLS}")


def suspicious_cells(ctx: TableContext) -> tuple[list[QualityFinding],
                                                 list[tuple[int, str, str]]]:
    found: list[QualityFinding] = []
    cells: list[tuple[int, str, str]] = []
    for col in ctx.columns:
        misspelt = rare_spellings(col)
        if misspelt:
            rows = _rows_with(ctx, col, list(misspelt))
            cells += [(int(r[0]), col.name, "rare-spelling") for r in rows]
            pairs = [f"{v} → {t}" for v, t in list(misspelt.items())[:EXAMPLES]]
            found.append(QualityFinding("rare-spelling", "warning", col.name,
                                        {"count": len(rows), "values": pairs,
                                         "rows": [int(r[0]) for r in rows[:EXAMPLES]]},
                                        share=len(rows) / max(1, ctx.rows)))
        odd = odd_shapes(col) - set(misspelt)
        if odd:
            rows = _rows_with(ctx, col, sorted(odd))
            cells += [(int(r[0]), col.name, "out-of-pattern") for r in rows]
            found.append(QualityFinding("out-of-pattern", "warning", col.name,
                                        {"count": len(rows), "values": sorted(odd)[:EXAMPLES],
                                         "rows": [int(r[0]) for r in rows[:EXAMPLES]]},
                                        share=len(rows) / max(1, ctx.rows)))
        cells += _unparsed_cells(ctx, col)
    return found, cells


def _unparsed_cells(ctx: TableContext, col: ColumnFacts) -> list[tuple[int, str, str]]:
    """Values that do not parse, in a column where at least 95 % parse."""
    s = col.stats
    present = s["non_null"] - s["blanks"] - s["placeholders"]
    if "parsed" not in s or present == 0 or s["parsed"] == present \
            or s["parsed"] < 0.95 * present:
        return []
    rows = ctx.sql(f"SELECT {ROW} FROM {VIEW} WHERE {col.clean} IS NOT NULL AND "
                   f"{col.typed} IS NULL ORDER BY {ROW} LIMIT {MAX_CELLS}")
    return [(int(r[0]), col.name, "type-mismatch") for r in rows]


def merge_cells(*groups: list[tuple[int, str, str]]) -> list[list[Any]]:
    """One entry per (row, column), the first reason kept, sorted by row."""
    seen: dict[tuple[int, str], str] = {}
    for group in groups:
        for row, column, code in group:
            seen.setdefault((row, column), code)
    return [[row, column, code] for (row, column), code in sorted(seen.items())][:MAX_CELLS]
