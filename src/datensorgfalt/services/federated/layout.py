"""The feature layout the parties agree on without showing rows.

Each party sums up its own training rows (``summarize``): column names and types, for numeric
columns count, sum and sum of squares, for categorical columns the category counts, for the
target the class counts (or count, sum, sum of squares). The coordinator adds these up
(``merge``) into one ``Layout``: the columns every party has, the pooled mean and spread for
scaling, the most frequent categories. Nothing in a summary is a row; the category names are
the only values of the input that leave a party (columns with many distinct values, which
look like identifiers or free text, are left out and their values never leave).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MAX_CATEGORIES = 20  # more distinct values than this: an identifier or free text, left out
ID_SHARE = 0.5  # a column whose values are mostly distinct is an identifier, left out


def summarize(frame: pd.DataFrame, target: str, kind: str) -> dict[str, Any]:
    """Counts and sums of one party's training rows: what it sends to agree on the layout."""
    columns: dict[str, dict[str, Any]] = {}
    for name in frame.columns:
        if name != target:
            columns[str(name)] = _column_summary(frame[name])
    return {"rows": int(len(frame)), "columns": columns,
            "target": _target_summary(frame[target], kind)}


def _column_summary(series: pd.Series) -> dict[str, Any]:
    if pd.api.types.is_bool_dtype(series):
        series = series.astype(float)
    if pd.api.types.is_datetime64_any_dtype(series):
        return {"type": "date"}
    if pd.api.types.is_numeric_dtype(series):
        values = pd.to_numeric(series, errors="coerce").astype(float).dropna()
        return {"type": "number", "count": int(len(values)), "sum": float(values.sum()),
                "sumsq": float((values ** 2).sum())}
    text = series.dropna().astype(str)
    counts = text.value_counts()
    if len(counts) > MAX_CATEGORIES or (len(text) >= 10 and len(counts) > ID_SHARE * len(text)):
        return {"type": "text"}
    return {"type": "category", "counts": {str(k): int(v) for k, v in counts.items()}}


def _target_summary(series: pd.Series, kind: str) -> dict[str, Any]:
    values = series.dropna()
    if kind == "classify":
        counts = values.map(label).value_counts()
        return {"classes": {str(k): int(v) for k, v in counts.items()}}
    numbers = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    return {"count": int(len(numbers)), "sum": float(numbers.sum()),
            "sumsq": float((numbers ** 2).sum())}


def label(value: Any) -> str:
    """A class as text: 1.0 and 1 are the same class "1"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Layout:
    """The agreed encoding: scaled numbers (missing -> mean plus a missing flag), one column per
    frequent category. ``dates`` stays empty (the model uses no dates); ``predict`` asks for it."""

    kind: str
    target: str
    numeric: list[str] = field(default_factory=list)
    means: dict[str, float] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)
    flagged: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    categories: dict[str, list[str]] = field(default_factory=dict)
    classes: list[str] = field(default_factory=list)
    y_mean: float = 0.0
    y_scale: float = 1.0
    left_out: dict[str, str] = field(default_factory=dict)
    dates: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.numeric) + len(self.flagged) + sum(
            len(self.categories[c]) for c in self.categorical)

    @property
    def outputs(self) -> int:
        return len(self.classes) if self.kind == "classify" else 1

    def feature_names(self) -> list[str]:
        return [*self.numeric, *(f"{c} fehlt" for c in self.flagged),
                *(f"{c}={v}" for c in self.categorical for v in self.categories[c])]

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        parts: list[np.ndarray] = []
        for name in self.numeric:
            x = pd.to_numeric(frame[name], errors="coerce").astype(float).to_numpy()
            parts.append(np.nan_to_num((x - self.means[name]) / self.scales[name]))
        for name in self.flagged:
            parts.append(pd.to_numeric(frame[name], errors="coerce").isna().to_numpy(float))
        for name in self.categorical:
            text = frame[name].map(lambda v: None if pd.isna(v) else str(v))
            parts.extend((text == value).to_numpy(float) for value in self.categories[name])
        if not parts:
            return np.zeros((len(frame), 0))
        return np.column_stack(parts)

    def encode_target(self, series: pd.Series) -> np.ndarray:
        if self.kind == "classify":
            index = {c: i for i, c in enumerate(self.classes)}
            return np.array([index[label(v)] for v in series])
        return (pd.to_numeric(series, errors="coerce").to_numpy(float) - self.y_mean) / self.y_scale

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Layout:
        return cls(**data)


def merge(summaries: list[dict[str, Any]], target: str, kind: str) -> Layout:
    """The layout from the parties' summaries: only sums and counts are added up."""
    layout = Layout(kind=kind, target=target)
    names = [n for n in summaries[0]["columns"] if all(n in s["columns"] for s in summaries)]
    for s in summaries:
        for name in s["columns"]:
            if name not in names:
                layout.left_out[name] = "not_everywhere"
    rows = sum(s["rows"] for s in summaries)
    for name in names:
        parts = [s["columns"][name] for s in summaries]
        types = {p["type"] for p in parts}
        if types == {"number"}:
            _add_number(layout, name, parts, rows)
        elif types == {"category"}:
            _add_category(layout, name, parts)
        else:
            layout.left_out[name] = "date" if "date" in types else "text"
    _add_target(layout, [s["target"] for s in summaries])
    return layout


def _add_number(layout: Layout, name: str, parts: list[dict], rows: int) -> None:
    count = sum(p["count"] for p in parts)
    if count == 0:
        layout.left_out[name] = "empty"
        return
    mean = sum(p["sum"] for p in parts) / count
    variance = max(sum(p["sumsq"] for p in parts) / count - mean ** 2, 0.0)
    scale = math.sqrt(variance)
    if scale < 1e-12:
        layout.left_out[name] = "constant"
        return
    layout.numeric.append(name)
    layout.means[name], layout.scales[name] = mean, scale
    if count < rows:
        layout.flagged.append(name)


def _add_category(layout: Layout, name: str, parts: list[dict]) -> None:
    totals: dict[str, int] = {}
    for part in parts:
        for value, n in part["counts"].items():
            totals[value] = totals.get(value, 0) + n
    ranked = sorted(totals, key=lambda v: (-totals[v], v))[:MAX_CATEGORIES]
    if len(ranked) < 2:
        layout.left_out[name] = "constant"
        return
    layout.categorical.append(name)
    layout.categories[name] = ranked


def _add_target(layout: Layout, parts: list[dict]) -> None:
    if layout.kind == "classify":
        totals: dict[str, int] = {}
        for part in parts:
            for value, n in part["classes"].items():
                totals[value] = totals.get(value, 0) + n
        layout.classes = sorted(totals)
        return
    count = sum(p["count"] for p in parts)
    mean = sum(p["sum"] for p in parts) / max(count, 1)
    variance = max(sum(p["sumsq"] for p in parts) / max(count, 1) - mean ** 2, 0.0)
    layout.y_mean, layout.y_scale = mean, math.sqrt(variance) or 1.0
