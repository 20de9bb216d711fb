"""The per-value checks of pass one as SQL: which way a date or a number is written, what a
valid value of a semantic type looks like, and the aggregates counting them."""

from __future__ import annotations

from collections.abc import Callable

from datensorgfalt.services.quality.context import ColumnFacts

# Predicates over the raw text {v}: which way a date or a number is written. Each is a CASE in
# which a cheap test (``contains``, a length) decides first and a LIKE with ``_`` or a cast runs
# only where it could still hold, the commonest case first: an AND or OR in a SELECT list
# computes all its parts on every row, a CASE stops at the first WHEN that holds. For a NULL
# value a family gives NULL or false, which every count and WHERE takes alike as "no".
DATE_FAMILIES = {
    "dd.mm.yyyy": "CASE WHEN NOT contains({v}, '.') OR contains({v}, '-') THEN false "
                  "ELSE {v} LIKE '%_._%._%' END",
    "yyyy-mm-dd": "CASE WHEN contains({v}, '-') THEN {v} LIKE '____-__-__%' ELSE false END",
    "dd/mm/yyyy": "CASE WHEN contains({v}, '/') THEN {v} LIKE '%_/_%/_%' ELSE false END",
    "yyyymmdd": "CASE WHEN length({v}) = 8 THEN TRY_CAST({v} AS UINTEGER) IS NOT NULL "
                "ELSE false END",
}
# Every pattern of a number family needs its decimal mark, so ``contains`` tests that first.
NUMBER_FAMILIES = {
    "1.234,56": "CASE WHEN NOT contains({v}, ',') THEN false WHEN {v} LIKE '%,__' THEN true "
                "WHEN {v} LIKE '%,_' THEN true ELSE {v} LIKE '%.%,%' END",
    "1,234.56": "CASE WHEN NOT contains({v}, '.') OR {v} LIKE '%.%,%' THEN false "
                "WHEN {v} LIKE '%.__' THEN true WHEN {v} LIKE '%._' THEN true "
                "ELSE {v} LIKE '%,%.%' END",
}
# What a valid value looks like, per semantic type, as a predicate over the clean text {v}.
PATTERN_SQL = {
    "postal_code": "strlen({v}) = 5 AND regexp_full_match({v}, '[0-9]{{5}}')",
    "email": "{v} LIKE '%@%.%' AND NOT contains({v}, ' ') AND NOT starts_with({v}, '@')",
    "phone": "regexp_full_match({v}, '\\+?[0-9 /().-]{{6,}}')",
}


def unparsed(i: int, blank: bool) -> str:
    """Is the raw text ``r{i}`` present but its clean value ``c{i}`` NULL, and the text blank
    (``blank``) or a placeholder? Only those rows are trimmed (a CASE, see DATE_FAMILIES)."""
    test = "=" if blank else "<>"
    return f"CASE WHEN c{i} IS NULL AND r{i} IS NOT NULL THEN trim(r{i}) {test} '' ELSE false END"


def check_parts(col: ColumnFacts, i: int, count: Callable[[str], str]) -> list[str]:
    """Aggregates over the clean value ``c{i}`` and typed value ``t{i}`` of a raw text
    column: parsed values, date and number format families. ``count(condition)`` is the SQL
    counting the values for which ``condition`` holds."""
    c, t = f"c{i}", f"t{i}"
    parts = [f"{count(f'{t} IS NOT NULL')} AS ok{i}"] if col.kind != "text" else []
    if col.temporal:
        parts += [f"{count(pat.format(v=c))} AS df{i}_{k}"
                  for k, pat in enumerate(DATE_FAMILIES.values())]
    if col.kind == "decimal":
        parts += [f"{count(pat.format(v=c))} AS nf{i}_{k}"
                  for k, pat in enumerate(NUMBER_FAMILIES.values())]
    return parts


def pattern_part(col: ColumnFacts, i: int, count: Callable[[str], str]) -> list[str]:
    """The count of values that do not look like a valid value of the column's meaning."""
    if col.semantic not in PATTERN_SQL:
        return []
    valid = PATTERN_SQL[col.semantic].format(v=f"CAST(c{i} AS VARCHAR)")
    return [f"{count(f'c{i} IS NOT NULL AND NOT ({valid})')} AS pat{i}"]
