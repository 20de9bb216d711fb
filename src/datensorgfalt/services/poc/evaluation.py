"""Metrics for every PoC kind, with bootstrap intervals. One place, so baseline and model
are always measured the same way.

Ratio metrics (accuracy, recall, F1, AUC, R²) are fractions 0..1; error percentages
(WAPE, sMAPE, MAPE) are percent values 0..100 (sMAPE up to 200).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn import metrics as skm

LOWER_IS_BETTER = {"wape", "smape", "mape", "mase", "mae", "rmse", "bias", "false_alarms_per_30d",
                   "lead_time_missed"}
PERCENT_METRICS = {"wape", "smape", "mape"}
PRIMARY = {"forecast": "wape", "classify": "auc", "regress": "mae", "anomaly": "f1",
           "text": "macro_f1"}
SEED = 20240611


def lower_is_better(metric: str) -> bool:
    return metric in LOWER_IS_BETTER


# -- forecasts -----------------------------------------------------------------------------
def wape(y: np.ndarray, f: np.ndarray) -> float:
    denom = np.sum(np.abs(y))
    return float(100 * np.sum(np.abs(y - f)) / denom) if denom > 0 else float("nan")


def smape(y: np.ndarray, f: np.ndarray) -> float:
    denom = np.abs(y) + np.abs(f)
    terms = np.where(denom > 0, 2 * np.abs(y - f) / np.where(denom > 0, denom, 1), 0.0)
    return float(100 * np.mean(terms))


def mase_scale(history: np.ndarray, season: int) -> float:
    """Mean absolute seasonal-naive error in-sample: the MASE denominator of one series."""
    lag = season if len(history) > season else 1
    diffs = np.abs(history[lag:] - history[:-lag])
    scale = float(np.mean(diffs)) if len(diffs) else float("nan")
    return scale if scale > 0 else float("nan")


def forecast_metrics(y: np.ndarray, f: np.ndarray, scales: np.ndarray | None = None) -> dict:
    """Metrics over all test points; ``scales`` (per point) gives MASE."""
    y, f = np.asarray(y, float), np.asarray(f, float)
    out = {
        "wape": wape(y, f),
        "smape": smape(y, f),
        "mae": float(np.mean(np.abs(y - f))),
        "rmse": float(np.sqrt(np.mean((y - f) ** 2))),
        "bias": float(np.mean(f - y)),
    }
    if scales is not None:
        scaled = np.abs(y - f) / scales
        out["mase"] = float(np.nanmean(scaled)) if np.isfinite(scaled).any() else float("nan")
    return out


# -- tables ----------------------------------------------------------------------------------
def classification_metrics(y: np.ndarray, pred: np.ndarray, proba: np.ndarray | None,
                           classes: list) -> dict:
    out = {
        "accuracy": float(skm.accuracy_score(y, pred)),
        "balanced_accuracy": float(skm.balanced_accuracy_score(y, pred)),
        "macro_f1": float(skm.f1_score(y, pred, average="macro", zero_division=0)),
    }
    if proba is not None and len(classes) >= 2 and len(set(y)) >= 2:
        try:
            if len(classes) == 2:
                out["auc"] = float(skm.roc_auc_score(y == classes[1], proba[:, 1]))
            else:
                out["auc"] = float(skm.roc_auc_score(y, proba, multi_class="ovr",
                                                     labels=classes))
        except ValueError:
            pass
    if len(classes) == 2:
        positive = classes[1]
        out["recall"] = float(skm.recall_score(y, pred, pos_label=positive, zero_division=0))
        out["precision"] = float(skm.precision_score(y, pred, pos_label=positive,
                                                     zero_division=0))
        out["f1"] = float(skm.f1_score(y, pred, pos_label=positive, zero_division=0))
    return out


def regression_metrics(y: np.ndarray, pred: np.ndarray) -> dict:
    y, pred = np.asarray(y, float), np.asarray(pred, float)
    nonzero = np.abs(y) > 1e-12
    return {
        "mae": float(skm.mean_absolute_error(y, pred)),
        "rmse": float(np.sqrt(skm.mean_squared_error(y, pred))),
        "r2": float(skm.r2_score(y, pred)) if len(y) > 1 else float("nan"),
        "mape": float(100 * np.mean(np.abs((y[nonzero] - pred[nonzero]) / y[nonzero])))
        if nonzero.any() else float("nan"),
        "wape": wape(y, pred),
    }


def binary_detection_metrics(truth: np.ndarray, flagged: np.ndarray) -> dict:
    truth, flagged = np.asarray(truth, bool), np.asarray(flagged, bool)
    return {
        "precision": float(skm.precision_score(truth, flagged, zero_division=0)),
        "recall": float(skm.recall_score(truth, flagged, zero_division=0)),
        "f1": float(skm.f1_score(truth, flagged, zero_division=0)),
    }


# -- intervals -------------------------------------------------------------------------------
def bootstrap_interval(score: Callable[[np.ndarray], float], n: int, *, groups: np.ndarray | None
                       = None, rounds: int = 200, level: float = 0.9) -> tuple[float, float]:
    """Percentile bootstrap of ``score(indices)``; resamples whole groups when given."""
    rng = np.random.default_rng(SEED)
    values = []
    if groups is not None:
        unique = np.unique(groups)
        members = {g: np.flatnonzero(groups == g) for g in unique}
    for _ in range(rounds):
        if groups is not None and len(unique) > 1:
            picked = rng.choice(unique, size=len(unique), replace=True)
            idx = np.concatenate([members[g] for g in picked])
        else:
            idx = rng.integers(0, n, size=n)
        try:
            value = score(idx)
        except ValueError:
            continue
        if np.isfinite(value):
            values.append(value)
    if not values:
        return (float("nan"), float("nan"))
    tail = (1 - level) / 2 * 100
    return (float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail)))


def clean(metrics: dict) -> dict:
    """Rounded, JSON-safe metrics (NaN -> None)."""
    out = {}
    for key, value in metrics.items():
        if isinstance(value, dict):
            out[key] = clean(value)
        elif isinstance(value, list | tuple):
            out[key] = [None if v is None or not np.isfinite(v) else round(float(v), 4)
                        for v in value]
        elif value is None or (isinstance(value, float) and not np.isfinite(value)):
            out[key] = None
        else:
            out[key] = round(float(value), 4)
    return out
