"""External features for the forecast PoC: public holidays and bridge days of the company's
Bundesland, daily weather from an imported DWD file (``poc forecast --with feiertage,
wetter=ID``), and the honest answer whether they helped.

Each model that finished is run a second time on the same backtest windows, with the
external features (:class:`WithExternal`), and the two ensembles are compared pairwise with
the verdict machinery of every PoC (``soll.py``: "better than without" must hold at the lower
end of the 90 % interval for "helped"). The features are aggregated to the series' period:
holidays and bridge days on working days per period, mean temperature, precipitation and
sunshine sums. Only what is known at forecast time is used for the future: holidays exactly,
the weather as its usual value for that time of year from the history before the origin
(nobody knows the weather of the coming months).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pandas as pd

from datensorgfalt.catalog import Catalog
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.services.help import company_land
from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.budget import Deadline, run_step
from datensorgfalt.services.poc.calendar import DEFAULT_STATE, holiday_dates
from datensorgfalt.services.poc.protocol import Forecaster
from datensorgfalt.services.poc.series import PANDAS_FREQ, SeriesData, both
from datensorgfalt.services.poc.soll import parse_soll
from datensorgfalt.workspace import Workspace

HOLIDAYS, WEATHER = "feiertage", "wetter"
# DWD column -> (feature name, how a period is summed up)
WEATHER_FEATURES = {"TMK": ("temperatur_mittel", "mean"), "RSK": ("niederschlag_summe", "sum"),
                    "SDK": ("sonnenstunden_summe", "sum")}
RIDGE = 1.0  # shrinkage on standardised features: few periods, so effects are pulled to zero


class ExternalError(DatensorgfaltError):
    """``--with`` names something the forecast cannot add."""


@dataclass
class External:
    """What ``--with`` asked for, resolved: the Land for holidays, the weather's daily values."""

    holidays: bool = False
    land: str = DEFAULT_STATE
    land_set: bool = False
    weather_id: str | None = None
    weather: pd.DataFrame | None = None
    names: list[str] = field(default_factory=list)

    def describe(self, lang: str = "de") -> list[str]:
        parts = []
        if self.holidays:
            parts.append(t("poc.external.holidays", lang=lang, land=self.land))
        if self.weather is not None:
            parts.append(t("poc.external.weather", lang=lang, id=self.weather_id))
        return parts


def parse_with(text: str | None) -> tuple[bool, str | None]:
    """``feiertage,wetter=dwd-01303`` -> (holidays wanted, weather id or None)."""
    holidays, weather = False, None
    for part in [p.strip() for p in (text or "").split(",") if p.strip()]:
        name, _, value = part.partition("=")
        name = name.strip().lower()
        if name in (HOLIDAYS, "holidays") and not value:
            holidays = True
        elif name in (WEATHER, "weather") and value.strip():
            weather = value.strip()
        else:
            raise ExternalError("poc.external.error.with", part=part)
    return holidays, weather


def resolve(workspace: Workspace, catalog: Catalog, text: str | None,
            series: SeriesData) -> External | None:
    """The ``--with`` request with the company's Bundesland and the imported weather; one
    sentence when the weather does not cover most of the series' history."""
    holidays, weather_id = parse_with(text)
    if not holidays and weather_id is None:
        return None
    land = company_land(workspace)
    external = External(holidays=holidays, land=land or DEFAULT_STATE, land_set=land is not None)
    if weather_id is not None:
        # only here: the open-data package brings rdflib and the scan along
        from datensorgfalt.services.opendata import load_weather

        entry, weather = load_weather(catalog, weather_id)
        dates = pd.to_datetime(series.long["ds"])
        known = weather.dropna(how="all").index
        covered = float(((dates >= known.min()) & (dates <= known.max())).mean()) \
            if len(known) else 0.0
        if covered < 0.8:
            raise ExternalError("poc.external.error.coverage", id=entry["id"],
                                first=dates.min().strftime("%Y-%m-%d"),
                                last=dates.max().strftime("%Y-%m-%d"),
                                share=f"{covered * 100:.0f}")
        external.weather_id, external.weather = entry["id"], weather
    return external


def bridge_days(days: pd.DatetimeIndex, free: frozenset) -> np.ndarray:
    """A working day (Mon-Fri, no holiday) between a holiday and a weekend: Friday after a
    Thursday holiday, Monday before a Tuesday holiday."""
    day_set = {d.date() for d in days}
    out = []
    for day in days:
        d = day.date()
        working = d.weekday() < 5 and d not in free
        before, after = d - timedelta(days=1), d + timedelta(days=1)
        out.append(working and d in day_set and (
            (before in free and after.weekday() == 5) or (after in free and before.weekday() == 6)))
    return np.array(out, dtype=bool)


def daily_features(external: External, first: pd.Timestamp, last: pd.Timestamp) -> pd.DataFrame:
    """One row per day from ``first`` to ``last`` with the wanted external values."""
    days = pd.date_range(first.normalize(), last.normalize(), freq="D")
    out = pd.DataFrame(index=days)
    if external.holidays:
        years = tuple(range(days[0].year - 1, days[-1].year + 2))
        free = holiday_dates(external.land, years)
        weekday = days.weekday < 5
        out["feiertage"] = (np.array([d.date() in free for d in days]) & weekday).astype(float)
        out["brueckentage"] = bridge_days(days, free).astype(float)
    if external.weather is not None:
        weather = external.weather.reindex(days)
        for column, (name, _) in WEATHER_FEATURES.items():
            if column in weather:
                out[name] = weather[column].to_numpy(float)
    return out


def period_features(external: External, ds: pd.Series, freq: str) -> pd.DataFrame:
    """The daily values summed up per period starting at each ``ds`` (counts and sums per
    period; means for the temperature); NaN where the weather does not reach."""
    every = pd.to_datetime(pd.Series(ds)).reset_index(drop=True)
    if freq == "H":
        every = every.dt.floor("D")
    starts = pd.Series(every.unique())  # a panel repeats its dates: each period once
    offset = pd.tseries.frequencies.to_offset(PANDAS_FREQ.get(freq, "D") if freq != "H"
                                              else "D")
    ends = starts.map(lambda s: s + offset - pd.Timedelta(days=1)) if freq not in ("D", "H") \
        else starts
    daily = daily_features(external, starts.min(), ends.max())
    how = {"feiertage": "sum", "brueckentage": "sum"} | {
        name: agg for name, agg in WEATHER_FEATURES.values()}
    rows = []
    cumulative = daily.cumsum()
    counts = daily.notna().astype(float).cumsum()
    index = daily.index
    for start, end in zip(starts, ends, strict=True):
        lo, hi = index.searchsorted(start), index.searchsorted(end, side="right") - 1
        row = {}
        for name in daily.columns:
            total = cumulative[name].iloc[hi] - (cumulative[name].iloc[lo - 1] if lo else 0.0)
            seen = counts[name].iloc[hi] - (counts[name].iloc[lo - 1] if lo else 0.0)
            days = hi - lo + 1
            if seen < 0.8 * days:
                row[name] = np.nan  # too little weather for this period
            elif how[name] == "mean":
                row[name] = total / seen
            else:
                row[name] = total * days / seen  # a missing day counts as an average one
        rows.append(row)
    per_period = pd.DataFrame(rows, columns=list(daily.columns), index=starts)
    return per_period.reindex(every).reset_index(drop=True)


def _season_position(ds: pd.Series, freq: str) -> pd.Series:
    ds = pd.to_datetime(ds)
    return {"M": ds.dt.month, "Q": ds.dt.quarter, "W": ds.dt.isocalendar().week.astype(int),
            "D": ds.dt.dayofyear, "H": ds.dt.dayofyear}.get(freq, ds.dt.month)


@dataclass
class WithExternal:
    """The inner model with the external effects taken out of the history and put back into
    the forecast: a ridge regression of the series' relative deviations on the features'
    deviations from their usual value at that time of year (so the model keeps the season and
    learns only e.g. "a month with one holiday more sells less"), pooled over all series."""

    inner: Forecaster
    external: External
    freq: str

    @property
    def name(self) -> str:
        return f"{self.inner.name} + extern"

    def forecast(self, train: pd.DataFrame, h: int) -> pd.DataFrame:
        train = train.sort_values(["unique_id", "ds"])
        future_ds = self._future_dates(train, h)
        features = period_features(self.external, pd.concat(
            [train["ds"], pd.Series(future_ds)], ignore_index=True), self.freq)
        n = len(train)
        position = _season_position(pd.concat([train["ds"], pd.Series(future_ds)],
                                              ignore_index=True), self.freq).to_numpy()
        usual = features.iloc[:n].groupby(position[:n]).mean()
        filled = features.copy()
        for name in features.columns:  # unknown weather (the future): its usual value
            typical = pd.Series(position).map(usual[name]).to_numpy(float)
            filled[name] = features[name].fillna(pd.Series(typical)).fillna(
                features[name].iloc[:n].mean())
        anomaly = filled.copy()
        for name in features.columns:
            anomaly[name] = filled[name].to_numpy(float) - pd.Series(position).map(
                usual[name]).fillna(filled[name].iloc[:n].mean()).to_numpy(float)
        x = anomaly.to_numpy(float)
        level = train.groupby("unique_id")["y"].transform(lambda y: np.abs(y).mean() or 1.0)
        relative = (train["y"] / level).to_numpy(float)
        relative = relative - train.assign(r=relative).groupby("unique_id")["r"].transform(
            "mean").to_numpy(float)
        coef = _ridge(x[:n], relative)
        effect = x @ coef
        adjusted = train.assign(y=train["y"].to_numpy(float) - level.to_numpy(float)
                                * effect[:n])
        out = self.inner.forecast(adjusted, h)
        ahead = dict(zip(pd.to_datetime(future_ds), effect[n:], strict=True))
        levels = train.groupby("unique_id")["y"].apply(lambda y: np.abs(y).mean() or 1.0)
        shift = pd.to_datetime(out["ds"]).map(ahead).fillna(0.0).to_numpy(float) * \
            out["unique_id"].map(levels).to_numpy(float)
        for column in [c for c in out.columns if c.startswith("yhat")]:
            out[column] = out[column].to_numpy(float) + shift
        return out

    def _future_dates(self, train: pd.DataFrame, h: int) -> list[pd.Timestamp]:
        last = pd.to_datetime(train["ds"]).max()
        return list(pd.date_range(last, periods=h + 1, freq=PANDAS_FREQ[self.freq])[1:])


def _ridge(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Ridge on standardised columns (constant columns get no weight)."""
    scale = x.std(axis=0)
    usable = scale > 1e-9
    coef = np.zeros(x.shape[1])
    if not usable.any() or len(y) < 4:
        return coef
    z = (x[:, usable] - x[:, usable].mean(axis=0)) / scale[usable]
    penalty = RIDGE * len(y) * np.eye(z.shape[1])
    beta = np.linalg.solve(z.T @ z + penalty, z.T @ y)
    coef[usable] = beta / scale[usable]
    return coef


def compare(external: External, models: dict[str, Forecaster], without: dict[str, pd.DataFrame],
            backtest: Callable[[Forecaster], pd.DataFrame],
            combine: Callable[[dict[str, pd.DataFrame]], pd.DataFrame], freq: str,
            deadline: Deadline) -> dict:
    """Each finished model again with the external features on the same windows; the verdict
    whether the ensemble with them is better than the one without (paired, 90 %)."""
    with_bt: dict[str, pd.DataFrame] = {}
    for name, model in models.items():
        if name not in without:
            continue
        done = run_step(deadline, f"{name} + extern",
                        lambda m=model: backtest(WithExternal(m, external, freq)))
        if done is not None:
            with_bt[name] = done
    features = external.describe()
    if not with_bt:
        return {"features": features, "verdict": None,
                "sentence": both("poc.external.no_time")}
    same = {name: without[name] for name in with_bt}
    plain, enriched = combine(same), combine(with_bt)
    soll = parse_soll(None, "forecast")
    metrics_with, metrics_without = _metrics(enriched), _metrics(plain)
    decided = soll.decide(ev.paired_backtest(enriched, plain), metrics_with, metrics_without)
    comparison = decided["comparison"]
    values = {"features": {lang: ", ".join(external.describe(lang)) for lang in ("de", "en")},
              "with": _number(metrics_with.get("wape")),
              "without": _number(metrics_without.get("wape"))}
    if comparison:
        low, high = comparison["interval"]
        values |= {"low": _number(low, "+"), "high": _number(high, "+")}
    key = f"poc.external.{decided['verdict']}" + ("" if comparison else "_plain")
    return {"features": features, "models": sorted(with_bt), "verdict": decided["verdict"],
            "helped": decided["met"], "with": metrics_with, "without": metrics_without,
            "comparison": comparison, "more_data": decided.get("more_data"),
            "land": external.land if external.holidays else None,
            "land_set": external.land_set, "weather": external.weather_id,
            "sentence": both(key, **values)}


def _metrics(frame: pd.DataFrame) -> dict:
    frame = frame.dropna(subset=["yhat"])
    return ev.clean(ev.forecast_metrics(*(frame[c].to_numpy(float) for c in ("y", "yhat",
                                                                              "scale"))))


def _number(value: float | None, sign: str = "") -> dict[str, str]:
    """One decimal, with a decimal comma in German."""
    text = "-" if value is None else f"{value:{sign}.1f}"
    return {"de": text.replace(".", ",").replace("-", "−") if value is not None else text,
            "en": text}
