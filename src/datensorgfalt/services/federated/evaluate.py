"""Alone against together, per party, on that party's own held-out rows: the party's own
model (the same kind of linear model, trained on its rows only), the joint model, and for
comparison only a model trained on all rows pooled (not possible in reality). The verdict
"besser als allein?" is the PoC's: a paired bootstrap over the same held-out rows
(``services/poc/soll.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression, Ridge

from datensorgfalt.services.federated.layout import Layout, label, merge, summarize
from datensorgfalt.services.federated.linear import JointModel
from datensorgfalt.services.federated.parties import Party
from datensorgfalt.services.poc.evaluation import PRIMARY
from datensorgfalt.services.poc.outcome import Paired, Scored
from datensorgfalt.services.poc.soll import parse_soll
from datensorgfalt.services.poc.tabular import measure, scored

Predictor = Any  # frame -> (pred, proba | None)


class _Fitted:
    """A sklearn linear model on its own layout, answering in the global classes."""

    def __init__(self, layout: Layout, model: Any, classes: list[str]) -> None:
        self.layout, self.model, self.classes = layout, model, classes

    def __call__(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        x = self.layout.encode(frame)
        if self.layout.kind == "regress":
            return self.model.predict(x), None
        proba = np.zeros((len(frame), len(self.classes)))
        if isinstance(self.model, str):  # a party that saw one class only
            proba[:, self.classes.index(self.model)] = 1.0
        else:
            for j, cls in enumerate(self.model.classes_):
                proba[:, self.classes.index(cls)] = self.model.predict_proba(x)[:, j]
        return np.asarray(self.classes, dtype=object)[proba.argmax(1)], proba


def fit_linear(train: pd.DataFrame, target: str, kind: str, classes: list[str],
               layout: Layout | None = None) -> _Fitted:
    """The same kind of model as the joint one, fitted centrally on ``train``."""
    layout = layout or merge([summarize(train, target, kind)], target, kind)
    x = layout.encode(train)
    if kind == "regress":
        return _Fitted(layout, Ridge(alpha=1.0).fit(x, pd.to_numeric(train[target])), classes)
    y = train[target].map(label).to_numpy(dtype=object)
    if len(set(y)) < 2:
        return _Fitted(layout, str(y[0]), classes)
    return _Fitted(layout, LogisticRegression(C=1.0, max_iter=3000).fit(x, y), classes)


def joint_predictor(model: JointModel) -> Predictor:
    def predict(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        if model.encoder.kind == "regress":
            return model.predict(frame), None
        return model.predict(frame), model.predict_proba(frame)
    return predict


def compare(parties: list[Party], layout: Layout, model: JointModel, pooled: bool = True
            ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Per party: alone, together, verdict; and the pooled reference."""
    kind, target, classes = layout.kind, layout.target, layout.classes
    joint = joint_predictor(model)
    reference = fit_linear(pd.concat([p.train for p in parties]), target, kind, classes,
                           layout) if pooled else None
    metric = PRIMARY[kind]
    rows = [_party_result(p, joint, reference, layout) for p in parties]
    if reference is None:
        return rows, None
    values = [r["pooled"] for r in rows if r["pooled"] is not None]
    return rows, {"value": float(np.mean(values)) if values else None, "measure": metric,
                  "note": "nur zum Vergleich; in Wirklichkeit nicht möglich",
                  "note_en": "for comparison only; not possible in reality"}


def _party_result(party: Party, joint: Predictor, reference: Predictor | None,
                  layout: Layout) -> dict[str, Any]:
    kind, target, classes = layout.kind, layout.target, layout.classes
    test = party.held_out
    if kind == "classify":
        test = test[test[target].map(label).isin(classes)]
        y = test[target].map(label).to_numpy(dtype=object)
    else:
        y = pd.to_numeric(test[target]).to_numpy(float)
    alone = fit_linear(party.train, target, kind, classes)
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
