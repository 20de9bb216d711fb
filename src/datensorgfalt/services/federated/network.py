"""The jointly trained model: a small neural network on the agreed layout (one hidden layer
of ``HIDDEN`` ReLU units; softmax for classes, the scaled number for regression), trained at
each party for ``epochs`` passes of Adam over mini-batches of its own rows (for classes held
near the coordinator's parameters, FedProx) and averaged by the coordinator (FedAvgM); the
joint model is the mean of the coordinator's models after the last rounds. Every party starts
each round from the coordinator's parameters; the start of round 1 is drawn from a fixed
seed, for a regression then set to the ridge regression on all rows (``START``) and the joint
model chosen by the summed training error (``CHOSEN_BY_LOSS``). ``JointModel`` is the saved
model that ``predict`` applies (the shape of a PoC's tabular model)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from datensorgfalt.services.federated.layout import Layout

HIDDEN = 32
L2 = 1e-4  # keeps weights small where a party lacks a class or a category
LEARNING_RATE = 0.01
BATCH = 64
SEED = 20240611
MIN_STEPS = 30  # a small party still takes this many mini-batch steps per round
# FedProx: each party's passes are held near the coordinator's parameters by this weight, so
# a party with skewed classes does not drift to its own class shares within a round. It
# raised joint/pooled AUC on 4 of 4 development tables, on the unseen wa_churn and on
# mlc_churn; for regression it helped on the development tables but not on the unseen ones
# or on concrete (benchmarks/federated_dev.py, docs/federated.md), so not there.
PROXIMAL = {"classify": 0.1, "regress": 0.0}
# The joint model is the mean of the coordinator's models after the last rounds: FedAvgM's
# steps swing between what the parties' rows pull toward, the mean sits between the swings.
# Development tables: joint/pooled MAE 1.070 -> 1.034, AUC 1.009 -> 1.015; unseen tables:
# MAE 1.106 -> 1.051, AUC unchanged (benchmarks/federated_dev.py).
AVERAGED_ROUNDS = 5
# Regression: the network starts from the ridge regression of all parties' rows, exact from
# sums each party adds once to a secure sum (``start_statistics``): "linear" adds a fixed
# linear part of the inputs to the output; "hidden" also sets the output layer to the ridge
# regression on the starting hidden units. Ridge penalty on the scaled inputs.
START = {"classify": None, "regress": "hidden"}
RIDGE = 1.0
# With a start, the joint model is the candidate (the start, the last model, the mean of the
# last rounds) with the smallest squared training error summed over all parties.
CHOSEN_BY_LOSS = {"classify": False, "regress": True}


def start_mode(kind: str, dp: bool) -> str | None:
    """How round 1 starts (``START``), or None for the plain drawn start: with ``--dp`` the
    summed statistics would leave without noise of their own (and outside the epsilon)."""
    return None if dp else START[kind]


def candidates(start: list[np.ndarray], history: list[list[np.ndarray]]
               ) -> list[list[np.ndarray]]:
    """The joint models to choose from: the start, the last model, the mean of the last
    rounds."""
    return [start, history[-1], last_rounds_mean(history)]


def loss_sum(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    """Squared error (of the scaled number) summed over a party's training rows."""
    return float(np.sum((forward(params, x)[1][:, 0] - y) ** 2))


def _design(params: list[np.ndarray], x: np.ndarray, mode: str) -> np.ndarray:
    ones = np.ones((len(x), 1))
    if mode == "hidden":
        return np.column_stack([np.maximum(x @ params[0] + params[1], 0.0), x, ones])
    return np.column_stack([x, ones])


def start_statistics(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, mode: str
                     ) -> list[np.ndarray]:
    """What a party sends once for the start: sums over its rows of A^T A and A^T y, A the
    inputs (and the starting hidden units) plus a 1; no row. Added up over the parties they
    give the ridge regression on all rows."""
    a = _design(params, x, mode)
    return [a.T @ a, a.T @ np.asarray(y, float)[:, None]]


def packed(statistics: list[np.ndarray]) -> np.ndarray:
    """``start_statistics`` as one vector for a secure sum: A^T A on and above the diagonal
    (it is symmetric), then A^T y."""
    ata, aty = statistics
    return np.concatenate([ata[np.triu_indices(len(ata))], aty.ravel()])


def unpacked(vector: np.ndarray) -> list[np.ndarray]:
    """The statistics from a (summed) ``packed`` vector: n(n+1)/2 + n numbers for n columns."""
    n = int(round((-3 + np.sqrt(9 + 8 * len(vector))) / 2))
    upper = np.triu_indices(n)
    ata = np.zeros((n, n))
    ata[upper] = vector[:len(upper[0])]
    return [ata + np.triu(ata, 1).T, np.asarray(vector[len(upper[0]):], float).reshape(n, 1)]


def start_from(params: list[np.ndarray], statistics: list[list[np.ndarray]], mode: str
               ) -> list[np.ndarray]:
    """The start with the ridge regression on the summed statistics: the output layer (mode
    "hidden") and a fifth, fixed array, the linear part of the inputs."""
    ata = sum(s[0] for s in statistics)
    aty = sum(s[1] for s in statistics)
    penalty = RIDGE * np.eye(len(ata))
    penalty[-1, -1] = 0.0  # no penalty on the intercept
    coef = np.linalg.lstsq(ata + penalty, aty, rcond=None)[0]
    d = params[0].shape[0]
    params = [np.array(p, float) for p in params[:4]]
    if mode == "hidden":
        params[2] = coef[:HIDDEN].reshape(params[2].shape)
        params[3] = coef[-1].reshape(params[3].shape)
    else:
        params[3] = params[3] + coef[-1].reshape(params[3].shape)
    return [*params, coef[-1 - d:-1].reshape(d, -1)]


def last_rounds_mean(history: list[list[np.ndarray]]) -> list[np.ndarray]:
    """The mean of the coordinator's models after the last ``AVERAGED_ROUNDS`` rounds."""
    kept = history[-AVERAGED_ROUNDS:]
    return [np.mean([model[i] for model in kept], axis=0) for i in range(len(kept[0]))]


def passes(rows: int, epochs: int) -> int:
    """Passes over ``rows`` rows in one round: ``epochs``, more for a small party so that it
    takes at least ``MIN_STEPS`` steps (else its rows barely move the model)."""
    return max(epochs, -(-MIN_STEPS * BATCH // max(rows, 1)))


def initial(layout: Layout, seed: int = SEED) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    d, k = layout.width, layout.outputs
    return [rng.normal(0, 1 / np.sqrt(max(d, 1)), (d, HIDDEN)), np.zeros(HIDDEN),
            rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, k)), np.zeros(k)]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(params: list[np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hidden activations, raw outputs)."""
    hidden = np.maximum(x @ params[0] + params[1], 0.0)
    out = hidden @ params[2] + params[3]
    if len(params) > 4:  # the fixed linear part
        out = out + x @ params[4]
    return hidden, out


def gradient(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, kind: str
             ) -> list[np.ndarray]:
    hidden, z = forward(params, x)
    n = max(len(x), 1)
    if kind == "classify":
        residual = _softmax(z)
        residual[np.arange(len(y)), y] -= 1.0
    else:
        residual = z - y[:, None]
    residual /= n
    back = (residual @ params[2].T) * (hidden > 0)
    return [x.T @ back + L2 * params[0], back.sum(axis=0),
            hidden.T @ residual + L2 * params[2], residual.sum(axis=0)]


def local_train(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, kind: str,
                epochs: int, seed: int = SEED, proximal: float = 0.0) -> list[np.ndarray]:
    """``epochs`` passes of Adam over shuffled mini-batches of the party's own rows;
    ``proximal`` pulls the parameters toward where they started (FedProx)."""
    params = [np.array(p, float) for p in params]
    start_params = [p.copy() for p in params]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    rng = np.random.default_rng(seed)
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), BATCH):
            batch = order[start:start + BATCH]
            step += 1
            for i, g in enumerate(gradient(params, x[batch], y[batch], kind)):
                g = g + proximal * (params[i] - start_params[i])
                first[i] = 0.9 * first[i] + 0.1 * g
                second[i] = 0.999 * second[i] + 0.001 * g * g
                params[i] -= LEARNING_RATE * (first[i] / (1 - 0.9 ** step)) / (
                    np.sqrt(second[i] / (1 - 0.999 ** step)) + 1e-8)
    return params


def party_train(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, kind: str,
                epochs: int, server_round: int) -> list[np.ndarray]:
    """One party's part of round ``server_round``: its passes from the coordinator's
    parameters, held near them by ``PROXIMAL``."""
    return local_train(params, x, y, kind, passes(len(x), epochs), seed=server_round,
                       proximal=PROXIMAL[kind])


class NetworkHead:
    """The fitted network in the shape ``predict`` expects of an estimator."""

    def __init__(self, params: list[np.ndarray], layout: Layout) -> None:
        self.params = [np.asarray(p, float) for p in params]
        self.kind = layout.kind
        self.classes_ = list(layout.classes)
        self.y_mean, self.y_scale = layout.y_mean, layout.y_scale

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return _softmax(forward(self.params, x)[1])

    def predict(self, x: np.ndarray) -> np.ndarray:
        if self.kind == "classify":
            return np.asarray(self.classes_, dtype=object)[self.predict_proba(x).argmax(1)]
        return forward(self.params, x)[1][:, 0] * self.y_scale + self.y_mean


class JointModel:
    """A network with its layout: ``encoder`` (the layout) and ``estimator`` (the network);
    ``predict`` of the PoC applies it like a PoC's tabular model."""

    def __init__(self, layout: Layout, params: list[np.ndarray]) -> None:
        self.encoder = layout
        self.estimator = NetworkHead(params, layout)

    def _x(self, frame: pd.DataFrame) -> np.ndarray:
        return self.encoder.encode(frame)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.estimator.predict(self._x(frame))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.estimator.predict_proba(self._x(frame))

    def describe(self) -> dict[str, Any]:
        return {"features": self.encoder.feature_names(), "kind": self.encoder.kind}


def train_alone(layout: Layout, frame: pd.DataFrame, rounds: int, epochs: int) -> JointModel:
    """The same network trained centrally on ``frame`` (a party alone, or pooled rows) with
    as many passes as ``rounds`` rounds of the joint training would give it."""
    x, y = layout.encode(frame), layout.encode_target(frame[layout.target])
    total = rounds * passes(len(frame), epochs)
    params, mode = initial(layout), START[layout.kind]
    if mode:
        params = start_from(params, [start_statistics(params, x, y, mode)], mode)
    return JointModel(layout, local_train(params, x, y, layout.kind, total))
