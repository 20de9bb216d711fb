"""A federated result computed for real on the demo customers' machine data, stored the way
the federated service stores it (contract: one ``federated`` result per run).

For the report and the web page before (and beside) the real ``federated run``: each party
trains alone on its own training part; "together" is federated averaging of a small neural
network (each round every party trains a few epochs from the shared weights, the weights are
averaged by row count); the pooled model is the same network on all training rows. All three
are judged on each party's held-out part with the PoC's verdict machinery. No number here is
written by hand.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from datensorgfalt.catalog import Catalog
from datensorgfalt.demo.partners import PARTNERS, TARGET
from datensorgfalt.engine import typed_file_frame
from datensorgfalt.services.poc.evaluation import regression_metrics
from datensorgfalt.services.poc.outcome import Paired
from datensorgfalt.services.poc.sentence import sentence
from datensorgfalt.services.poc.soll import parse_soll
from tests.helpers.company import add_result

NUMERIC = ["betriebsstunden", "last_prozent", "blechdicke_mm", "temperatur"]
CATEGORICAL = ["werkstoff"]
SEED = 7


def demo_parties(demo_root: Path) -> dict[str, pd.DataFrame]:
    """The three customers' files of a generated demo, read by the project's own reader."""
    return {p.name: typed_file_frame(demo_root / p.file) for p in PARTNERS}


def _split(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = int(round(len(frame) * 0.75))
    return frame.iloc[order[:cut]], frame.iloc[order[cut:]]


def _layout(frames: list[pd.DataFrame]) -> ColumnTransformer:
    """The agreed feature layout: imputation, scaling and categories fitted once (in a real
    federation from aggregated statistics; here the union is the same thing)."""
    layout = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(), StandardScaler()), NUMERIC),
        ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                              OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
         CATEGORICAL)])
    return layout.fit(pd.concat(frames)[NUMERIC + CATEGORICAL])


def _network() -> MLPRegressor:
    return MLPRegressor(hidden_layer_sizes=(24,), learning_rate_init=0.01, random_state=SEED,
                        max_iter=400)


def _fit(x: np.ndarray, y: np.ndarray) -> MLPRegressor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _network().fit(x, y)


def _federated_average(parts: list[tuple[np.ndarray, np.ndarray]], rounds: int,
                       epochs: int = 40) -> MLPRegressor:
    shared = _network()
    shared.partial_fit(parts[0][0][:2], parts[0][1][:2])  # the shapes of the weights
    weights = np.array([len(y) for _, y in parts], float)
    for _ in range(rounds):
        local = []
        for x, y in parts:
            model = copy.deepcopy(shared)
            for _ in range(epochs):
                model.partial_fit(x, y)
            local.append(model)
        shared.coefs_ = [np.average([m.coefs_[i] for m in local], axis=0, weights=weights)
                         for i in range(len(shared.coefs_))]
        shared.intercepts_ = [np.average([m.intercepts_[i] for m in local], axis=0,
                                         weights=weights)
                              for i in range(len(shared.intercepts_))]
    return shared


def _verdict(y: np.ndarray, alone: np.ndarray, together: np.ndarray) -> tuple[dict, dict]:
    soll = parse_soll(None, "regress")
    paired = Paired(n=len(y), model=lambda i: regression_metrics(y[i], together[i]),
                    baseline=lambda i: regression_metrics(y[i], alone[i]),
                    method="paired bootstrap of held-out rows")
    mine, base = regression_metrics(y, together), regression_metrics(y, alone)
    decided = soll.decide(paired, mine, base)
    said = sentence(soll, decided, {"name": "allein", "metrics": base},
                    {"name": "gemeinsam", "metrics": mine}, budget=0)
    return dict(decided), said


def federated_payload(frames: dict[str, pd.DataFrame], rounds: int = 10,
                      model_id: str = "fed-demo-1") -> dict[str, Any]:
    """The result of learning ``TARGET`` together across ``frames`` (party name -> rows)."""
    splits = {name: _split(frame, SEED) for name, frame in frames.items()}
    layout = _layout([train for train, _ in splits.values()])

    def xy(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return layout.transform(frame[NUMERIC + CATEGORICAL]), frame[TARGET].to_numpy(float)

    parts = [xy(train) for train, _ in splits.values()]
    together = _federated_average(parts, rounds)
    pooled = _fit(np.vstack([x for x, _ in parts]), np.concatenate([y for _, y in parts]))
    parties, pooled_errors = [], []
    for (name, (train, test)), (x_train, y_train) in zip(splits.items(), parts, strict=True):
        x, y = xy(test)
        alone = _fit(x_train, y_train).predict(x)
        joint = together.predict(x)
        pooled_errors.append(np.abs(pooled.predict(x) - y))
        decided, said = _verdict(y, alone, joint)
        parties.append({"name": name, "rows": len(train) + len(test), "rows_test": len(test),
                        "alone": round(regression_metrics(y, alone)["mae"], 3),
                        "together": round(regression_metrics(y, joint)["mae"], 3),
                        "pooled": round(float(np.mean(pooled_errors[-1])), 3),
                        "verdict": decided, "sentence": said["de"],
                        "sentence_en": said["en"]})
    privacy = {"tls": False, "dp": False, "epsilon": None, "secagg": False,
               "explanation": "Ohne Rauschen und ohne sichere Summe."}
    sent = "Gewichte des Modells und die Anzahl der Trainingszeilen, je Runde."
    weights = sum(a.size for a in together.coefs_ + together.intercepts_)
    sent_counts = {"messages": rounds, "parameters_sent": rounds * weights}
    return {
        "id": model_id, "task": "regress", "target": TARGET, "rounds": rounds,
        "measure": "mae", "measure_label": "mittlere Abweichung (MAE)", "privacy": privacy,
        "parties": parties,
        "pooled": {"value": round(float(np.mean(np.concatenate(pooled_errors))), 3),
                   "note": "nur zum Vergleich; in Wirklichkeit nicht möglich"},
        "wall_seconds": None,
        "card": {"parties": [{"name": p["name"], "rows": p["rows"], "sent": sent_counts}
                             for p in parties], "rounds": rounds,
                 "privacy": privacy, "sent_per_party": sent, "agreement": None},
    }


def store_federated(catalog: Catalog, payload: dict[str, Any]) -> None:
    add_result(catalog, "federated", None, payload, key=payload["id"])
