"""Forecast PoC: the Ist (the company's plan, else the value one season earlier, or the mean
of the last season where the history shows no season; per working day like the models)
against statistical models, their ensemble and a LightGBM global model, judged by
rolling-origin backtests (no look-ahead)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.budget import Deadline, run_step
from datensorgfalt.services.poc.external import External, compare
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
    MIN_POINTS,
    SeriesData,
    both,
    check_length,
    required_length,
)

MAX_WINDOWS = 3
MAX_BACKTEST_SERIES = 300
#: Fewer series than the paired comparison resamples whole (``evaluation.MIN_SERIES``) are
#: judged on points in time: they get up to ``MAX_WINDOWS_FEW`` origins, as many as the
#: history allows (one series of five years judged on its last 18 months only would leave 18
#: months untested); a panel is judged on its series and keeps ``MAX_WINDOWS``
MAX_WINDOWS_FEW = 12
SEED = 17
ENSEMBLE = "Ensemble"
PER_WORKING_DAY_IST = "Wert der Vorsaison je Arbeitstag (ohne Saison: Mittel der letzten Saison)"
# cheapest first, so that a model exists at any budget and the members that finish make a
# varied mean (measured on M3 monthly, 2 cores: about 7, 10, 30 and 190 seconds for a fit)
FAST_FIRST = ("DynamicOptimizedTheta", "OptimizedTheta", "LightGBM", "AutoETS", "AutoCES")


def split(long: pd.DataFrame, h: int, cut: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train = all but the last ``cut`` points of each series; test = the next ``h`` points
    (fewer when the origin lies less than ``h`` before the end)."""
    from_end = long.groupby("unique_id").cumcount(ascending=False)
    train = long[from_end >= cut]
    test = long[(from_end < cut) & (from_end >= cut - h)]
    return train, test


def max_windows(n_series: int) -> int:
    """How many origins a backtest of ``n_series`` series may use (see ``MAX_WINDOWS_FEW``)."""
    return MAX_WINDOWS_FEW if n_series < ev.MIN_SERIES else MAX_WINDOWS


def origins(series: SeriesData, h: int) -> list[int]:
    """Backtest origins as points held back from the end, earliest first: up to
    ``max_windows`` windows ``h`` apart, each with the history ``required_length`` asks for;
    when the history allows fewer, further earlier origins ``h // 2`` periods apart (at least
    1) that still leave every model two seasonal cycles (and ``h``, and 8 points) to learn
    from. More origins judge the models on more months, not the same months again."""
    length = int(series.lengths().min())
    most = max_windows(int(series.lengths().size))
    spare = length - required_length(h, series.season)
    full = max(1, min(most, 1 + spare // h))
    cuts = [h * w for w in range(full, 0, -1)]
    if full < most:
        least = max(2 * series.season if series.season > 1 else 0, h, MIN_POINTS)
        step = max(1, h // 2)
        earlier = list(range(h * full + step, length - least + 1, step))[:most - full]
        cuts = earlier[::-1] + cuts
    return cuts


def backtest(forecaster: Forecaster, long: pd.DataFrame, h: int, cuts: list[int],
             season: int) -> pd.DataFrame:
    """Forecasts from each origin (``cuts`` points before the end), refit on the data before
    it and joined with the actuals; ``shown`` marks the windows a whole horizon apart (they do
    not overlap in time: what plots and the report's chart show)."""
    parts = []
    for number, cut in enumerate(cuts, start=1):
        train, test = split(long, h, cut)
        forecast = forecaster.forecast(train, h)
        joined = test.merge(forecast, on=["unique_id", "ds"], how="left")
        joined["window"] = number
        joined["shown"] = cut % h == 0
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
    groups = ev.backtest_groups(frame)
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
                 models: list[str] | None = None, external: External | None = None) -> Outcome:
    h = horizon or DEFAULT_HORIZON[series.freq]
    series = check_length(series, h)
    long, season = series.long, series.season
    bt_long = backtest_sample(series, h)
    cuts = origins(SeriesData(bt_long, series.freq, season), h)
    windows = len(cuts)
    base_model = ist(series)
    base_bt = backtest(base_model, bt_long, h, cuts, season)
    baseline = score(base_model.name, base_bt)
    base_future = baseline_future(base_model, long, h, series)
    results: dict[str, pd.DataFrame] = {}
    finals: dict[str, pd.DataFrame] = {}
    candidates = _candidates(series, models, h)
    for name, model in candidates.items():
        # backtest and final fit in one process: a model counts only with both done
        done = run_step(deadline, name, lambda m=model: (
            backtest(m, bt_long, h, cuts, season), m.forecast(long, h)))
        if done is not None:
            results[name], finals[name] = done
    chosen, model_bt, model_final = _choose(results, finals, base_bt)
    enriched = compare(external, candidates, results, lambda m: backtest(
        m, bt_long, h, cuts, season), lambda parts: _choose(
        parts, {n: p.iloc[:0] for n, p in parts.items()}, base_bt)[1], series.freq,
        deadline) if external is not None and results else None
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
        evaluation=_evaluation_text(cuts, h),
        candidates=[{"name": c["name"], "metrics": c["metrics"]} for c in table],
        notes=series.notes + ([enriched["sentence"]] if enriched else []),
        features=["Verlauf", "Saison"] + (
            ["Arbeitstage je Periode (Feiertage NRW)"] if series.per_working_day else []) + (
            ["Kalender und Feiertage (LightGBM)"] if "LightGBM" in finals else []),
        artefact={"kind": "forecast", "freq": series.freq, "season": season, "horizon": h,
                  "model": chosen, "members": sorted(finals) if chosen == ENSEMBLE else [chosen],
                  "history_tail": long.groupby("unique_id").tail(max(3 * season, 3 * h))},
        plots={"history": long, "backtest": _shown(model_bt), "baseline_backtest": _shown(base_bt),
               "future": future},
        extra={"future": future, "future_from": label if chosen else base_model.name,
               "chart": chart_data(bt_long, _shown(model_bt), future, h),
               "windows": windows, "members": {n: f for n, f in finals.items()},
               "backtest_series": int(bt_long["unique_id"].nunique()),
               "external": enriched,
               "durations": {k: round(v, 1) for k, v in deadline.durations.items()}},
        skipped=list(deadline.skipped), rows=len(long),
        refit=True,
        paired=ev.paired_backtest(model_bt, base_bt, freq=series.freq) if chosen else None,
    )


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["shown"]] if "shown" in frame else frame


def _evaluation_text(cuts: list[int], h: int) -> str:
    if all(cut % h == 0 for cut in cuts):
        return both("poc.evaluation.backtest", windows=len(cuts), h=h)["de"]
    step = min(a - b for a, b in zip(cuts, cuts[1:], strict=False))
    return both("poc.evaluation.backtest_origins", windows=len(cuts), h=h, step=step)["de"]


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


def ist(series: SeriesData) -> Forecaster:
    """The company's plan, else the simple rule; per working day when the models forecast per
    working day (the Ist gets every adjustment the models get: otherwise a model would win by
    counting holidays, not by what it learned)."""
    if series.plan is not None:
        return PlanColumn(series.plan)
    if not series.per_working_day:
        return SeasonalNaiveModel(series.pandas_freq, series.season)
    rule = SeasonalNaiveModel(series.pandas_freq, series.season, PER_WORKING_DAY_IST)
    return PerWorkingDay(rule, series.freq, series.state)


def baseline_future(base_model: Forecaster, long: pd.DataFrame, h: int,
                    series: SeriesData) -> pd.DataFrame:
    """The Ist's forecast of the next ``h`` periods: the plan where it reaches that far, else
    the simple rule (no model to fit, so it exists at any budget)."""
    if isinstance(base_model, PlanColumn):
        planned = base_model.forecast(long, h)
        if planned.groupby("unique_id").size().reindex(long["unique_id"].unique()).eq(h).all():
            return planned
        base_model = ist(replace(series, plan=None))
    return base_model.forecast(long, h)


def _candidates(series: SeriesData, wanted: list[str] | None, h: int) -> dict[str, Forecaster]:
    pool = statistical_models(series.pandas_freq, series.season)
    extra = optional_models(series.pandas_freq, series.season)

    lgbm = LightGBMForecaster(series.freq, series.season, state=series.state)
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
        chosen = {name: m if name == lgbm.name else PerWorkingDay(m, series.freq, series.state)
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
    meta = next(iter(results.values()))[keys + ["y", "window", "shown", "step", "scale"]]
    combined = []
    for window, points in meta.groupby("window"):  # origins overlap in time: one at a time
        parts = [bt.loc[bt["window"] == window, keys + [c for c in bt.columns
                                                         if c.startswith("yhat")]]
                 for bt in results.values()]
        combined.append(points.merge(Ensemble(ENSEMBLE, []).combine(parts), on=keys,
                                     how="left"))
    combined_bt = pd.concat(combined, ignore_index=True)
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
