"""Classification and regression PoC on a table: majority class / mean ("Ist") against a
small, time-boxed search over LightGBM settings and a linear model.

Honest evaluation: every row is judged out of fold (stratified folds, or time-ordered ones
when a date column is given; exact duplicates in one fold); the model is chosen from a short,
fixed list of candidates inside each training part only (nested cross-validation), and the
comparison with the Ist is widened for the reuse of rows across folds (Nadeau and Bengio).
"""

from __future__ import annotations

from collections.abc import Collection
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


# A fixed, short list of candidates, cheapest first, so that the search ends when the list is
# done (not when the budget is used up) and few choices are tried on the same rows (each more
# choice is one more chance for noise to look like a lead).
CANDIDATES: list[tuple[str, dict | None]] = [
    ("linear", None),
    ("lightgbm-klein", {"num_leaves": 7, "learning_rate": 0.05, "n_estimators": 200,
                        "min_child_samples": 20, "subsample": 0.85, "colsample_bytree": 0.8,
                        "reg_lambda": 5.0}),
    ("lightgbm", {"num_leaves": 31, "learning_rate": 0.05, "n_estimators": 300,
                  "min_child_samples": 20, "subsample": 0.9, "colsample_bytree": 0.8,
                  "reg_lambda": 1.0}),
]


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
    return _mean(scores)


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


def _factory(kind: str, params: dict | None, n_rows: int) -> Any:
    return (lambda: _make_linear(kind)) if params is None else \
        (lambda: _make_lgbm(kind, params, n_rows))


def search(train: pd.DataFrame, target: str, kind: str, deadline: Deadline,
           encoder: TableEncoder, date: str | None = None
           ) -> tuple[TableModel | None, list[dict]]:
    """The candidates' cross-validated scores on ``train`` (each a budgeted step) and the best
    one fitted on ``train`` (the PoC itself judges with :func:`nested_out_of_fold`)."""
    y = _target(train[target], kind)
    classes = sorted(pd.unique(y).tolist(), key=str) if kind == "classify" else []
    X, Xd = encoder.transform(train), encoder.dense(train)
    folds = list(_folds(y, kind, duplicate_groups(train), train[date] if date else None))
    trials: list[dict] = []
    for name, params in CANDIDATES:
        result = run_step(deadline, name, lambda p=params: _cv_score(
            _factory(kind, p, len(y)), Xd if p is None else X, y, kind, folds, classes,
            deadline), grace=3 if not trials else 0)
        if result is not None:
            trials.append({"name": name, "params": params or {}, "score": result})
    if not trials:
        return None, trials
    best = max(trials, key=lambda t: t["score"])
    linear = best["name"] == "linear"
    estimator = _factory(kind, best["params"] or None, len(y))().fit(Xd if linear else X, y)
    return TableModel(encoder, estimator, kind, classes, linear), trials


@dataclass
class CandidateRun:
    """One candidate through the outer folds: its inner cross-validation score on each outer
    training part (for the nested choice), its predictions on each outer evaluation part, its
    score there (for choosing the final model) and its model of the last outer fold."""

    name: str
    params: dict
    inner: list[float]
    predictions: np.ndarray
    outer: float
    last: TableModel


def candidate_run(name: str, params: dict | None, frame: pd.DataFrame, y: np.ndarray,
                  kind: str, columns: tuple[list, list, list], outer: list, groups: np.ndarray,
                  dates: pd.Series | None, classes: list, deadline: Deadline) -> CandidateRun:
    linear = params is None
    make = _factory(kind, params, len(y))
    predictions = np.full((len(y), len(classes)) if kind == "classify" else len(y), np.nan)
    inner_scores, outer_scores, model = [], [], None
    for train_idx, test_idx in outer:
        train = frame.iloc[train_idx]
        encoder = TableEncoder(*columns).fit(train)
        X = encoder.dense(train) if linear else encoder.transform(train)
        inner = list(_folds(y[train_idx], kind, groups[train_idx],
                            None if dates is None else dates.iloc[train_idx], wanted=3))
        inner_scores.append(_cv_score(make, X, y[train_idx], kind, inner, classes, deadline))
        model = TableModel(encoder, _fit(make(), X, y[train_idx], deadline), kind, classes,
                           linear)
        test = frame.iloc[test_idx]
        if kind == "classify":
            predictions[test_idx] = _full_proba(model.estimator, model._x(test), classes)
            outer_scores.append(_class_score(y[test_idx], predictions[test_idx], classes))
        else:
            predictions[test_idx] = model.predict(test)
            outer_scores.append(-float(np.mean(np.abs(y[test_idx] - predictions[test_idx]))))
    return CandidateRun(name, params or {}, inner_scores, predictions,
                        _mean(outer_scores), model)


def _mean(scores: list[float]) -> float:
    """Mean over the folds where the score exists (a fold without one class has no AUC);
    minus infinity when none has one, so such a candidate is never chosen."""
    finite = [s for s in scores if np.isfinite(s)]
    return float(np.mean(finite)) if finite else float("-inf")


def _fit(model: Any, X: Any, y: np.ndarray, deadline: Deadline) -> Any:
    if type(model).__name__.startswith("LGBM"):
        return model.fit(X, y, callbacks=[stop_at(deadline)])
    return model.fit(X, y)


def nested_choice(runs: list[CandidateRun], outer: list) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold predictions where each outer fold uses the candidate that scored best in
    the inner cross-validation of its training part (the evaluation part never chooses)."""
    predictions = np.array(runs[0].predictions, copy=True)
    chosen = []
    for fold, (_, test_idx) in enumerate(outer):
        best = max(runs, key=lambda r: r.inner[fold])
        predictions[test_idx] = best.predictions[test_idx]
        chosen.append(best.name)
    return predictions, chosen


def _folds(y: np.ndarray, kind: str, groups: np.ndarray | None = None,
           dates: pd.Series | None = None, wanted: int | None = None) -> Any:
    """Inner cross-validation on the training part: time-ordered when there is a date
    (train on the past, check on the next span), otherwise stratified; exact duplicate rows
    (``groups``) always stay in one fold."""
    groups = np.arange(len(y)) if groups is None else groups
    if dates is not None:
        return time_folds(dates, wanted or (4 if len(y) >= 100 else 3))
    if kind == "classify":
        wanted = wanted or (3 if len(y) >= 1000 else 5)
        splitter = StratifiedGroupKFold(n_splits=max(2, min(wanted, groups_per_class(
            y, groups))), shuffle=True, random_state=SEED)
        return splitter.split(np.zeros(len(y)), y, groups)
    wanted = wanted or (5 if 50 <= len(y) < 1000 else 3)
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
    """A held-out part: the newest dates when there is a date column, otherwise about a fifth
    of the rows (stratified); exact duplicates stay together. The table PoC judges out of fold
    now; this split serves the federated evaluation (one shared held-out part per party)."""
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
            classes: list, folds: np.ndarray | None = None) -> Measure:
    """The metrics of ``pred`` on any subset of the rows (for bootstrap resamples). With
    ``folds`` (the fold each row was predicted in) the AUC is computed within each fold and
    averaged: scores of different folds' models are not on one scale (and the Ist's class
    shares differ a little between training parts, which would give it a spurious ranking)."""
    if kind == "classify":  # integer codes: the metrics are much faster than on strings
        codes = {c: i for i, c in enumerate(classes)}
        y = np.array([codes[v] for v in y])
        pred = np.array([codes.get(v, -1) for v in pred])
        classes = list(range(len(classes)))

    def metrics(idx: np.ndarray, keys: Collection[str] | None = None) -> dict:
        if kind != "classify":
            return ev.regression_metrics(y[idx], pred[idx])
        ranked = proba is not None and (keys is None or "auc" in keys)
        out = ev.classification_metrics(y[idx], pred[idx], proba[idx] if ranked else None,
                                        classes)
        if folds is not None and "auc" in out:
            out["auc"] = _auc_within_folds(y[idx], proba[idx], folds[idx], classes)
        return out
    return metrics


def _auc(y: np.ndarray, proba: np.ndarray, classes: list) -> float:
    if len(classes) == 2:
        return ev.binary_auc(y == classes[1], proba[:, 1])
    aucs = [ev.binary_auc(y == c, proba[:, j]) for j, c in enumerate(classes)]
    aucs = [a for a in aucs if np.isfinite(a)]
    return float(np.mean(aucs)) if aucs else float("nan")


def _auc_within_folds(y: np.ndarray, proba: np.ndarray, folds: np.ndarray, classes: list
                      ) -> float:
    values, weights = [], []
    for fold in np.unique(folds):
        inside = folds == fold
        value = _auc(y[inside], proba[inside], classes)
        if np.isfinite(value):
            values.append(value)
            weights.append(inside.sum())
    return float(np.average(values, weights=weights)) if values else float("nan")


def scored(name: str, y: np.ndarray, pred: np.ndarray, proba: np.ndarray | None, kind: str,
           classes: list, groups: np.ndarray | None = None,
           folds: np.ndarray | None = None) -> Scored:
    metrics = measure(y, pred, proba, kind, classes, folds)
    full = metrics(np.arange(len(y)))
    keys = ["auc", "macro_f1", "accuracy", "balanced_accuracy", "recall"] \
        if kind == "classify" else \
        ["mae", "rmse", "r2"]
    intervals = ev.bootstrap_intervals(metrics, len(y), [k for k in keys if k in full],
                                       groups=groups)
    return Scored(name, ev.clean(full), ev.clean(intervals))


MODEL_NAMES = {"classify": "Logistische Regression", "regress": "Ridge-Regression"}


def outer_folds(frame: pd.DataFrame, y: np.ndarray, kind: str, groups: np.ndarray,
                date: str | None) -> tuple[list, str]:
    """The folds every row is judged in once (time-ordered with a date column: only rows after
    the first span are judged, each by models of the past)."""
    if date:
        folds = time_folds(frame[date], 4 if len(y) >= 100 else 3)
        if folds:
            return folds, "time"
    return list(_folds(y, kind, groups)), "stratified" if kind == "classify" else "random"


def run_table(frame: pd.DataFrame, target: str, kind: str, deadline: Deadline,
              date: str | None = None) -> Outcome:
    """Judged out of fold on all rows: in each outer fold the candidates are compared by an
    inner cross-validation of the training part only (nested), the winner predicts the
    evaluation part; the Ist is learned on the same training parts. The final model is the
    candidate with the best outer score, trained again on all rows."""
    frame = check_target(frame, target, kind).reset_index(drop=True)
    numeric, categorical, dates, dropped = split_columns(frame, target)
    left_out = telling_columns(frame, target, kind, numeric + categorical)
    leaked = {c["column"] for c in left_out}
    numeric = [c for c in numeric if c not in leaked]
    categorical = [c for c in categorical if c not in leaked]
    if not (numeric or categorical or dates):
        raise TargetUnusable("poc.error.no_features", column=target)
    y = _target(frame[target], kind)
    classes = sorted(pd.unique(y).tolist(), key=str) if kind == "classify" else []
    groups = duplicate_groups(frame)
    outer, how = outer_folds(frame, y, kind, groups, date)
    judged = np.concatenate([test for _, test in outer])
    fold_of = np.full(len(y), -1)
    for number, (_, test_idx) in enumerate(outer):
        fold_of[test_idx] = number
    base_pred, base_proba, base_name = _baseline_out_of_fold(y, kind, classes, outer)
    runs = _candidates(frame, y, kind, (numeric, categorical, dates), outer, groups,
                       frame[date] if date else None, classes, deadline)
    part = np.sort(judged)
    baseline = scored(base_name, y[part], base_pred[part], _rows(base_proba, part), kind, classes,
                      groups[part], fold_of[part])
    encoder = TableEncoder(numeric, categorical, dates).fit(frame)
    model_scored, plots, paired, refit, model = None, {}, None, None, None
    if runs:
        predictions, chosen = nested_choice(runs, outer)
        proba = predictions if kind == "classify" else None
        pred = np.asarray(classes, dtype=object)[predictions.argmax(1)] \
            if kind == "classify" else predictions
        best = max(runs, key=lambda r: r.outer)
        name = MODEL_NAMES[kind] if best.name == "linear" else "LightGBM"
        model_scored = scored(name, y[part], pred[part], _rows(proba, part), kind, classes,
                              groups[part], fold_of[part])
        model_scored.details = {"trials": len(runs), "params": best.params,
                                "chosen_per_fold": chosen}
        paired = Paired(len(part), measure(y[part], pred[part], _rows(proba, part), kind, classes,
                                           fold_of[part]),
                        measure(y[part], base_pred[part], _rows(base_proba, part), kind, classes,
                                fold_of[part]),
                        f"paired bootstrap over out-of-fold rows ({how}, nested model choice)",
                        "rows", groups[part], ev.cv_spread(len(outer)))
        final = run_step(deadline, "refit", lambda: _fit_all(best, frame, y, kind, classes,
                                                            (numeric, categorical, dates),
                                                            deadline), grace=5)
        refit = final is not None
        model = final or best.last
        encoder = model.encoder
        plots = {"importance": _importance(model), "y_test": y[part], "pred": pred[part],
                 "classes": classes}
    notes = [both("poc.note.dropped_columns", columns=", ".join(dropped))] if dropped else []
    return Outcome(
        kind=kind, columns={"target": target, "features": encoder.names, "date": date},
        baseline=baseline, model=model_scored,
        evaluation=f"cross-validation-nested-{how}",
        candidates=[{"name": r.name, "cv_score": round(r.outer, 4) if np.isfinite(r.outer)
                     else None} for r in runs],
        notes=notes, features=encoder.names,
        artefact={"kind": kind, "model": model, "target": target, "classes": classes},
        plots=plots, skipped=list(deadline.skipped), rows=len(frame),
        extra={"judged_rows": len(part), "folds": len(outer)}, paired=paired,
        left_out=left_out, refit=refit,
    )


def _rows(values: np.ndarray | None, part: np.ndarray) -> np.ndarray | None:
    return None if values is None else values[part]


def _baseline_out_of_fold(y: np.ndarray, kind: str, classes: list, outer: list
                          ) -> tuple[np.ndarray, np.ndarray | None, str]:
    pred = np.empty(len(y), dtype=object) if kind == "classify" else np.full(len(y), np.nan)
    proba = np.zeros((len(y), len(classes))) if kind == "classify" else None
    name = ""
    for train_idx, test_idx in outer:
        fold_pred, fold_proba, name = baseline_predict(y[train_idx], len(test_idx), kind,
                                                       classes)
        pred[test_idx] = fold_pred
        if proba is not None:
            proba[test_idx] = fold_proba
    if kind == "classify":
        name = f"Mehrheitsklasse ({pd.Series(y).value_counts().idxmax()})"
    return pred, proba, name


def _candidates(frame: pd.DataFrame, y: np.ndarray, kind: str, columns: tuple, outer: list,
                groups: np.ndarray, dates: pd.Series | None, classes: list,
                deadline: Deadline) -> list[CandidateRun]:
    """Every candidate that finishes in time, each in a budgeted step of its own (the list
    is fixed beforehand, so stopping early depends on the clock, never on the results)."""
    runs: list[CandidateRun] = []
    for name, params in CANDIDATES:
        estimate = max([d for s, d in deadline.durations.items() if s.startswith("lightgbm")],
                       default=0.0) if params else 0.0
        result = run_step(deadline, name, lambda n=name, p=params: candidate_run(
            n, p, frame, y, kind, columns, outer, groups, dates, classes, deadline),
            estimate=estimate, grace=3 if not runs else 0)
        if result is not None:
            runs.append(result)
    return runs


def _fit_all(best: CandidateRun, frame: pd.DataFrame, y: np.ndarray, kind: str,
             classes: list, columns: tuple, deadline: Deadline) -> TableModel:
    encoder = TableEncoder(*columns).fit(frame)
    linear = best.name == "linear"
    X = encoder.dense(frame) if linear else encoder.transform(frame)
    estimator = _fit(_factory(kind, best.params or None, len(y))(), X, y, deadline)
    return TableModel(encoder, estimator, kind, classes, linear)


def _importance(model: TableModel) -> dict[str, float]:
    if model.linear:
        return {}
    gain = model.estimator.booster_.feature_importance(importance_type="gain")
    total = gain.sum() or 1.0
    return dict(sorted(zip(model.encoder.names, (gain / total).round(4).tolist(), strict=False),
                       key=lambda kv: -kv[1]))
