"""Leakage guard: an input column that all but determines the target (the net amount when
the gross amount is the target, a status code that spells out the label) makes any model
look perfect and teaches nothing. Such columns are found, left out and named."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, cross_val_score

TELLING = 0.99      # one column alone explains this much of the target out of sample
SAMPLE_ROWS = 3000  # enough to see it; keeps the check at a fraction of a second per column
SEED = 29
MAX_FORMULA_COLUMNS = 15  # pairs of number columns checked for a formula (105 pairs)


def telling_columns(frame: pd.DataFrame, target: str, kind: str,
                    columns: list[str]) -> list[dict[str, Any]]:
    """Columns that on their own predict the target almost perfectly (cross-validated R² for
    numbers, balanced accuracy for classes, each at least ``TELLING``)."""
    rows = frame.sample(min(len(frame), SAMPLE_ROWS), random_state=SEED)
    if kind == "classify":
        y = rows[target].astype("string").fillna("").to_numpy(dtype=object)
    else:
        y = pd.to_numeric(rows[target], errors="coerce").to_numpy(float)
    if len(rows) < 20:
        return []
    found = []
    for column in columns:
        score = _alone(_as_number(rows[column]), y, kind)
        if score >= TELLING:
            found.append({"column": column, "score": round(score, 4),
                          "measure": "balanced_accuracy" if kind == "classify" else "r2"})
    if kind == "regress":
        numbers = [c for c in columns if pd.api.types.is_numeric_dtype(rows[c])
                   and c not in {f["column"] for f in found}]
        found += _formula(rows, y, numbers)
    return found


def _formula(rows: pd.DataFrame, y: np.ndarray, numbers: list[str]) -> list[dict[str, Any]]:
    """Two number columns the target is computed from (a sum, or a product such as quantity
    times unit price): a straight line on the columns or on their logarithms explains it."""
    from sklearn.linear_model import LinearRegression

    folds = KFold(n_splits=3, shuffle=True, random_state=SEED)
    found: list[dict[str, Any]] = []
    for i, a in enumerate(numbers[:MAX_FORMULA_COLUMNS]):
        for b in numbers[i + 1:MAX_FORMULA_COLUMNS]:
            x = rows[[a, b]].apply(pd.to_numeric, errors="coerce").to_numpy(float)
            keep = np.isfinite(x).all(1) & np.isfinite(y)
            if keep.sum() < 20:
                continue
            tries = [(x[keep], y[keep])]
            positive = keep & (x > 0).all(1) & (y > 0)
            if positive.sum() >= 20:
                tries.append((np.log(x[positive]), np.log(y[positive])))
            score = max(float(np.mean(cross_val_score(LinearRegression(), xs, ys, cv=folds,
                                                      scoring="r2"))) for xs, ys in tries)
            if score >= TELLING:
                found += [{"column": c, "score": round(score, 4), "measure": "r2",
                           "with": other} for c, other in ((a, b), (b, a))]
                return found
    return found


def _as_number(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        x = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    else:
        x = pd.factorize(values.astype("string"))[0].astype(float)
        x[x < 0] = np.nan
    fill = np.nanmin(x) - 1 if np.isfinite(x).any() else 0.0
    return np.nan_to_num(x, nan=fill).reshape(-1, 1)


def _alone(x: np.ndarray, y: np.ndarray, kind: str) -> float:
    """The best out-of-sample score of a small tree (and, for numbers, a straight line)."""
    from sklearn.linear_model import LinearRegression
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    folds = KFold(n_splits=3, shuffle=True, random_state=SEED)
    if kind == "classify":
        counts = pd.Series(y).value_counts()
        if counts.min() < 3:
            return 0.0
        tree = DecisionTreeClassifier(min_samples_leaf=3, random_state=SEED)
        return float(np.mean(cross_val_score(tree, x, y, cv=folds,
                                             scoring="balanced_accuracy")))
    models = [DecisionTreeRegressor(min_samples_leaf=3, random_state=SEED), LinearRegression()]
    return max(float(np.mean(cross_val_score(m, x, y, cv=folds, scoring="r2")))
               for m in models)
