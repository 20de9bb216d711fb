"""Classification and regression PoC on a table: majority class / mean ("Ist") against a
small, time-boxed search over LightGBM settings and a linear model.

Honest evaluation: a held-out part (stratified, or the newest rows when a date column is
given) is touched once, at the end; the search itself uses cross-validation on the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import (
    GroupKFold,
    GroupShuffleSplit,
    StratifiedGroupKFold,
)

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.poc import evaluation as ev
from datensorgfalt.services.poc.budget import Deadline, run_step
from datensorgfalt.services.poc.features import TableEncoder, split_columns
from datensorgfalt.services.poc.leakage import telling_columns
from datensorgfalt.services.poc.outcome import Measure, Outcome, Paired, Scored
from datensorgfalt.services.poc.series import both

SEED = 11
HOLDOUT = 0.2


class TargetUnusable(DatensorgfaltError):
    """The target column cannot be learned (one class only, constant, too few rows)."""


@dataclass
class TableModel:
    """Encoder + estimator; ``predict``/``predict_proba`` take raw frames."""

    encoder: TableEncoder
    estimator: Any
    kind: str
    classes: list = field(default_factory=list)
    linear: bool = False

    def _x(self, frame: pd.DataFrame) -> Any:
        return self.encoder.dense(frame) if self.linear else self.encoder.transform(frame)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        if self.kind == "classify":
            return np.asarray(self.classes, dtype=object)[self.predict_proba(frame).argmax(1)]
        return self.estimator.predict(self._x(frame))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.estimator.predict_proba(self._x(frame))


def _lgbm_space(rng: np.random.Generator, first: bool) -> dict:
    if first:
        return {"num_leaves": 31, "learning_rate": 0.05, "n_estimators": 500,
                "min_child_samples": 20, "subsample": 0.9, "colsample_bytree": 0.8,
                "reg_lambda": 1.0}
    return {
        "num_leaves": int(rng.choice([7, 15, 31, 63])),
        "learning_rate": float(rng.choice([0.02, 0.05, 0.1])),
        "n_estimators": int(rng.choice([150, 300, 600, 1000])),
        "min_child_samples": int(rng.choice([5, 10, 20, 40])),
        "subsample": float(rng.choice([0.7, 0.85, 1.0])),
        "colsample_bytree": float(rng.choice([0.5, 0.7, 0.9, 1.0])),
        "reg_lambda": float(rng.choice([0.0, 1.0, 5.0])),
    }


def _make_lgbm(kind: str, params: dict, n_rows: int) -> Any:
    import lightgbm as lgb

    params = dict(params)
    params["min_child_samples"] = min(params["min_child_samples"], max(2, n_rows // 10))
    cls = lgb.LGBMClassifier if kind == "classify" else lgb.LGBMRegressor
    return cls(subsample_freq=1, random_state=SEED, n_jobs=1, verbose=-1, **params)


def _make_linear(kind: str) -> Any:
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    last = LogisticRegression(max_iter=2000, C=1.0) if kind == "classify" else \
        RidgeCV(alphas=np.logspace(-3, 3, 13))
    return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), last)


class OutOfTime(Exception):
    """Raised inside LightGBM's training loop when the budget is used up."""


def stop_at(deadline: Deadline, grace: float = 1.0) -> Any:
    def callback(_env: Any) -> None:
        if deadline.left < -grace or deadline.interrupted:
            raise OutOfTime()
    return callback


def _cv_score(model_factory: Any, X: Any, y: np.ndarray, kind: str, folds: Any,
              classes: list, deadline: Deadline | None = None) -> float:
    """Mean CV score, higher is better (AUC / macro-F1 for classes, -MAE for numbers)."""
    scores = []
    for train_idx, test_idx in folds:
        model = model_factory()
        Xtr = X.iloc[train_idx] if hasattr(X, "iloc") else X[train_idx]
        Xte = X.iloc[test_idx] if hasattr(X, "iloc") else X[test_idx]
        if deadline is not None and type(model).__name__.startswith("LGBM"):
            model.fit(Xtr, y[train_idx], callbacks=[stop_at(deadline)])
        else:
            model.fit(Xtr, y[train_idx])
        if kind == "classify":
            proba = _full_proba(model, Xte, classes)
            scores.append(_class_score(y[test_idx], proba, classes))
        else:
            scores.append(-float(np.mean(np.abs(y[test_idx] - model.predict(Xte)))))
    return float(np.mean(scores))


def _full_proba(model: Any, X: Any, classes: list) -> np.ndarray:
    proba = model.predict_proba(X)
    out = np.zeros((proba.shape[0], len(classes)))
    seen = list(model.classes_ if hasattr(model, "classes_") else model[-1].classes_)
    for j, cls in enumerate(seen):
        out[:, classes.index(cls)] = proba[:, j]
    return out


def _class_score(y: np.ndarray, proba: np.ndarray, classes: list) -> float:
    metrics = ev.classification_metrics(y, np.asarray(classes, dtype=object)[proba.argmax(1)],
                                        proba, classes)
    return metrics.get("auc", metrics["macro_f1"])


def search(train: pd.DataFrame, target: str, kind: str, deadline: Deadline,
           encoder: TableEncoder, date: str | None = None
           ) -> tuple[TableModel, list[dict]]:
    """Time-boxed search inside the training part only; returns the best model refitted on
    ``train`` and the trial list."""
    y = _target(train[target], kind)
    classes = sorted(pd.unique(y).tolist(), key=str) if kind == "classify" else []
    X, Xd = encoder.transform(train), encoder.dense(train)
    folds = list(_folds(y, kind, duplicate_groups(train),
                        train[date] if date else None))
    rng = np.random.default_rng(SEED)
    trials: list[dict] = []
    linear = run_step(deadline, "linear", lambda: _cv_score(lambda: _make_linear(kind), Xd, y,
                                                          kind, folds, classes), grace=3)
    if linear is not None:
        trials.append({"name": "linear", "params": {}, "score": linear})
    first = True
    while not deadline.interrupted:
        params = _lgbm_space(rng, first)
        estimate = max([d for s, d in deadline.durations.items() if s.startswith("lightgbm")],
                       default=0.0)
        step = f"lightgbm-{len(trials)}"
        result = run_step(deadline, step, lambda p=params: _cv_score(
            lambda: _make_lgbm(kind, p, len(y)), X, y, kind, folds, classes, deadline),
            estimate=estimate * 1.2 + 1.0, grace=3)
        first = False
        if result is None:
            break
        trials.append({"name": "lightgbm", "params": params, "score": result})
    if not trials:
        return None, trials
    best = max(trials, key=lambda t: t["score"])
    if best["name"] == "linear":
        model = TableModel(encoder, _make_linear(kind).fit(Xd, y), kind, classes, linear=True)
    else:
        model = TableModel(encoder, _make_lgbm(kind, best["params"], len(y)).fit(X, y), kind,
                           classes)
    return model, trials


def _folds(y: np.ndarray, kind: str, groups: np.ndarray | None = None,
           dates: pd.Series | None = None) -> Any:
    """Inner cross-validation on the training part: time-ordered when there is a date
    (train on the past, check on the next span), otherwise stratified; exact duplicate rows
    (``groups``) always stay in one fold."""
    groups = np.arange(len(y)) if groups is None else groups
    if dates is not None:
        return time_folds(dates, 4 if len(y) >= 100 else 3)
    if kind == "classify":
        wanted = 3 if len(y) >= 1000 else 5
        splitter = StratifiedGroupKFold(n_splits=max(2, min(wanted, groups_per_class(
            y, groups))), shuffle=True, random_state=SEED)
        return splitter.split(np.zeros(len(y)), y, groups)
    wanted = 5 if 50 <= len(y) < 1000 else 3
    return GroupKFold(n_splits=max(2, min(wanted, len(np.unique(groups)))), shuffle=True,
                      random_state=SEED).split(np.zeros(len(y)), y, groups)


def groups_per_class(y: np.ndarray, groups: np.ndarray) -> int:
    """The fewest distinct groups any class has (folds cannot be more than that)."""
    return int(pd.DataFrame({"y": y, "g": groups}).groupby("y")["g"].nunique().min())


def time_folds(dates: pd.Series, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Expanding-window folds over the distinct dates: train on everything before a cut,
    check on the span up to the next cut. Rows of one date never fall on both sides."""
    values = pd.to_datetime(dates, errors="coerce").to_numpy()
    distinct = np.unique(values[~pd.isna(values)])
    if len(distinct) < k + 1:  # too few dates: the older half against the newer half
        order = np.argsort(values, kind="stable")
        return [(order[:len(order) // 2], order[len(order) // 2:])]
    cuts = [distinct[int(len(distinct) * i / (k + 1))] for i in range(1, k + 1)]
    cuts.append(distinct[-1] + np.timedelta64(1, "ns"))
    folds = []
    for start, end in zip(cuts[:-1], cuts[1:], strict=True):
        train = np.flatnonzero(values < start)
        test = np.flatnonzero((values >= start) & (values < end))
        if len(train) and len(test):
            folds.append((train, test))
    return folds


def duplicate_groups(frame: pd.DataFrame) -> np.ndarray:
    """One id per distinct row: exact duplicates share it (and so stay on one side)."""
    hashed = pd.util.hash_pandas_object(frame.astype("string"), index=False).to_numpy()
    return pd.factorize(hashed)[0]


def _target(values: pd.Series, kind: str) -> np.ndarray:
    if kind == "classify":
        return values.astype("string").to_numpy(dtype=object)
    return pd.to_numeric(values, errors="coerce").to_numpy(float)


def check_target(frame: pd.DataFrame, target: str, kind: str) -> pd.DataFrame:
    """Rows with a target value; clear errors for targets that cannot be learned."""
    frame = frame[frame[target].notna()]
    if kind == "regress":
        values = pd.to_numeric(frame[target], errors="coerce")
        frame = frame[values.notna()]
        if len(frame) < 10:
            raise TargetUnusable("poc.error.too_few_rows", n=len(frame), column=target)
        if values.dropna().nunique() <= 1:
            raise TargetUnusable("poc.error.constant_target", column=target)
        return frame
    counts = frame[target].astype("string").value_counts()
    if len(counts) < 2:
        raise TargetUnusable("poc.error.one_class", column=target,
                             value=counts.index[0] if len(counts) else "-")
    if counts.min() < 2 or len(frame) < 10:
        raise TargetUnusable("poc.error.class_too_small", column=target,
                             value=counts.idxmin(), n=int(counts.min()))
    return frame


def holdout_split(frame: pd.DataFrame, target: str, kind: str, date: str | None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The evaluation part, touched once at the end: the newest dates when there is a date
    column, otherwise about a fifth of the rows (stratified); exact duplicates stay together."""
    groups = duplicate_groups(frame)
    if date:
        when = pd.to_datetime(frame[date], errors="coerce")
        cut = when.quantile(1 - HOLDOUT)
        newest = (when >= cut).to_numpy() if when.notna().any() else np.zeros(len(frame), bool)
        if 0 < newest.sum() < len(frame):
            return frame[~newest], frame[newest], "time"
    if kind == "classify":
        splitter = StratifiedGroupKFold(n_splits=round(1 / HOLDOUT), shuffle=True,
                                        random_state=SEED)
        train_idx, test_idx = next(splitter.split(frame, frame[target].astype("string"),
                                                  groups))
    else:
        train_idx, test_idx = next(GroupShuffleSplit(n_splits=1, test_size=HOLDOUT,
                                                     random_state=SEED).split(frame,
                                                                              groups=groups))
    how = "stratified" if kind == "classify" else "random"
    return frame.iloc[train_idx], frame.iloc[test_idx], how


def baseline_predict(train_y: np.ndarray, n: int, kind: str, classes: list
                     ) -> tuple[np.ndarray, np.ndarray | None, str]:
    if kind == "classify":
        majority = pd.Series(train_y).value_counts().idxmax()
        share = pd.Series(train_y).value_counts(normalize=True)
        proba = np.tile([share.get(c, 0.0) for c in classes], (n, 1))
        return np.full(n, majority, dtype=object), proba, f"Mehrheitsklasse ({majority})"
    return np.full(n, float(np.mean(train_y))), None, "Mittelwert"


def measure(y: np.ndarray, pred: np.ndarray, proba: np.ndarray | None, kind: str,
            classes: list) -> Measure:
    """The metrics of ``pred`` on any subset of the rows (for bootstrap resamples)."""
    if kind == "classify":  # integer codes: the metrics are much faster than on strings
        codes = {c: i for i, c in enumerate(classes)}
        y = np.array([codes[v] for v in y])
        pred = np.array([codes.get(v, -1) for v in pred])
        classes = list(range(len(classes)))

    def metrics(idx: np.ndarray) -> dict:
        if kind == "classify":
            return ev.classification_metrics(y[idx], pred[idx],
                                             None if proba is None else proba[idx], classes)
        return ev.regression_metrics(y[idx], pred[idx])
    return metrics


def scored(name: str, y: np.ndarray, pred: np.ndarray, proba: np.ndarray | None, kind: str,
           classes: list, groups: np.ndarray | None = None) -> Scored:
    metrics = measure(y, pred, proba, kind, classes)
    full = metrics(np.arange(len(y)))
    keys = ["auc", "macro_f1", "accuracy", "balanced_accuracy", "recall"] \
        if kind == "classify" else \
        ["mae", "rmse", "r2"]
    intervals = ev.bootstrap_intervals(metrics, len(y), [k for k in keys if k in full],
                                       groups=groups)
    return Scored(name, ev.clean(full), ev.clean(intervals))


def run_table(frame: pd.DataFrame, target: str, kind: str, deadline: Deadline,
              date: str | None = None) -> Outcome:
    frame = check_target(frame, target, kind)
    numeric, categorical, dates, dropped = split_columns(frame, target)
    left_out = telling_columns(frame, target, kind, numeric + categorical)
    leaked = {c["column"] for c in left_out}
    numeric = [c for c in numeric if c not in leaked]
    categorical = [c for c in categorical if c not in leaked]
    if not (numeric or categorical or dates):
        raise TargetUnusable("poc.error.no_features", column=target)
    train, test, how = holdout_split(frame, target, kind, date)
    if kind == "classify" and train[target].astype("string").nunique() < 2:
        raise TargetUnusable("poc.error.one_class", column=target, value="-")
    encoder = TableEncoder(numeric, categorical, dates).fit(train)
    model, trials = search(train, target, kind, deadline, encoder, date)
    y_train, y_test = _target(train[target], kind), _target(test[target], kind)
    classes = sorted(pd.unique(_target(frame[target], kind)).tolist(), key=str) \
        if kind == "classify" else []
    groups = duplicate_groups(test)
    base_pred, base_proba, base_name = baseline_predict(y_train, len(test), kind, classes)
    baseline = scored(base_name, y_test, base_pred, base_proba, kind, classes, groups)
    model_scored, plots, paired, refit = None, {}, None, None
    if model is not None:
        pred = model.predict(test)
        proba = _full_proba(model.estimator, model._x(test), classes) \
            if kind == "classify" else None
        name = "LightGBM" if not model.linear else (
            "Logistische Regression" if kind == "classify" else "Ridge-Regression")
        model_scored = scored(name, y_test, pred, proba, kind, classes, groups)
        model_scored.details = {"trials": len(trials), "params": max(
            trials, key=lambda t: t["score"])["params"]}
        plots = {"importance": _importance(model), "y_test": y_test, "pred": pred,
                 "classes": classes}
        paired = Paired(len(test), measure(y_test, pred, proba, kind, classes),
                        measure(y_test, base_pred, base_proba, kind, classes),
                        f"paired bootstrap over held-out rows ({how})", "rows", groups)
        final = run_step(deadline, "refit", lambda: _refit(model, frame, target, kind),
                         grace=5)
        refit = final is not None
        model = final or model
    notes = [both("poc.note.dropped_columns", columns=", ".join(dropped))] if dropped else []
    return Outcome(
        kind=kind, columns={"target": target, "features": encoder.names, "date": date},
        baseline=baseline, model=model_scored,
        evaluation=f"holdout-{how}",
        candidates=[{"name": t["name"], "cv_score": round(t["score"], 4)} for t in trials],
        notes=notes, features=encoder.names,
        artefact={"kind": kind, "model": model, "target": target, "classes": classes},
        plots=plots, skipped=list(deadline.skipped), rows=len(frame),
        extra={"holdout_rows": len(test)}, paired=paired, left_out=left_out,
        refit=refit,
    )


def _refit(model: TableModel, frame: pd.DataFrame, target: str, kind: str) -> TableModel:
    y = _target(frame[target], kind)
    X = model.encoder.dense(frame) if model.linear else model.encoder.transform(frame)
    from sklearn.base import clone

    return TableModel(model.encoder, clone(model.estimator).fit(X, y), kind, model.classes,
                      model.linear)


def _importance(model: TableModel) -> dict[str, float]:
    if model.linear:
        return {}
    gain = model.estimator.booster_.feature_importance(importance_type="gain")
    total = gain.sum() or 1.0
    return dict(sorted(zip(model.encoder.names, (gain / total).round(4).tolist(), strict=False),
                       key=lambda kv: -kv[1]))
