"""The quality profile of a large database table, computed inside the database (PostgreSQL).

A PostgreSQL table of more than ``IN_DATABASE_ROWS`` rows is not copied out: the aggregates
(non-empty, distinct, blanks and placeholders, text lengths, minimum, maximum, mean, spread,
quartiles, top values of category columns, outliers) and the table checks (duplicate rows,
keys and repeated keys, order rules: :mod:`.database_tables`) run as SQL in PostgreSQL and
only their results travel. The client's memory stays flat however large the table is. Checks
that need many single rows (near duplicates, dependencies, suspicious cells) need the rows
in the scan's order; a smaller table is staged like a file and gets them all.
"""

from __future__ import annotations

from typing import Any

from datensorgfalt.catalog.models import Dataset
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.quality.column_checks import (
    CATEGORY_LIMIT,
    IQR_FACTOR,
    TOP,
    _pct,
    _round,
)
from datensorgfalt.services.quality.database_tables import is_placeholder, table_checks
from datensorgfalt.services.quality.findings import QualityFinding
from datensorgfalt.services.quality.profile import Profile, finish
from datensorgfalt.sources.postgres import quote_ident, select_rows

NUMERIC = {"smallint", "integer", "bigint", "numeric", "real", "double precision", "decimal"}
TEMPORAL = {"date", "timestamp without time zone", "timestamp with time zone"}
TEXT = {"text", "character varying", "character", "varchar", "char"}
BATCH = 16  # columns per aggregate query
IN_DATABASE_ROWS = 100_000  # up to this many rows a copy is cheap and gives every check


def in_database(dataset: Dataset) -> bool:
    """A PostgreSQL table too large to copy (or of unknown size)."""
    return dataset.format == "postgresql" and (
        dataset.row_count is None or dataset.row_count > IN_DATABASE_ROWS)


def profile_database_table(dataset: Dataset, semantics: dict[str, str | None]) -> Profile:
    """The profile of a PostgreSQL table, every aggregate computed in PostgreSQL."""
    declared = (dataset.dialect or {}).get("types") or {}
    names = [c.name for c in dataset.columns]
    rows = select_rows(dataset.location, "SELECT count(*) FROM {table}")[0][0]
    columns: dict[str, dict[str, Any]] = {}
    for offset in range(0, len(names), BATCH):
        batch = names[offset:offset + BATCH]
        columns |= _aggregates(dataset.location, batch, declared)
    for name, stats in columns.items():
        stats["semantic"] = semantics.get(name)
        if stats["distinct"] is not None and stats["distinct"] <= CATEGORY_LIMIT:
            stats["top"] = _top(dataset.location, name)
    _outliers(dataset.location, columns)
    found: list[QualityFinding] = []
    for name, stats in columns.items():
        found += _completeness(name, stats, rows)
        found += _outlier_finding(name, stats, rows)
        present = stats["non_null"] - stats["blanks"] - stats["placeholders"]
        stats["completeness"] = round(present / rows, 4) if rows else 1.0
        stats["unique_ratio"] = round(stats["distinct"] / present, 4) if present else 0.0
    payload: dict[str, Any] = {}
    try:
        keys, rules, table_findings = table_checks(dataset.location, names, columns, declared,
                                                   rows)
    except DatensorgfaltError as exc:  # a check the server cannot run keeps the aggregates
        keys, rules, table_findings = [], [], []
        payload["table_checks_error"] = str(exc).splitlines()[0][:300]
    found += table_findings
    for finding in found:  # rows the database could not name: say so, not "no rows"
        if finding.evidence.get("rows") == []:
            finding.evidence["rows_unknown"] = True
    payload |= {"rows": rows, "column_count": len(names), "columns": columns, "keys": keys,
                "dependencies": [], "rules": rules, "time_series": {}, "cells": [],
                "profiled_in": "postgresql"}
    return finish(payload, found)


def _kind(declared: str) -> str:
    if declared in NUMERIC:
        return "integer" if declared.endswith("int") or declared in ("integer",) else "decimal"
    if declared in TEMPORAL:
        return "date" if declared == "date" else "datetime"
    if declared == "boolean":
        return "boolean"
    return "text"


def _parts(name: str, kind: str, i: int) -> list[str]:
    q = quote_ident(name)
    parts = [f"count({q}) AS n{i}", f"count(DISTINCT {q}) AS d{i}"]
    if kind == "text":
        parts += [f"count(*) FILTER (WHERE btrim({q}) = '') AS b{i}",
                  f"count(*) FILTER (WHERE {is_placeholder(q)}) AS p{i}",
                  f"min(length({q})) AS lmin{i}", f"max(length({q})) AS lmax{i}",
                  f"avg(length({q}))::float8 AS lavg{i}"]
    if kind in ("integer", "decimal"):
        value = f"{q}::float8"
        parts += [f"min({value}) AS min{i}", f"max({value}) AS max{i}",
                  f"avg({value}) AS avg{i}", f"stddev_samp({value}) AS sd{i}",
                  f"percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY {value}) "
                  f"AS qs{i}"]
    elif kind in ("date", "datetime"):
        parts += [f"min({q})::text AS min{i}", f"max({q})::text AS max{i}"]
    return parts


def _aggregates(location: str, names: list[str], declared: dict[str, str]
                ) -> dict[str, dict[str, Any]]:
    kinds = [_kind(str(declared.get(n, "text"))) for n in names]
    parts = [p for i, (n, k) in enumerate(zip(names, kinds, strict=True))
             for p in _parts(n, k, i)]
    aliases = [p.rsplit(" AS ", 1)[1] for p in parts]
    row = select_rows(location, f"SELECT {', '.join(parts)} FROM {{table}}")[0]
    values = dict(zip(aliases, row, strict=True))
    out = {}
    for i, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        stats: dict[str, Any] = {"type": kind, "non_null": values[f"n{i}"],
                                 "distinct_approx": values[f"d{i}"], "distinct": values[f"d{i}"],
                                 "blanks": values.get(f"b{i}") or 0,
                                 "placeholders": values.get(f"p{i}") or 0}
        if f"lmin{i}" in values:
            stats["length"] = {"min": values[f"lmin{i}"], "max": values[f"lmax{i}"],
                               "mean": _round(values[f"lavg{i}"])}
        if f"min{i}" in values:
            stats["min"], stats["max"] = values[f"min{i}"], values[f"max{i}"]
        if f"avg{i}" in values:
            stats["mean"], stats["std"] = _round(values[f"avg{i}"]), _round(values[f"sd{i}"])
            if values[f"qs{i}"]:
                stats["q1"], stats["median"], stats["q3"] = values[f"qs{i}"]
        out[name] = stats
    return out


def _top(location: str, name: str) -> list[list[Any]]:
    """The most frequent values of a category column (the one place they are computed for a
    database table)."""
    q = quote_ident(name)
    rows = select_rows(location, f"SELECT {q}::text, count(*) FROM {{table}} WHERE {q} IS NOT "
                                 f"NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}")
    return [[value, count] for value, count in rows]


def _outliers(location: str, columns: dict[str, dict[str, Any]]) -> None:
    candidates = {n: s for n, s in columns.items() if s["type"] in ("integer", "decimal")
                  and s.get("q1") is not None and s["q3"] > s["q1"]
                  and s.get("semantic") not in ("postal_code", "phone", "identifier")
                  and not (s["type"] == "integer"
                           and s["distinct"] >= 0.9 * max(1, s["non_null"]))}
    if not candidates:
        return
    parts = []
    for name, stats in candidates.items():
        iqr = stats["q3"] - stats["q1"]
        stats["_fences"] = (stats["q1"] - IQR_FACTOR * iqr, stats["q3"] + IQR_FACTOR * iqr)
        low, high = stats["_fences"]
        q = f"{quote_ident(name)}::float8"
        parts.append(f"count(*) FILTER (WHERE {q} < {low!r} OR {q} > {high!r})")
    counts = select_rows(location, f"SELECT {', '.join(parts)} FROM {{table}}")[0]
    for stats, count in zip(candidates.values(), counts, strict=True):
        stats["outliers"] = count


def _completeness(name: str, s: dict[str, Any], rows: int) -> list[QualityFinding]:
    if rows == 0:
        return []
    missing = rows - s["non_null"] + s["blanks"]
    if s["non_null"] - s["blanks"] - s["placeholders"] <= 0:
        return [QualityFinding("empty-column", "warning", name, {"rows": rows,
                                                                "missing": missing}, share=1.0)]
    out = []
    if missing:
        share = missing / rows
        out.append(QualityFinding("missing-values", "warning" if share >= 0.05 else "info", name,
                                  {"count": missing, "total": rows, "percent": _pct(share),
                                   "rows": []}, share=share))
    if s["placeholders"]:
        share = s["placeholders"] / rows
        out.append(QualityFinding("placeholder-values", "warning", name,
                                  {"count": s["placeholders"], "total": rows,
                                   "percent": _pct(share), "values": [], "rows": []},
                                  share=share))
    return out


def _outlier_finding(name: str, s: dict[str, Any], rows: int) -> list[QualityFinding]:
    fences = s.pop("_fences", None)
    if not s.get("outliers") or fences is None:
        return []
    share = s["outliers"] / max(1, rows)
    return [QualityFinding("outliers", "warning" if share < 0.01 else "info", name,
                           {"count": s["outliers"], "low": round(fences[0], 4),
                            "high": round(fences[1], 4), "values": [], "rows": []},
                           share=share)]
