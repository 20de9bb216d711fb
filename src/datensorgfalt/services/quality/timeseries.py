"""Regularity (Stetigkeit) of time series: frequency, gaps, duplicate timestamps, level
shifts and unit changes, and how many full seasonal cycles of history exist."""

from __future__ import annotations

from statistics import median
from typing import Any

from datensorgfalt.services.quality.column_checks import EXAMPLES
from datensorgfalt.services.quality.context import ROW, VIEW, ColumnFacts, TableContext
from datensorgfalt.services.quality.findings import QualityFinding
from datensorgfalt.services.quality.value_counts import WEIGHT
from datensorgfalt.services.vocabulary import says

FREQUENCIES = (("H", 3600), ("D", 86400), ("W", 7 * 86400), ("M", 30.44 * 86400))
SEASON = {"H": ("day", 86400), "D": ("year", 365.25 * 86400), "W": ("year", 365.25 * 86400),
          "M": ("year", 365.25 * 86400)}
WINDOW = {"H": "day", "D": "week", "W": "month", "M": "quarter"}
SHIFT_FACTOR = 8.0
UNIT_OFFSETS = {"°C -> K": 273.15, "K -> °C": -273.15}
UNIT_RATIOS = {"× 1000": 1000.0, "÷ 1000": 0.001, "× 100": 100.0, "÷ 100": 0.01,
               "× 10": 10.0, "÷ 10": 0.1, "× 3,6": 3.6, "÷ 3,6": 1 / 3.6}


def time_column(ctx: TableContext) -> ColumnFacts | None:
    temporal = [c for c in ctx.columns if c.temporal and c.stats.get("min") is not None
                and not says("not_a_time_axis", c.name)]
    named = [c for c in temporal if says("date", c.name)]
    return (named or temporal or [None])[0]


def _frequency(seconds: float) -> str | None:
    for name, length in FREQUENCIES:
        if 0.8 * length <= seconds <= 1.25 * length:
            return name
    return None


def analyse(ctx: TableContext) -> tuple[dict[str, Any] | None, list[QualityFinding]]:
    """The ``time_series`` part of the result and the regularity findings."""
    col = time_column(ctx)
    if col is None:
        return None, []
    t = f"CAST({col.typed} AS TIMESTAMP)"
    # a column grouped to its distinct values in pass one is read from that small table
    source, counted = (col.value_table, f"coalesce(sum({WEIGHT}) FILTER (WHERE {t} IS NOT "
                       f"NULL), 0)") if col.value_table else (VIEW, f"count({t})")
    count, distinct, start, end = ctx.sql(
        f"SELECT {counted}, count(DISTINCT {t}), min({t}), max({t}) FROM {source}")[0]
    if distinct < 3:
        return None, []
    steps = ctx.sql(f"""
        SELECT epoch(ts - lag(ts) OVER (ORDER BY ts)) AS step, lag(ts) OVER (ORDER BY ts), ts
        FROM (SELECT DISTINCT {t} AS ts FROM {source} WHERE {t} IS NOT NULL)
        QUALIFY step IS NOT NULL""")
    typical = median(s[0] for s in steps)
    freq = _frequency(typical)
    span = (end - start).total_seconds()
    regular = sum(1 for step in steps if abs(step[0] - typical) <= 0.01 * typical) / len(steps)
    # many rows per timestamp, or no steady beat: transactions, not a measurement series
    events = count / distinct > 1.5 or regular < 0.8
    series: dict[str, Any] = {"column": col.name, "frequency": freq, "step_seconds": typical,
                              "start": start.isoformat(), "end": end.isoformat(),
                              "periods": distinct, "rows_per_period": round(count / distinct, 2),
                              "kind": "events" if events else "measurements",
                              "regular_share": round(regular, 3)}
    if freq:
        season, length = SEASON[freq]
        series["season"] = season
        series["seasonal_cycles"] = round(span / length, 2)
    found = _gaps(steps, typical, events, col, span) if freq else []
    if not events and freq:
        found += _duplicate_timestamps(ctx, col, t, count, distinct)
        found += _level_shifts(ctx, t, freq)
    if freq and series.get("seasonal_cycles", 0) < 2 and series["season"] == "year":
        found.append(QualityFinding("short-history", "info", col.name,
                                    {"cycles": series["seasonal_cycles"], "season": "year",
                                     "start": series["start"][:10], "end": series["end"][:10]}))
    if freq is None and not events and distinct >= 200 and says("timestamp", col.name):
        found.append(QualityFinding("irregular-series", "info", col.name,
                                    {"step_seconds": typical}))
    return series, found


def _gaps(steps: list[tuple], typical: float, events: bool, col: ColumnFacts,
          span: float) -> list[QualityFinding]:
    factor = 14 if events else 3
    gaps = [s for s in steps if s[0] > factor * typical and s[0] >= 2 * 86400 * (events or 0.5)]
    if not gaps or typical <= 0:
        return []
    missing = sum(s[0] / typical - 1 for s in gaps)
    largest = max(gaps, key=lambda s: s[0])
    share = sum(s[0] for s in gaps) / span if span else 0
    severity = "warning" if share >= 0.01 else "info"
    return [QualityFinding("time-gaps", severity, col.name,
                           {"count": len(gaps), "missing_periods": round(missing),
                            "largest_from": largest[1].isoformat(),
                            "largest_to": largest[2].isoformat(),
                            "largest_days": round(largest[0] / 86400, 1),
                            "gaps": [[g[1].isoformat(), g[2].isoformat()]
                                     for g in sorted(gaps, key=lambda s: -s[0])[:EXAMPLES]]},
                           share=share)]


def _duplicate_timestamps(ctx: TableContext, col: ColumnFacts, t: str, count: int,
                          distinct: int) -> list[QualityFinding]:
    extra = count - distinct
    if extra <= 0:
        return []
    rows = ctx.sql(f"SELECT {ROW} FROM {VIEW} QUALIFY count(*) OVER (PARTITION BY {t}) > 1 "
                   f"AND {t} IS NOT NULL ORDER BY {ROW} LIMIT {EXAMPLES}")
    return [QualityFinding("duplicate-timestamps", "warning", col.name,
                           {"count": extra, "rows": [int(r[0]) for r in rows]},
                           share=extra / max(1, ctx.rows))]


def _level_shifts(ctx: TableContext, t: str, freq: str) -> list[QualityFinding]:
    """A lasting jump of a measurement between two windows (day/week/month medians)."""
    measures = [c for c in ctx.columns if c.numeric][:20]
    if not measures:
        return []
    window = WINDOW[freq]
    select = ", ".join(f"median({c.typed})" for c in measures)
    rows = ctx.sql(f"SELECT date_trunc('{window}', {t}) AS w, {select} FROM {VIEW} "
                   f"WHERE {t} IS NOT NULL GROUP BY 1 ORDER BY 1")
    found = []
    for i, col in enumerate(measures):
        points = [(r[0], r[i + 1]) for r in rows if r[i + 1] is not None]
        shift = _largest_shift(points)
        if shift:
            found.append(_shift_finding(col, shift))
    return found


def _largest_shift(points: list[tuple]) -> dict[str, Any] | None:
    if len(points) < 8:
        return None
    values = [float(v) for _, v in points]
    diffs = [b - a for a, b in zip(values, values[1:], strict=False)]
    scale = median(abs(d) for d in diffs) or median(abs(v) for v in values) * 0.01 or 1e-9
    k = max(range(len(diffs)), key=lambda i: abs(diffs[i]))
    if abs(diffs[k]) < SHIFT_FACTOR * scale:
        return None
    before = median(values[max(0, k - 5):k + 1])
    after = median(values[k + 1:k + 7])
    rest_before = values[:k + 1]
    rest_after = values[k + 1:]
    # lasting: the level after the jump stays away from the level before
    if len(rest_after) < 2 or abs(median(rest_after) - median(rest_before)) < \
            0.5 * abs(after - before):
        return None
    return {"at": points[k + 1][0], "before": before, "after": after,
            "windows_after": len(rest_after)}


def _unit(before: float, after: float) -> str | None:
    for name, offset in UNIT_OFFSETS.items():
        if abs((after - before) - offset) <= 0.08 * abs(offset):
            return name
    if before and after and (after / before) > 0:
        ratio = after / before
        for name, factor in UNIT_RATIOS.items():
            if abs(ratio / factor - 1) <= 0.12:
                return name
    return None


def _shift_finding(col: ColumnFacts, shift: dict[str, Any]) -> QualityFinding:
    unit = _unit(shift["before"], shift["after"])
    evidence = {"at": shift["at"].isoformat(), "before": round(shift["before"], 3),
                "after": round(shift["after"], 3), "windows_after": shift["windows_after"]}
    if unit:
        return QualityFinding("unit-change", "error", col.name, evidence | {"unit": unit},
                              share=0.5)
    # a jump without a unit explanation may be real (repair, new tool): a hint, not a defect
    return QualityFinding("level-shift", "info", col.name, evidence, share=0.2)
