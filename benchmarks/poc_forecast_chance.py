"""Forecast chance targets: how often does a forecast PoC say "Soll erreicht" when the sales
hold nothing to forecast beyond their level?

Each run draws order lines on the working days (Mon-Sat, no NRW holidays) of three to five
years: a Poisson number of lines a day with log-normal amounts, no season, no trend, no
weekday pattern. The monthly totals go through ``run_forecast`` (per working day, like the
demo's sales) and are judged with the sales-forecast use case's criterion ("WAPE<=15%", which
also asks to beat the Ist with 90 % confidence) and with the default "besser als Ist".
Printed: the share of runs that say "Soll erreicht" (target: at most 5 %), the verdicts and
the time. Seeds from 100 are the development set; the closing figures use seeds from 9000.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/poc_forecast_chance.py [--runs 50]
[--first-seed 9000]``
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections import Counter
from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd

from datensorgfalt.services.poc.budget import Deadline
from datensorgfalt.services.poc.experiment import verdict
from datensorgfalt.services.poc.forecast import run_forecast
from datensorgfalt.services.poc.series import build_series
from datensorgfalt.services.poc.soll import parse_soll

CRITERIA = ("WAPE<=15%", "besser als Ist")


def order_lines(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    years = int(rng.integers(3, 6))
    first, last = date(2026 - years, 1, 2), date(2025, 12, 30)
    closed = holidays.country_holidays("DE", subdiv="NW", years=range(first.year, 2026))
    days = [first + timedelta(d) for d in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() != 6 and d not in closed]
    counts = rng.poisson(float(rng.uniform(5, 40)), len(days))
    amounts = rng.lognormal(float(rng.uniform(4, 7)), float(rng.uniform(0.8, 1.6)),
                            int(counts.sum()))
    return pd.DataFrame({"Belegdatum": pd.to_datetime(np.repeat(days, counts)),
                         "Nettobetrag": amounts.round(2)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--first-seed", type=int, default=100)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    counts = {c: Counter() for c in CRITERIA}
    start = time.monotonic()
    for seed in range(args.first_seed, args.first_seed + args.runs):
        series = build_series(order_lines(seed), "Belegdatum", "Nettobetrag", None, "M")
        outcome = run_forecast(series, None, Deadline(120))
        said = [verdict(parse_soll(c, "forecast"), outcome)[1]["verdict"] for c in CRITERIA]
        for criterion, word in zip(CRITERIA, said, strict=True):
            counts[criterion][word] += 1
        print(f"seed {seed}: {len(series.long)} months, windows {outcome.extra['windows']}, "
              f"WAPE model {outcome.model.metrics['wape'] if outcome.model else None} "
              f"Ist {outcome.baseline.metrics['wape']}: {', '.join(said)}", flush=True)
    load = os.getloadavg()[0]
    print(f"\n{args.runs} runs, {time.monotonic() - start:.0f} s, load {load:.1f}")
    for criterion, seen in counts.items():
        print(f"{criterion:16s} met {seen['met']:3d}  not_met {seen['not_met']:3d}  "
              f"undecided {seen['undecided']:3d}  share met {seen['met'] / args.runs:.1%}")


if __name__ == "__main__":
    main()
