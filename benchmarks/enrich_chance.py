"""Open data as forecast features: how often does the PoC say they "helped" when they cannot?

Weekly sales of one product with a season, noise and (in the learnable runs) a drop of a fifth
per public holiday of NRW in the week. Each round writes a fresh workspace (``init --land NW``,
``scan``), a DWD-layout weather file with a new seed (made-up weather, unrelated to the sales)
and runs through the CLI:

- ``poc forecast ... --with wetter=ID`` on sales without any weather effect (chance: the
  verdict must not be "met" more often than about 5 % of the runs);
- ``poc forecast ... --with feiertage`` on sales with the holiday effect (learnable: should be
  "met").

Printed: the verdict counts of each group and the seconds per run.

Run: ``.venv/bin/python benchmarks/enrich_chance.py [--rounds 10] [--budget 30s]
[--first-seed 100] [--only chance|learnable]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from datensorgfalt.demo.weather import dwd_daily_text, file_name
from datensorgfalt.services.poc.calendar import holiday_dates


def weekly_sales(folder: Path, seed: int, holiday_effect: float) -> None:
    weeks = pd.date_range("2021-01-04", "2025-06-30", freq="W-MON")
    free = holiday_dates("NW", tuple(range(2020, 2027)))
    rng = np.random.default_rng(seed)
    holidays = np.array([sum((w + pd.Timedelta(days=k)).date() in free for k in range(5))
                         for w in weeks])
    season = 1 + 0.15 * np.sin(2 * np.pi * weeks.dayofyear / 365.25)
    sales = 1000 * season * (1 - holiday_effect * holidays) * rng.normal(1, 0.05, len(weeks))
    pd.DataFrame({"Woche": weeks.strftime("%Y-%m-%d"), "Umsatz": sales.round(2)}).to_csv(
        folder / "wochenumsatz.csv", index=False)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "datensorgfalt", *args], cwd=cwd,
                          capture_output=True, text=True, env=os.environ | {"NO_COLOR": "1"})


def one_run(seed: int, learnable: bool, budget: str) -> tuple[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "daten").mkdir()
        weekly_sales(root / "daten", seed, 0.2 if learnable else 0.0)
        cli("init", ".", "--land", "NW", cwd=root)
        cli("scan", "daten", cwd=root)
        weather = root / file_name(4711, date(2021, 1, 1), date(2025, 6, 30))
        weather.write_text(dwd_daily_text(4711, date(2021, 1, 1), date(2025, 6, 30),
                                          seed=seed), "ascii")
        cli("opendata", "weather", str(weather), cwd=root)
        started = time.monotonic()
        run = cli("poc", "forecast", "-d", "wochenumsatz.csv", "--date", "Woche", "--target",
                  "Umsatz", "--yes", "--budget", budget, "--json", "--with",
                  "feiertage" if learnable else "wetter=dwd-04711", cwd=root)
        seconds = time.monotonic() - started
        if run.returncode != 0:
            return f"Fehler: {run.stdout.strip() or run.stderr.strip()}"[:200], seconds
        external = json.loads(run.stdout).get("external") or {}
        return str(external.get("verdict")), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--budget", default="30s")
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--only", choices=("chance", "learnable"))
    args = parser.parse_args()
    groups = {"chance": (False,), "learnable": (True,)}.get(args.only, (False, True))
    for learnable in groups:
        verdicts, times = Counter(), []
        for seed in range(args.rounds):
            verdict, seconds = one_run(args.first_seed + seed, learnable, args.budget)
            verdicts[verdict] += 1
            times.append(seconds)
        name = "feiertage (lernbar)" if learnable else "wetter (Zufall)"
        met = verdicts.get("met", 0)
        print(f"{name}: {dict(verdicts)}; 'geholfen' in {met}/{args.rounds} "
              f"({100 * met / args.rounds:.0f} %); {np.median(times):.0f} s je Lauf (Median)")


if __name__ == "__main__":
    main()
