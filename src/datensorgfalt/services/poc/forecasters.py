"""Forecasters with one protocol: ``forecast(train, h) -> unique_id, ds, yhat[, yhat_lo_80 ...]``.

``train`` is long format (``unique_id, ds, y``); the result holds ``h`` rows per series after
the end of each series. Statistical models come from statsforecast, the global machine-learning
model is LightGBM (see ``lgbm_forecaster.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from datensorgfalt.services.poc.calendar import working_days
from datensorgfalt.services.poc.deseasonalize import Deseasonalized, seasonal_indices
from datensorgfalt.services.poc.protocol import Forecaster

LEVELS = (80, 95)


def _jobs(n_series: int) -> int:
    wanted = os.environ.get("DATENSORGFALT_JOBS")
    if wanted:
        return max(1, int(wanted))
    return min(2, os.cpu_count() or 1) if n_series >= 200 else 1


@dataclass
class StatsModel:
    """One statsforecast model, built for the season length by ``factory``."""

    name: str
    factory: Callable[[int], object]
    freq: str
    season: int
    intervals: bool = True

    def forecast(self, train: pd.DataFrame, h: int) -> pd.DataFrame:
        from statsforecast import StatsForecast

        model = self.factory(self.season)
        alias = str(model)
        engine = StatsForecast(models=[model], freq=self.freq,
                               n_jobs=_jobs(train["unique_id"].nunique()))
        levels = list(LEVELS) if self.intervals else None
        out = engine.forecast(df=train, h=h, level=levels) if levels else \
            engine.forecast(df=train, h=h)
        out = out.reset_index() if "unique_id" not in out.columns else out
        rename = {alias: "yhat"}
        for level in LEVELS:
            rename[f"{alias}-lo-{level}"] = f"yhat_lo_{level}"
            rename[f"{alias}-hi-{level}"] = f"yhat_hi_{level}"
        out = out.rename(columns=rename)
        keep = ["unique_id", "ds"] + [c for c in out.columns if c.startswith("yhat")]
        return out[keep]


@dataclass
class Ensemble:
    """Mean of its members' forecasts and of their interval bounds (the classic equal-weight
    forecast combination; with three members a median would throw away information)."""

    name: str
    members: list[Forecaster]
    outputs: dict[str, pd.DataFrame] = field(default_factory=dict)

    def combine(self, parts: list[pd.DataFrame]) -> pd.DataFrame:
        keys = ["unique_id", "ds"]
        stacked = pd.concat([p.set_index(keys) for p in parts], keys=range(len(parts)))
        grouped = stacked.groupby(level=[1, 2])
        return grouped.mean().reset_index()

    def forecast(self, train: pd.DataFrame, h: int) -> pd.DataFrame:
        parts = []
        for member in self.members:
            part = member.forecast(train, h)
            self.outputs[member.name] = part
            parts.append(part)
        return self.combine(parts)


@dataclass
class SeasonalNaiveModel:
    """The "Ist" of a forecast: the value of the same period one season earlier ("Vorjahres-
    wert") where the history shows a season; where it shows none, the mean of the last season.
    Copying last year's noise is no rule anyone would keep for a series without a season: a
    model that merely averages the noise would beat it without having learned anything."""

    freq: str
    season: int
    name: str = "Wert der Vorsaison (ohne Saison: Mittel der letzten Saison)"

    def forecast(self, train: pd.DataFrame, h: int) -> pd.DataFrame:
        """Plain numpy, no model to fit: the Ist exists at any budget, in milliseconds."""
        ends = train.groupby("unique_id", sort=False)["ds"].last()
        sizes = train.groupby("unique_id", sort=False).size().to_numpy()
        y = train["y"].to_numpy(float)
        stops = np.cumsum(sizes)
        lag = np.where(sizes >= self.season, max(self.season, 1), 1)
        steps = np.arange(h)
        index = (stops - lag)[:, None] + steps[None, :] % lag[:, None]
        yhat = y[index]
        for row, (stop, size) in enumerate(zip(stops, sizes, strict=True)):
            history = y[stop - size:stop]
            if self.season > 1 and size >= self.season and not _seasonal(history, self.season):
                yhat[row] = history[-self.season:].mean()
        offset = pd.tseries.frequencies.to_offset(self.freq)
        last = pd.DatetimeIndex(ends.to_numpy())
        dates = np.column_stack([(last + offset * k).to_numpy() for k in range(1, h + 1)])
        return pd.DataFrame({"unique_id": np.repeat(ends.index.to_numpy(), h),
                             "ds": dates.ravel(), "yhat": yhat.ravel()})


def _seasonal(history: np.ndarray, season: int) -> bool:
    """Whether the history shows a season (the test the models' short-series path uses; less
    than two seasons cannot show one, so the value a season earlier stays the rule)."""
    return len(history) < 2 * season or seasonal_indices(history, season) is not None


@dataclass
class PlanColumn:
    """The company's own plan/forecast column as the baseline (known for future periods)."""

    plan: pd.DataFrame
    name: str = "Plan"

    def forecast(self, train: pd.DataFrame, h: int) -> pd.DataFrame:
        ends = train.groupby("unique_id")["ds"].max().rename("end")
        plan = self.plan.merge(ends, left_on="unique_id", right_index=True)
        plan = plan[plan["ds"] > plan["end"]].sort_values(["unique_id", "ds"])
        plan = plan.groupby("unique_id").head(h)
        return plan.rename(columns={"y": "yhat"})[["unique_id", "ds", "yhat"]]


def statistical_models(freq: str, season: int) -> dict[str, Forecaster]:
    """The statistical candidates, cheapest first. Short series are deseasonalized first."""
    from statsforecast.models import AutoCES, AutoETS, DynamicOptimizedTheta, OptimizedTheta

    factories = {
        "AutoETS": lambda s: AutoETS(season_length=s),
        "DynamicOptimizedTheta": lambda s: DynamicOptimizedTheta(season_length=s),
        # cheap and, in a mean with the dynamic theta and LightGBM, a clear gain on a
        # validation window cut from M3's training part (see benchmarks/poc_forecast.py)
        "OptimizedTheta": lambda s: OptimizedTheta(season_length=s),
        "AutoCES": lambda s: AutoCES(season_length=s),
    }
    return {
        name: Deseasonalized(StatsModel(name, make, freq, 1), StatsModel(name, make, freq, season),
                             season) if season > 1 else StatsModel(name, make, freq, season)
        for name, make in factories.items()
    }


def optional_models(freq: str, season: int) -> dict[str, StatsModel]:
    """Slower or special models a user can ask for by name."""
    from statsforecast.models import MSTL, AutoARIMA, AutoETS, AutoTheta

    def mstl(s: int) -> object:
        return MSTL(season_length=s, trend_forecaster=AutoETS(model="ZZN"))

    return {
        "AutoARIMA": StatsModel("AutoARIMA", lambda s: AutoARIMA(season_length=s), freq, season),
        "AutoTheta": StatsModel("AutoTheta", lambda s: AutoTheta(season_length=s), freq, season),
        "MSTL": StatsModel("MSTL", mstl, freq, season),
    }


@dataclass
class PerWorkingDay:
    """Forecast sales per working day, then multiply by the working days of each future period
    (Mon-Fri without the Bundesland's public holidays): a month with two holidays sells less."""

    inner: Forecaster
    freq: str
    state: str

    @property
    def name(self) -> str:
        return self.inner.name

    def _days(self, ds: pd.Series) -> np.ndarray:

        return np.maximum(working_days(ds.reset_index(drop=True), self.freq, self.state), 1.0)

    def forecast(self, train: pd.DataFrame, h: int) -> pd.DataFrame:
        train = train.assign(y=train["y"].to_numpy(float) / self._days(train["ds"]))
        out = self.inner.forecast(train, h)
        days = self._days(out["ds"])
        for column in [c for c in out.columns if c.startswith("yhat")]:
            out[column] = out[column].to_numpy(float) * days
        return out
