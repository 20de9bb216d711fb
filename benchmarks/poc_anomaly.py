"""Anomaly PoC on labelled series that ship with sktime (Yahoo series, MIT-BIH ECG excerpt):
precision, recall and F1 of flagged points (a label counts as found when a warning lies
within a few readings of it) for the fixed-limit baseline and the PoC model.

Run: ``.venv/bin/python benchmarks/poc_anomaly.py`` (needs the ``bench`` extra: sktime).
"""

from __future__ import annotations

import time
from importlib import resources

import pandas as pd

from datensorgfalt.services.poc.anomaly import run_anomaly
from datensorgfalt.services.poc.budget import Deadline


def labelled(name: str) -> pd.DataFrame:
    path = resources.files("sktime.datasets").joinpath("data", name, f"{name}.csv")
    frame = pd.read_csv(str(path))
    frame.insert(0, "time", pd.date_range("2024-01-01", periods=len(frame), freq="h"))
    return frame


def main() -> None:
    print(f"{'series':8s} {'method':55s} {'prec':>6s} {'recall':>6s} {'F1':>6s} {'F1/base':>8s}")
    for name in ("yahoo", "mitdb"):
        frame = labelled(name)
        start = time.monotonic()
        outcome = run_anomaly(frame, "time", ["data"], Deadline(60), label="label")
        seconds = time.monotonic() - start
        base, model = outcome.baseline.metrics, outcome.model.metrics
        for who, m in (("Ist: " + outcome.baseline.name, base), (outcome.model.name, model)):
            ratio = m["f1"] / base["f1"] if base["f1"] else float("inf")
            print(f"{name:8s} {who:55s} {m['precision']:6.3f} {m['recall']:6.3f} "
                  f"{m['f1']:6.3f} {ratio:8.2f}")
        print(f"{name:8s} {len(frame)} readings, {int(frame['label'].sum())} labelled, "
              f"evaluated after the reference part, {seconds:.1f} s")


if __name__ == "__main__":
    main()
