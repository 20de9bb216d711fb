"""Alone against together, per party, on that party's own held-out rows: the party's own
model (the same network, trained on its rows only), the joint model, and for
comparison only a model trained on all rows pooled (not possible in reality). The verdict
"besser als allein?" is the PoC's: a paired bootstrap over the same held-out rows
(``services/poc/soll.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from datensorgfalt.services.federated.layout import Layout, label, merge, summarize
from datensorgfalt.services.federated.network import JointModel, train_alone
from datensorgfalt.services.federated.parties import Party
from datensorgfalt.services.poc.evaluation import PRIMARY
from datensorgfalt.services.poc.outcome import Paired, Scored
from datensorgfalt.services.poc.soll import parse_soll
from datensorgfalt.services.poc.tabular import measure, scored

Predictor = Any  # frame -> (pred, proba | None)


class _Constant:
    """A party that saw one class only: its own model always says that class."""

    def __init__(self, value: str, classes: list[str]) -> None:
        self.value, self.classes = value, classes

    def __call__(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        proba = np.zeros((len(frame), len(self.classes)))
        proba[:, self.classes.index(self.value)] = 1.0
        return np.full(len(frame), self.value, dtype=object), proba


def joint_predictor(model: JointModel) -> Predictor:
    def predict(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        if model.encoder.kind == "regress":
            return model.predict(frame), None
        return model.predict(frame), model.predict_proba(frame)
    return predict


def fit_alone(train: pd.DataFrame, target: str, kind: str, classes: list[str],
              training: tuple[int, int], layout: Layout | None = None) -> Predictor:
    """The same network as the joint one, trained centrally on ``train`` for as many rounds
    of passes as the joint one (``training``: rounds, passes per round), with a layout from
    ``train``'s own sums (or ``layout``), answering in the global ``classes``."""
    own = layout or merge([summarize(train, target, kind)], target, kind)
    if kind == "classify":
        seen = sorted(set(train[target].map(label)))
        if len(seen) < 2:
            return _Constant(seen[0], classes)
        own.classes = classes  # every class of the federation, in its order
    return joint_predictor(train_alone(own, train, *training))


def compare(parties: list[Party], layout: Layout, model: JointModel,
            training: tuple[int, int], pooled: bool = True
            ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Per party: alone, together, verdict; and the pooled reference."""
    kind, target, classes = layout.kind, layout.target, layout.classes
    joint = joint_predictor(model)
    reference = fit_alone(pd.concat([p.train for p in parties]), target, kind, classes,
                          training, layout) if pooled else None
    metric = PRIMARY[kind]
    rows = [_party_result(p, joint, reference, layout, training) for p in parties]
    if reference is None:
        return rows, None
    values = [r["pooled"] for r in rows if r["pooled"] is not None]
    return rows, {"value": float(np.mean(values)) if values else None, "measure": metric,
                  "note": "nur zum Vergleich; in Wirklichkeit nicht möglich",
                  "note_en": "for comparison only; not possible in reality"}


def _party_result(party: Party, joint: Predictor, reference: Predictor | None,
                  layout: Layout, training: tuple[int, int]) -> dict[str, Any]:
    kind, target, classes = layout.kind, layout.target, layout.classes
    test = party.held_out
    if kind == "classify":
        test = test[test[target].map(label).isin(classes)]
        y = test[target].map(label).to_numpy(dtype=object)
    else:
        y = pd.to_numeric(test[target]).to_numpy(float)
    alone = fit_alone(party.train, target, kind, classes, training)
    scores: dict[str, Scored] = {}
    preds: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    named = {"alone": alone, "together": joint} | ({"pooled": reference} if reference else {})
    for name, predictor in named.items():
        preds[name] = predictor(test)
        scores[name] = scored(name, y, *preds[name], kind, classes)
    paired = Paired(len(y), measure(y, *preds["together"], kind, classes),
                    measure(y, *preds["alone"], kind, classes),
                    "paired bootstrap over the party's held-out rows", "rows")
    verdict = parse_soll(None, kind).decide(paired, scores["together"].metrics,
                                            scores["alone"].metrics)
    metric = PRIMARY[kind]
    return {
        "name": party.name, "source": party.source, "rows": len(party.frame),
        "rows_train": len(party.train), "rows_test": len(y), "split": party.split,
        "alone": scores["alone"].metrics.get(metric),
        "together": scores["together"].metrics.get(metric),
        "pooled": scores["pooled"].metrics.get(metric) if "pooled" in scores else None,
        "metrics_alone": scores["alone"].metrics, "metrics_together": scores["together"].metrics,
        "metrics_pooled": scores["pooled"].metrics if "pooled" in scores else None,
        "intervals_alone": scores["alone"].intervals,
        "intervals_together": scores["together"].intervals,
        "classes_seen": sorted(set(party.train[target].map(label))) if kind == "classify"
        else None,
        "verdict": verdict,
    }
