"""Metrics for every PoC kind, with bootstrap intervals. One place, so baseline and model
are always measured the same way.

Ratio metrics (accuracy, recall, F1, AUC, R²) are fractions 0..1; error percentages
(WAPE, sMAPE, MAPE) are percent values 0..100 (sMAPE up to 200).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn import metrics as skm

LOWER_IS_BETTER = {"wape", "smape", "mape", "mase", "mae", "rmse", "bias", "false_alarms_per_30d",
                   "lead_time_missed"}
PERCENT_METRICS = {"wape", "smape", "mape"}
# the kind's main measure; for texts the balanced accuracy (mean hit rate per label): at chance
# it is 1/labels whatever the labels are predicted in, so neither side gains from how often
# it says a label (macro-F1 favours spreading the labels, accuracy favours the majority)
PRIMARY = {"forecast": "wape", "classify": "auc", "regress": "mae", "anomaly": "f1",
           "text": "balanced_accuracy", "image": "macro_f1"}
SEED = 20240611
#: From this many series on, a backtest is judged by resampling whole series (else points)
MIN_SERIES = 10


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
    nonzero = np.abs(y) > 1e-9
    out["mape"] = float(100 * np.mean(np.abs((y[nonzero] - f[nonzero]) / y[nonzero]))) \
        if nonzero.any() else float("nan")
    if scales is not None:
        scaled = np.abs(y - f) / scales
        out["mase"] = float(np.nanmean(scaled)) if np.isfinite(scaled).any() else float("nan")
    return out


# -- tables ----------------------------------------------------------------------------------
def binary_auc(truth: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC by the rank-sum (Mann-Whitney) formula; ties get average ranks."""
    from scipy.stats import rankdata

    truth = np.asarray(truth, bool)
    positives, negatives = int(truth.sum()), int((~truth).sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[truth].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def classification_metrics(y: np.ndarray, pred: np.ndarray, proba: np.ndarray | None,
                           classes: list) -> dict:
    """Accuracy, balanced accuracy, macro-F1, AUC (one-vs-rest for several classes) and, for
    two classes, recall/precision/F1 of the second class (numpy: fast enough to bootstrap)."""
    y, pred = np.asarray(y), np.asarray(pred)
    recalls, f1s = [], []
    per_class = {}
    for cls in classes:
        truth, said = y == cls, pred == cls
        hit = int(np.sum(truth & said))
        recall = hit / truth.sum() if truth.sum() else float("nan")
        precision = hit / said.sum() if said.sum() else 0.0
        rec0 = 0.0 if np.isnan(recall) else recall
        f1 = 2 * precision * rec0 / (precision + rec0) if precision + rec0 > 0 else 0.0
        per_class[cls] = (recall, precision, f1)
        if truth.sum():
            recalls.append(recall)
            f1s.append(f1)
    out = {
        "accuracy": float(np.mean(y == pred)) if len(y) else float("nan"),
        "balanced_accuracy": float(np.mean(recalls)) if recalls else float("nan"),
        "macro_f1": float(np.mean(f1s)) if f1s else float("nan"),
    }
    if proba is not None and len(classes) >= 2:
        if len(classes) == 2:
            out["auc"] = binary_auc(y == classes[1], proba[:, 1])
        else:
            aucs = [binary_auc(y == c, proba[:, j]) for j, c in enumerate(classes)]
            aucs = [a for a in aucs if np.isfinite(a)]
            out["auc"] = float(np.mean(aucs)) if aucs else float("nan")
    if len(classes) == 2:
        recall, precision, f1 = per_class[classes[1]]
        out |= {"recall": float(recall), "precision": float(precision), "f1": float(f1)}
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
    hit = float(np.sum(truth & flagged))
    precision = hit / flagged.sum() if flagged.sum() else 0.0
    recall = hit / truth.sum() if truth.sum() else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1)}


# -- intervals -------------------------------------------------------------------------------
def bootstrap_intervals(metrics: Callable[[np.ndarray], dict], n: int, keys: list[str], *,
                        groups: np.ndarray | None = None, rounds: int = 200,
                        level: float = 0.9) -> dict[str, list[float]]:
    """Percentile bootstrap of several metrics at once; resamples whole groups when given."""
    rng = np.random.default_rng(SEED)
    values: dict[str, list[float]] = {k: [] for k in keys}
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
            result = metrics(idx)
        except ValueError:
            continue
        for key in keys:
            value = result.get(key)
            if value is not None and np.isfinite(value):
                values[key].append(value)
    tail = (1 - level) / 2 * 100
    return {k: [float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))]
            for k, v in values.items() if v}


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


def resample_indices(n: int, groups: np.ndarray | None, rounds: int,
                     seed: int = SEED) -> list[np.ndarray]:
    """Bootstrap resamples of ``n`` units; whole groups when given (duplicates, series, time
    blocks stay together). The same resamples serve model and baseline: a paired comparison."""
    rng = np.random.default_rng(seed)
    if groups is None or len(np.unique(groups)) < 2:
        return [rng.integers(0, n, size=n) for _ in range(rounds)]
    unique, inverse = np.unique(groups, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    members = np.split(order, np.cumsum(np.bincount(inverse))[:-1])
    return [np.concatenate([members[g] for g in rng.integers(0, len(unique), len(unique))])
            for _ in range(rounds)]


def cv_spread(folds: int) -> float:
    """How much wider the differences of out-of-fold predictions of a ``folds``-fold
    cross-validation vary than a bootstrap of them shows (Nadeau and Bengio's correction)."""
    return float(np.sqrt(1 + folds / max(folds - 1, 1)))


def widened(samples: np.ndarray, spread: float) -> np.ndarray:
    return samples if spread == 1.0 else samples.mean() + spread * (samples - samples.mean())


def only(measure: Callable[..., dict], metric: str) -> Callable[[np.ndarray], dict]:
    """``measure`` asked for ``metric`` alone when it can skip the others (see ``Measure``)."""
    try:
        takes_keys = len(inspect.signature(measure).parameters) >= 2
    except (TypeError, ValueError):
        return measure
    return (lambda idx: measure(idx, (metric,))) if takes_keys else measure


def paired_samples(model: Callable[[np.ndarray], dict], baseline: Callable[[np.ndarray], dict],
                   n: int, metric: str, groups: np.ndarray | None = None,
                   rounds: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """(model values, baseline values) of ``metric`` on the same resamples; resamples where
    either is undefined are left out."""
    mine, base = [], []
    model, baseline = only(model, metric), only(baseline, metric)
    for idx in resample_indices(n, groups, rounds):
        try:
            a, b = model(idx).get(metric), baseline(idx).get(metric)
        except (ValueError, ZeroDivisionError):
            continue
        if a is not None and b is not None and np.isfinite(a) and np.isfinite(b):
            mine.append(a)
            base.append(b)
    return np.asarray(mine, float), np.asarray(base, float)


def paired_backtest(model_bt: Any, base_bt: Any, min_series: int = MIN_SERIES,
                    freq: str | None = None) -> Any:
    """Model and baseline on the same backtest points (series, window, date); whole series are
    resampled when there are at least ``min_series`` of them, single points otherwise (then,
    with ``freq``, a longer history is what more data means: each period of it is tested)."""
    from datensorgfalt.services.poc.outcome import Paired

    keys = ["unique_id", "ds", "window"]
    joined = model_bt[keys + ["y", "yhat", "scale"]].merge(
        base_bt[keys + ["yhat"]].rename(columns={"yhat": "base"}), on=keys
    ).dropna(subset=["y", "yhat", "base"])
    if joined.empty:
        return None
    y, f, b, s = (joined[c].to_numpy(float) for c in ("y", "yhat", "base", "scale"))
    many = joined["unique_id"].nunique() >= min_series
    return Paired(len(joined), lambda idx, keys=None: forecast_metrics(y[idx], f[idx], s[idx]),
                  lambda idx, keys=None: forecast_metrics(y[idx], b[idx], s[idx]),
                  "paired bootstrap over backtest " + ("series" if many else "points"),
                  "series" if many else "points", backtest_groups(joined, min_series),
                  period=None if many else freq, series=int(joined["unique_id"].nunique()))


def backtest_groups(frame: Any, min_series: int = MIN_SERIES) -> np.ndarray:
    """What a resample draws whole: a series when there are at least ``min_series``, else a
    point in time of a series (the forecasts of one month from several origins share its
    surprises, so they count as one unit, not as several)."""
    if frame["unique_id"].nunique() >= min_series:
        return frame["unique_id"].to_numpy()
    keys = frame["unique_id"].astype(str) + "|" + frame["ds"].astype(str)
    return np.unique(keys.to_numpy(), return_inverse=True)[1]
