"""The jointly trained model: a linear model on the agreed layout (logistic regression with
softmax for classes, linear regression on the scaled target for numbers), trained by full-batch
gradient descent at each party and averaged by the coordinator. ``JointModel`` is the saved
model that ``predict`` applies (same shape as a PoC's tabular model)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from datensorgfalt.services.federated.layout import Layout

L2 = 1e-3  # a small ridge: keeps weights finite when a party lacks a class or a category


def initial(layout: Layout) -> list[np.ndarray]:
    return [np.zeros((layout.width, layout.outputs)), np.zeros(layout.outputs)]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def step_size(x: np.ndarray, kind: str) -> float:
    """1 / smoothness of the loss: gradient descent with it never diverges."""
    n = max(len(x), 1)
    top = float(np.linalg.eigvalsh(x.T @ x / n)[-1]) if x.shape[1] else 1.0
    return 1.0 / ((0.5 if kind == "classify" else 1.0) * (top + 1.0) + L2)


def gradient(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, kind: str
             ) -> list[np.ndarray]:
    w, b = params
    z = x @ w + b
    if kind == "classify":
        residual = _softmax(z)
        residual[np.arange(len(y)), y] -= 1.0
    else:
        residual = z - y[:, None]
    n = max(len(x), 1)
    return [x.T @ residual / n + L2 * w, residual.mean(axis=0)]


def local_train(params: list[np.ndarray], x: np.ndarray, y: np.ndarray, kind: str,
                steps: int) -> list[np.ndarray]:
    """``steps`` full-batch gradient steps on the party's own rows."""
    lr = step_size(x, kind)
    w, b = (p.copy() for p in params)
    for _ in range(steps):
        gw, gb = gradient([w, b], x, y, kind)
        w -= lr * gw
        b -= lr * gb
    return [w, b]


def raw_scores(params: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    return x @ params[0] + params[1]


class LinearHead:
    """The fitted head in the shape ``predict`` expects of an estimator."""

    def __init__(self, params: list[np.ndarray], layout: Layout) -> None:
        self.params = [np.asarray(p, float) for p in params]
        self.kind = layout.kind
        self.classes_ = list(layout.classes)
        self.y_mean, self.y_scale = layout.y_mean, layout.y_scale

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return _softmax(raw_scores(self.params, x))

    def predict(self, x: np.ndarray) -> np.ndarray:
        if self.kind == "classify":
            return np.asarray(self.classes_, dtype=object)[self.predict_proba(x).argmax(1)]
        return raw_scores(self.params, x)[:, 0] * self.y_scale + self.y_mean


class JointModel:
    """The saved joint model: the agreed layout (``encoder``) and the linear head
    (``estimator``); ``predict`` of the PoC applies it like a PoC's tabular model."""

    def __init__(self, layout: Layout, params: list[np.ndarray]) -> None:
        self.encoder = layout
        self.estimator = LinearHead(params, layout)

    def _x(self, frame: pd.DataFrame) -> np.ndarray:
        return self.encoder.encode(frame)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.estimator.predict(self._x(frame))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.estimator.predict_proba(self._x(frame))

    def describe(self) -> dict[str, Any]:
        return {"features": self.encoder.feature_names(), "kind": self.encoder.kind}
