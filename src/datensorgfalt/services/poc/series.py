"""From a table to forecastable series: long format ``unique_id, ds, y``.

Detects the natural frequency of the date column, aggregates transaction rows (one row per
order line) to a period (monthly for two years of data or more, else weekly), fills gaps,
drops an incomplete first or last period and checks that the history is long enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.services.poc.calendar import DEFAULT_STATE

SEASON = {"H": 24, "D": 7, "W": 52, "M": 12, "Q": 4, "Y": 1}
PANDAS_FREQ = {"H": "h", "D": "D", "W": "W-MON", "M": "MS", "Q": "QS", "Y": "YS"}
DEFAULT_HORIZON = {"H": 24, "D": 14, "W": 8, "M": 6, "Q": 4, "Y": 2}
PERIOD_DAYS = {"H": 1 / 24, "D": 1, "W": 7, "M": 30.44, "Q": 91.3, "Y": 365.25}
SINGLE_SERIES = "gesamt"


class UnknownFrequency(DatensorgfaltError):
    """``--freq`` names no period the forecast knows."""


def check_frequency(freq: str | None) -> str:
    """``auto`` or one of ``SEASON``'s periods (any case); otherwise ``UnknownFrequency``."""
    text = (freq or "auto").strip()
    if text.lower() == "auto":
        return "auto"
    if text.upper() in SEASON:
        return text.upper()
    raise UnknownFrequency("poc.error.freq", freq=text, choices=", ".join(["auto", *SEASON]))


class SeriesTooShort(DatensorgfaltError):
    """Not enough history for the asked horizon."""


class NoSeries(DatensorgfaltError):
    """No usable date/value pairs in the data."""


def both(key: str, **values: object) -> dict[str, str]:
    """A note in German and English (stored in the catalog, shown in the user's language).

    A value given as ``{"de": ..., "en": ...}`` is filled in per language."""
    def pick(lang: str) -> dict[str, object]:
        return {k: v[lang] if isinstance(v, dict) else v for k, v in values.items()}

    return {"de": t(key, lang="de", **pick("de")), "en": t(key, lang="en", **pick("en"))}


def period_word(freq: str, n: int, lang: str | None = None) -> str:
    return t(f"poc.period.{freq}" + ("_one" if n == 1 else ""), lang=lang)


@dataclass
class SeriesData:
    long: pd.DataFrame
    freq: str
    season: int
    notes: list[dict] = field(default_factory=list)
    plan: pd.DataFrame | None = None
    aggregated: bool = False
    per_working_day: bool = False
    state: str = DEFAULT_STATE  # Bundesland whose public holidays are not working days

    @property
    def pandas_freq(self) -> str:
        return PANDAS_FREQ[self.freq]

    def lengths(self) -> pd.Series:
        return self.long.groupby("unique_id").size()


def native_frequency(dates: pd.Series) -> str:
    unique = pd.Series(pd.to_datetime(dates.dropna().unique())).sort_values()
    if len(unique) < 3:
        raise NoSeries("poc.error.no_series")
    step = unique.diff().dropna().median() / pd.Timedelta(days=1)
    for freq, limit in (("H", 1.5 / 24), ("D", 1.5), ("W", 8), ("M", 35), ("Q", 100)):
        if step <= limit:
            return freq
    return "Y"


def choose_frequency(dates: pd.Series, wanted: str = "auto") -> tuple[str, str]:
    """(native, target) frequency. Daily data: monthly for >= 24 months, else weekly."""
    native = native_frequency(dates)
    if wanted and wanted != "auto":
        return native, wanted.upper()[:1]
    span_days = (dates.max() - dates.min()) / pd.Timedelta(days=1)
    if native == "D":
        return native, "M" if span_days >= 365 * 2 - 10 else ("W" if span_days >= 7 * 16 else "D")
    return native, native


def _period_start(dates: pd.Series, freq: str) -> pd.Series:
    if freq == "H":
        return dates.dt.floor("h")
    if freq == "D":
        return dates.dt.normalize()
    if freq == "W":
        return (dates.dt.normalize() - pd.to_timedelta(dates.dt.weekday, unit="D"))
    return dates.dt.to_period({"M": "M", "Q": "Q", "Y": "Y"}[freq]).dt.start_time


def _period_end(start: pd.Timestamp, freq: str) -> pd.Timestamp:
    return start + pd.tseries.frequencies.to_offset(PANDAS_FREQ[freq]) - pd.Timedelta(seconds=1)


def build_series(frame: pd.DataFrame, date: str, target: str, by: str | None = None,
                 freq: str = "auto", plan: str | None = None, agg: str = "sum") -> SeriesData:
    """Long-format series from ``frame`` (one row per event or per period)."""
    data = pd.DataFrame({
        "unique_id": frame[by].astype(str) if by else SINGLE_SERIES,
        "ds": pd.to_datetime(frame[date], errors="coerce"),
        "y": pd.to_numeric(frame[target], errors="coerce"),
    })
    if plan:
        data["plan"] = pd.to_numeric(frame[plan], errors="coerce")
    data = data.dropna(subset=["ds", "y"])
    if data.empty:
        raise NoSeries("poc.error.no_series")
    native, target_freq = choose_frequency(data["ds"], freq)
    notes: list[dict] = []
    rows_per_period = data.groupby(["unique_id", _period_start(data["ds"], native)]).size()
    duplicates = int((rows_per_period > 1).sum())
    data["ds"] = _period_start(data["ds"], target_freq)
    aggregated = target_freq != native or duplicates > 0
    if target_freq != native:
        name = {lang: t(f"poc.period_name.{target_freq}", lang=lang) for lang in ("de", "en")}
        notes.append(both("poc.note.aggregated", rows=len(frame), period=name))
    elif duplicates:
        notes.append(both("poc.note.duplicates", n=duplicates))
    columns = {"y": agg} | ({"plan": agg} if plan else {})
    raw_last = pd.to_datetime(frame[date], errors="coerce").groupby(data["unique_id"]).max()
    raw_first = pd.to_datetime(frame[date], errors="coerce").groupby(data["unique_id"]).min()
    grouped = data.groupby(["unique_id", "ds"], as_index=False).agg(columns)
    long = _fill_gaps(grouped, target_freq, agg, notes)
    if target_freq != native:
        long = _drop_partial(long, target_freq, raw_first, raw_last, notes)
    long = long.sort_values(["unique_id", "ds"]).reset_index(drop=True)
    plan_frame = long[["unique_id", "ds", "plan"]].rename(columns={"plan": "y"}) if plan else None
    per_day = native == "D" and target_freq in ("W", "M", "Q") and agg == "sum"
    if per_day:
        notes.append(both("poc.note.working_days"))
    return SeriesData(long[["unique_id", "ds", "y"]], target_freq, SEASON[target_freq], notes,
                      plan_frame, aggregated, per_day)


def _fill_gaps(grouped: pd.DataFrame, freq: str, agg: str, notes: list[dict]) -> pd.DataFrame:
    parts, filled = [], 0
    for uid, part in grouped.groupby("unique_id", sort=True):
        full = pd.date_range(part["ds"].min(), part["ds"].max(), freq=PANDAS_FREQ[freq])
        part = part.set_index("ds").reindex(full)
        missing = int(part["y"].isna().sum())
        filled += missing
        if missing:
            value_cols = [c for c in part.columns if c != "unique_id"]
            part[value_cols] = (part[value_cols].fillna(0.0) if agg == "sum"
                                else part[value_cols].interpolate(limit_direction="both"))
        part["unique_id"] = uid
        parts.append(part.rename_axis("ds").reset_index())
    if filled:
        key = "poc.note.gaps_zero" if agg == "sum" else "poc.note.gaps_interpolated"
        notes.append(both(key, n=filled))
    return pd.concat(parts, ignore_index=True)


def _drop_partial(long: pd.DataFrame, freq: str, first: pd.Series, last: pd.Series,
                  notes: list[dict]) -> pd.DataFrame:
    """Drop a first/last period the raw data covers only partly (it would look like a slump)."""
    tolerance = pd.Timedelta(days=max(PERIOD_DAYS[freq] * 0.2, 1))
    keep = np.ones(len(long), bool)
    dropped = 0
    for uid, index in long.groupby("unique_id").groups.items():
        part = long.loc[index]
        end = _period_end(part["ds"].max(), freq)
        if last[uid] < end - tolerance:
            keep[long.index.get_loc(part["ds"].idxmax())] = False
            dropped += 1
        if first[uid] > part["ds"].min() + tolerance:
            keep[long.index.get_loc(part["ds"].idxmin())] = False
            dropped += 1
    if dropped:
        notes.append(both("poc.note.partial_period", n=dropped))
    return long[keep]


def required_length(horizon: int, season: int) -> int:
    """History needed for one backtest window: the horizon plus two and a half seasonal
    cycles before it (seasonal models need more than two to see the pattern), at least the
    horizon itself and 8 points."""
    return horizon + max(int(2.5 * season) if season > 1 else 0, horizon, 8)


MIN_POINTS = 8


def check_length(series: SeriesData, horizon: int) -> SeriesData:
    """A clear error when no series is long enough for ``horizon``; series too short to be
    forecast at all (fewer than 8 points) are left out with a note."""
    need = required_length(horizon, series.season)
    lengths = series.lengths()
    if lengths.empty:
        raise NoSeries("poc.error.no_series")
    if int(lengths.max()) < need:
        have = int(lengths.max())
        raise SeriesTooShort(
            "poc.error.too_short", horizon=horizon, need=need, have=have, missing=need - have,
            unit=period_word(series.freq, 2), unit_h=period_word(series.freq, horizon))
    usable = lengths[lengths >= MIN_POINTS].index
    if len(usable) < len(lengths):
        series.notes.append(both("poc.note.short_dropped", n=len(lengths) - len(usable),
                                 need=MIN_POINTS))
        series.long = series.long[series.long["unique_id"].isin(usable)]
        if series.plan is not None:
            series.plan = series.plan[series.plan["unique_id"].isin(usable)]
    return series
