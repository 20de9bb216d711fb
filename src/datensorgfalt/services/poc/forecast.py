"""Forecast PoC: seasonal naive (or the company's plan) against statistical models, their
ensemble and a LightGBM global model, judged by rolling-origin backtests (no look-ahead)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.budget import Deadline, run_step
from datensorgfalt.services.poc.calendar import DEFAULT_STATE
from datensorgfalt.services.poc.forecasters import (
    Ensemble,
    Forecaster,
    PerWorkingDay,
    PlanColumn,
    SeasonalNaiveModel,
    optional_models,
    statistical_models,
)
from datensorgfalt.services.poc.lgbm_forecaster import LightGBMForecaster
from datensorgfalt.services.poc.outcome import Outcome, Scored
from datensorgfalt.services.poc.series import (
    DEFAULT_HORIZON,
    SeriesData,
    both,
    check_length,
    required_length,
)

MAX_WINDOWS = 3
MAX_BACKTEST_SERIES = 300
SEED = 17
ENSEMBLE = "Ensemble"
# cheapest first, so that a model exists at any budget (measured on M3 monthly)
FAST_FIRST = ("DynamicOptimizedTheta", "AutoETS", "LightGBM", "AutoCES")


def split(long: pd.DataFrame, h: int, window: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train = all but the last ``window * h`` points of each series; test = next ``h``."""
    from_end = long.groupby("unique_id").cumcount(ascending=False)
    train = long[from_end >= window * h]
    test = long[(from_end < window * h) & (from_end >= (window - 1) * h)]
    return train, test


def window_count(series: SeriesData, h: int) -> int:
    spare = int(series.lengths().min()) - required_length(h, series.season)
    return max(1, min(MAX_WINDOWS, 1 + spare // h))


def backtest(forecaster: Forecaster, long: pd.DataFrame, h: int, windows: int,
             season: int) -> pd.DataFrame:
    """Forecasts from ``windows`` origins, each ``h`` apart, joined with the actuals."""
    parts = []
    for window in range(windows, 0, -1):
        train, test = split(long, h, window)
        forecast = forecaster.forecast(train, h)
        joined = test.merge(forecast, on=["unique_id", "ds"], how="left")
        joined["window"] = windows - window + 1
        joined["step"] = joined.groupby("unique_id").cumcount() + 1
        scales = train.groupby("unique_id")["y"].apply(
            lambda y: ev.mase_scale(y.to_numpy(float), season))
        joined["scale"] = joined["unique_id"].map(scales)
        parts.append(joined)
    return pd.concat(parts, ignore_index=True)


def score(name: str, frame: pd.DataFrame) -> Scored:
    frame = frame.dropna(subset=["yhat"])
    y, f, s = (frame[c].to_numpy(float) for c in ("y", "yhat", "scale"))
    metrics = ev.forecast_metrics(y, f, s)
    groups = frame["unique_id"].to_numpy() if frame["unique_id"].nunique() >= 10 else None
    intervals = ev.bootstrap_intervals(
        lambda idx: ev.forecast_metrics(y[idx], f[idx], s[idx]), len(y), ["wape", "smape", "mase"],
        groups=groups)
    per_window = [ev.clean(ev.forecast_metrics(w["y"].to_numpy(float), w["yhat"].to_numpy(float),
                                               w["scale"].to_numpy(float)))
                  for _, w in frame.groupby("window")]
    per_step = frame.assign(err=(frame["y"] - frame["yhat"]).abs()).groupby("step")["err"].mean()
    return Scored(name, ev.clean(metrics), ev.clean(intervals),
                  {"windows": per_window, "error_by_step": [round(float(v), 4) for v in per_step]})


def point_metrics(frame: pd.DataFrame) -> dict:
    frame = frame.dropna(subset=["yhat"])
    return ev.clean(ev.forecast_metrics(*(frame[c].to_numpy(float) for c in ("y", "yhat",
                                                                              "scale"))))


def backtest_sample(series: SeriesData, h: int) -> pd.DataFrame:
    """The series long enough for a backtest; at most ``MAX_BACKTEST_SERIES`` of them (a
    random sample, fixed seed), so that a panel of thousands of series stays within budget."""
    lengths = series.lengths()
    ids = lengths[lengths >= required_length(h, series.season)].index.to_numpy()
    if len(ids) > MAX_BACKTEST_SERIES:
        ids = np.random.default_rng(SEED).choice(ids, MAX_BACKTEST_SERIES, replace=False)
    return series.long[series.long["unique_id"].isin(ids)]


def run_forecast(series: SeriesData, horizon: int | None, deadline: Deadline,
                 models: list[str] | None = None) -> Outcome:
    h = horizon or DEFAULT_HORIZON[series.freq]
    series = check_length(series, h)
    long, freq, season = series.long, series.pandas_freq, series.season
    bt_long = backtest_sample(series, h)
    windows = window_count(SeriesData(bt_long, series.freq, season), h)
    base_model: Forecaster = (PlanColumn(series.plan) if series.plan is not None
                              else SeasonalNaiveModel(freq, season))
    base_bt = backtest(base_model, bt_long, h, windows, season)
    baseline = score(base_model.name, base_bt)
    base_future = baseline_future(base_model, long, h, freq, season)
    results: dict[str, pd.DataFrame] = {}
    finals: dict[str, pd.DataFrame] = {}
    for name, model in _candidates(series, models, h).items():
        # backtest and final fit in one process: a model counts only with both done
        done = run_step(deadline, name, lambda m=model: (
            backtest(m, bt_long, h, windows, season), m.forecast(long, h)))
        if done is not None:
            results[name], finals[name] = done
    chosen, model_bt, model_final = _choose(results, finals, base_bt)
    label = f"{ENSEMBLE} ({', '.join(finals)})" if chosen == ENSEMBLE else chosen
    scored = score(label, model_bt) if chosen else None
    # the candidates' table shows point figures only: their intervals would cost a bootstrap
    # each, after the budget
    table = [{"name": n, "metrics": point_metrics(bt)} for n, bt in results.items()]
    if len(results) >= 2:
        table.append(scored.to_dict())
    future = model_final if chosen else base_future
    return Outcome(
        kind="forecast",
        columns={"freq": series.freq, "horizon": h, "season_length": season},
        baseline=baseline, model=scored,
        evaluation=both("poc.evaluation.backtest", windows=windows, h=h)["de"],
        candidates=[{"name": c["name"], "metrics": c["metrics"]} for c in table],
        notes=series.notes, features=["Verlauf", "Saison"] + (
            ["Arbeitstage je Periode (Feiertage NRW)"] if series.per_working_day else []) + (
            ["Kalender und Feiertage (LightGBM)"] if "LightGBM" in finals else []),
        artefact={"kind": "forecast", "freq": series.freq, "season": season, "horizon": h,
                  "model": chosen, "members": sorted(finals) if chosen == ENSEMBLE else [chosen],
                  "history_tail": long.groupby("unique_id").tail(max(3 * season, 3 * h))},
        plots={"history": long, "backtest": model_bt, "baseline_backtest": base_bt,
               "future": future},
        extra={"future": future, "future_from": label if chosen else base_model.name,
               "chart": chart_data(bt_long, model_bt, future, h),
               "windows": windows, "members": {n: f for n, f in finals.items()},
               "backtest_series": int(bt_long["unique_id"].nunique()),
               "durations": {k: round(v, 1) for k, v in deadline.durations.items()}},
        skipped=list(deadline.skipped), rows=len(long),
        refit=True,
        paired=ev.paired_backtest(model_bt, base_bt) if chosen else None,
    )


def chart_data(history: pd.DataFrame, backtest_frame: pd.DataFrame, future: pd.DataFrame,
               h: int) -> dict[str, list]:
    """Totals over the backtest series (small, JSON-ready, for the report): the actual values
    of the last periods, the test forecasts and the forecast beyond the end."""
    ids = history["unique_id"].unique()

    def total(frame: pd.DataFrame, column: str) -> pd.Series:
        frame = frame[frame["unique_id"].isin(ids)].dropna(subset=[column])
        return frame.groupby("ds")[column].sum().sort_index()

    actual = total(history, "y").tail(max(4 * h, 36))
    tested = total(backtest_frame, "yhat") if "yhat" in backtest_frame else pd.Series(dtype=float)
    ahead = total(future, "yhat") if len(future) else pd.Series(dtype=float)

    def days(index: pd.Index) -> list[str]:
        return [pd.Timestamp(v).strftime("%Y-%m-%d") for v in index]

    return {"ds": days(actual.index), "actual": actual.round(2).tolist(),
            "backtest_ds": days(tested.index), "backtest": tested.round(2).tolist(),
            "future_ds": days(ahead.index), "future": ahead.round(2).tolist()}


def baseline_future(base_model: Forecaster, long: pd.DataFrame, h: int, freq: str,
                    season: int) -> pd.DataFrame:
    """The Ist's forecast of the next ``h`` periods: the plan where it reaches that far, else
    the value one season earlier (no model to fit, so it exists at any budget)."""
    if isinstance(base_model, PlanColumn):
        planned = base_model.forecast(long, h)
        if planned.groupby("unique_id").size().reindex(long["unique_id"].unique()).eq(h).all():
            return planned
    return SeasonalNaiveModel(freq, season).forecast(long, h)


def _candidates(series: SeriesData, wanted: list[str] | None, h: int) -> dict[str, Forecaster]:
    pool = statistical_models(series.pandas_freq, series.season)
    extra = optional_models(series.pandas_freq, series.season)

    lgbm = LightGBMForecaster(series.freq, series.season)
    if wanted:
        every = pool | extra | {lgbm.name: lgbm}
        chosen = {name: every[name] for name in wanted if name in every}
    elif lgbm.useful(series.long, h):
        # enough history for a global model: it is the third, most different view
        chosen = {k: v for k, v in pool.items() if k != "AutoCES"} | {lgbm.name: lgbm}
    else:
        chosen = pool
    if not wanted:
        chosen = {name: chosen[name] for name in FAST_FIRST if name in chosen}
    if series.per_working_day:
        chosen = {name: m if name == lgbm.name else PerWorkingDay(m, series.freq, DEFAULT_STATE)
                  for name, m in chosen.items()}
    return chosen


def _choose(results: dict[str, pd.DataFrame], finals: dict[str, pd.DataFrame],
            base_bt: pd.DataFrame) -> tuple[str | None, pd.DataFrame, pd.DataFrame]:
    """The pre-declared default is the mean ensemble of every model that finished in time;
    no picking of the winner on the test windows (that would flatter the result)."""
    if not results:
        return None, base_bt, pd.DataFrame()
    if len(results) == 1:
        name = next(iter(results))
        return name, results[name], finals[name]
    keys = ["unique_id", "ds"]
    meta = next(iter(results.values()))[keys + ["y", "window", "step", "scale"]]
    parts = [bt[keys + [c for c in bt.columns if c.startswith("yhat")]] for bt in results.values()]
    combined_bt = meta.merge(Ensemble(ENSEMBLE, []).combine(parts), on=keys, how="left")
    final = Ensemble(ENSEMBLE, []).combine(list(finals.values()))
    return ENSEMBLE, combined_bt, final


def forecast_future(series: SeriesData, artefact: dict) -> pd.DataFrame:
    """The saved forecast recipe (models, horizon) applied to new history."""
    h = artefact["horizon"]
    names = [n for n in artefact["members"] if n]
    candidates = _candidates(series, names or None, h)
    parts = [model.forecast(series.long, h) for model in candidates.values()]
    if not parts:
        return SeasonalNaiveModel(series.pandas_freq, series.season).forecast(series.long, h)
    return parts[0] if len(parts) == 1 else Ensemble(ENSEMBLE, []).combine(parts)
