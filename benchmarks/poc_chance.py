"""Chance targets: how often does a PoC say "Soll erreicht" when there is nothing to learn?

A generator of small tables whose target is pure chance - random labels (classify), random
durations (regress) and randomly routed request texts (text) - runs through the CLI end to end,
each group of three on a fresh workspace (``init``, ``scan``, ``catalog list``, ``poc ... --yes
--json``) with the default criterion ("besser als Ist"). Printed: the share of runs that say
"Soll erreicht" overall (target: at most 5 %) and per kind, and the verdicts of a few runs with
a learnable target of the same shape (these should say "Soll erreicht").

Run: ``.venv/bin/python benchmarks/poc_chance.py [--rounds 17] [--learnable 2]
[--budget 10s] [--first-seed 1000] [--subprocess]`` (without ``--budget`` the CLI's default
budget; 17 rounds = 51 runs; the commands run in-process unless ``--subprocess``). Seeds from
1000 are the development set; the figures in the closing note come from seeds 9000 on, which
were not run before the final measurement.
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
from pathlib import Path

import numpy as np
import pandas as pd

KINDS = ("classify", "regress", "text")
SYLLABLES = ["ab", "be", "dor", "fa", "gel", "han", "ker", "lo", "mu", "nit", "or", "pra",
             "ri", "sto", "tu", "wen", "zel", "ach", "ber", "ein"]


def vocabulary(rng: np.random.Generator, size: int = 300) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES, size=rng.integers(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def table(rng: np.random.Generator, rows: int, learnable: bool) -> pd.DataFrame:
    frame = pd.DataFrame({
        "Alter": rng.integers(18, 70, rows),
        "Umsatz": rng.gamma(3, 400, rows).round(2),
        "Region": rng.choice(["Nord", "Süd", "West", "Ost"], rows),
        "Anzahl": rng.poisson(4, rows),
        "Rabatt": rng.uniform(0, 0.2, rows).round(3),
    })
    if learnable:
        score = (frame["Umsatz"] > 1200).astype(int) + (frame["Anzahl"] > 5).astype(int)
        frame["Ergebnis"] = np.where(score + rng.normal(0, 0.4, rows) > 0.8, "ja", "nein")
        frame["Dauer_Minuten"] = (5 * frame["Anzahl"] + frame["Umsatz"] / 100
                                  + rng.normal(0, 2, rows)).round(1)
    else:
        frame["Ergebnis"] = rng.choice(["ja", "nein"], rows, p=[0.35, 0.65])
        frame["Dauer_Minuten"] = rng.lognormal(3, 0.6, rows).round(1)
    return frame


def texts(rng: np.random.Generator, rows: int, learnable: bool) -> pd.DataFrame:
    words = vocabulary(rng)
    labels = rng.choice(["Angebot", "Reklamation", "Liefertermin"], rows, p=[0.5, 0.3, 0.2])
    # a real signal spread over many words (no single keyword routes it): 3 of 40 per label
    telling = {label: list(rng.choice(words, 40, replace=False)) for label in sorted(set(labels))}
    out = []
    for label in labels:
        body = list(rng.choice(words, rng.integers(12, 30)))
        if learnable:
            body += list(rng.choice(telling[label], 3, replace=False))
            rng.shuffle(body)
        out.append("Guten Tag, " + " ".join(body) + ". Viele Grüße")
    return pd.DataFrame({"Anfrage": out, "Kategorie": labels})


class Done:
    def __init__(self, code: int, stdout: str, stderr: str = "") -> None:
        self.returncode, self.stdout, self.stderr = code, stdout, stderr


def cli(folder: Path, *args: str) -> Done:
    """The command as a user types it: in a subprocess with ``--subprocess``, else the same
    CLI application invoked in this process (saves the start-up of every call)."""
    if SUBPROCESS:
        done = subprocess.run([sys.executable, "-m", "datensorgfalt", *args], cwd=folder,
                              capture_output=True, text=True, check=False,
                              env={k: v for k, v in os.environ.items()
                                   if k not in ("DATENSORGFALT_WORKSPACE", "DATENSORGFALT_DB")})
        return Done(done.returncode, done.stdout, done.stderr)
    from typer.testing import CliRunner

    from datensorgfalt.cli.app import build_app

    here = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(build_app(), list(args), catch_exceptions=True)
    finally:
        os.chdir(here)
    return Done(result.exit_code, result.stdout, str(result.exception or ""))


SUBPROCESS = False


def one_round(seed: int, learnable: bool, budget: str | None, base: Path) -> dict[str, str]:
    """Three PoCs (one per kind) on a fresh workspace; their verdicts."""
    rng = np.random.default_rng(seed)
    folder = base / f"runde-{seed}-{'lernbar' if learnable else 'zufall'}"
    folder.mkdir()
    table(rng, 300, learnable).to_csv(folder / "kunden.csv", index=False)
    texts(rng, 240, learnable).to_csv(folder / "anfragen.csv", index=False)
    for step in (("init",), ("scan", ".")):
        done = cli(folder, *step)
        if done.returncode:
            raise SystemExit(f"{step} failed: {done.stderr or done.stdout}")
    listed = json.loads(cli(folder, "catalog", "list", "--json").stdout)
    ids = {d["title"]: d["id"] for d in listed}
    extra = ["--budget", budget] if budget else []
    calls = {
        "classify": ["poc", "classify", "--dataset", ids["kunden.csv"], "--target",
                     "Ergebnis"],
        "regress": ["poc", "regress", "--dataset", ids["kunden.csv"], "--target",
                    "Dauer_Minuten"],
        "text": ["poc", "text", "--dataset", ids["anfragen.csv"], "--text", "Anfrage",
                 "--label", "Kategorie"],
    }
    verdicts = {}
    for kind, args in calls.items():
        done = cli(folder, *args, *extra, "--yes", "--json")
        if done.returncode:
            verdicts[kind] = "error"
            print(f"  {kind}: error {done.stdout[-300:]} {done.stderr[-300:]}", flush=True)
            continue
        payload = json.loads(done.stdout)
        verdicts[kind] = payload.get("verdict") or ("met" if payload["met"] else "not_met")
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=17, help="chance rounds (3 runs each)")
    parser.add_argument("--learnable", type=int, default=2, help="rounds with a real signal")
    parser.add_argument("--budget", default=None, help="PoC budget (default: the CLI's)")
    parser.add_argument("--first-seed", type=int, default=1000,
                        help="generator seed of the first chance round (development: 1000 on; "
                             "the final measurement uses seeds nobody tuned on, e.g. 9000)")
    parser.add_argument("--subprocess", action="store_true",
                        help="every command in its own process (slower)")
    args = parser.parse_args()
    global SUBPROCESS
    SUBPROCESS = args.subprocess
    os.environ.pop("DATENSORGFALT_WORKSPACE", None)
    os.environ.pop("DATENSORGFALT_DB", None)
    os.environ["DATENSORGFALT_LANG"] = "de"
    start = time.monotonic()
    chance: dict[str, Counter] = {k: Counter() for k in KINDS}
    learnable: dict[str, Counter] = {k: Counter() for k in KINDS}
    with tempfile.TemporaryDirectory(prefix="poc-chance-") as tmp:
        for seed in range(args.rounds):
            verdicts = one_round(args.first_seed + seed, False, args.budget, Path(tmp))
            for kind, verdict in verdicts.items():
                chance[kind][verdict] += 1
            print(f"chance round {seed + 1}/{args.rounds}: {verdicts}", flush=True)
        for seed in range(args.learnable):
            verdicts = one_round(args.first_seed + 4000 + seed, True, args.budget, Path(tmp))
            for kind, verdict in verdicts.items():
                learnable[kind][verdict] += 1
            print(f"learnable round {seed + 1}/{args.learnable}: {verdicts}", flush=True)
    runs = sum(sum(c.values()) for c in chance.values())
    met = sum(c["met"] for c in chance.values())
    print(f"\nchance targets, {runs} runs through the CLI, budget "
          f"{args.budget or 'CLI default'}, seeds {args.first_seed}.."
          f"{args.first_seed + args.rounds - 1}, "
          f"{'subprocesses' if SUBPROCESS else 'in-process'}, "
          f"{time.monotonic() - start:.0f} s in total, load {os.getloadavg()[0]:.1f}")
    print(f"{'kind':10s} {'runs':>5s} {'met':>5s} {'not_met':>8s} {'undecided':>10s} "
          f"{'share met':>10s}")
    for kind in KINDS:
        c = chance[kind]
        total = sum(c.values())
        print(f"{kind:10s} {total:5d} {c['met']:5d} {c['not_met']:8d} {c['undecided']:10d} "
              f"{c['met'] / max(total, 1):10.1%}")
    print(f"{'all':10s} {runs:5d} {met:5d} {'':8s} {'':10s} {met / max(runs, 1):10.1%}"
          f"   (target <= 5 %)")
    if args.learnable:
        print("\nlearnable targets of the same shape (should say met):")
        for kind in KINDS:
            print(f"{kind:10s} {dict(learnable[kind])}")


if __name__ == "__main__":
    main()
