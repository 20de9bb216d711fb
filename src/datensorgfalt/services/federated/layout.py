"""The feature layout the parties agree on without showing rows.

In a federation each party first names its columns in clear (``describe``: names and types,
category names only where its usage policy permits, class names); the coordinator asks
for the columns all of them have (``question``); each party puts its counts and sums into one
vector (``sums``: for numeric columns count, sum and sum of squares, the category counts, the
target's class counts or count, sum and sum of squares), which only leaves it inside a secure
sum; the coordinator builds the ``Layout`` from the total (``from_sums``): the pooled mean and
spread for scaling, the most frequent categories. ``summarize`` and ``merge`` are the same
rules on one party's rows (a company's own model, the pooled comparison). Columns with many
distinct values, which look like identifiers or free text, are left out and their values
never leave.
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


# -- the layout from secure sums: names in clear, counts and sums only summed -----------------
def describe(frame: pd.DataFrame, target: str, kind: str, categories: bool = True
             ) -> dict[str, Any]:
    """What a party sends in clear: column names and types, the category names of a column
    (only if ``categories``, the usage policy permits it; else ``None``), the class names of
    the target. No count and no sum."""
    columns: dict[str, dict[str, Any]] = {}
    for name in frame.columns:
        if name == target:
            continue
        summary = _column_summary(frame[name])
        entry: dict[str, Any] = {"type": summary["type"]}
        if summary["type"] == "category":
            entry["categories"] = sorted(summary["counts"]) if categories else None
        columns[str(name)] = entry
    described: dict[str, Any] = {"columns": columns}
    if kind == "classify":
        described["classes"] = sorted(set(frame[target].dropna().map(label)))
    return described


def question(descriptions: list[dict[str, Any]]) -> dict[str, Any]:
    """What every party sums up for the layout: the numeric columns all parties have, the
    categorical ones with all parties' category names, the classes; and what is left out."""
    first = descriptions[0]["columns"]
    names = [n for n in first if all(n in d["columns"] for d in descriptions)]
    left_out = {n: "not_everywhere" for d in descriptions for n in d["columns"]
                if n not in names}
    numeric, categorical = [], {}
    for name in names:
        parts = [d["columns"][name] for d in descriptions]
        types = {p["type"] for p in parts}
        if types == {"number"}:
            numeric.append(name)
        elif types == {"category"} and any(p["categories"] is None for p in parts):
            left_out[name] = "policy"
        elif types == {"category"}:
            categorical[name] = sorted({c for p in parts for c in p["categories"]})
        else:
            left_out[name] = "date" if "date" in types else "text"
    classes = sorted({c for d in descriptions for c in d.get("classes", [])})
    return {"numeric": numeric, "categorical": categorical, "classes": classes,
            "left_out": left_out}


def sums(frame: pd.DataFrame, target: str, kind: str, asked: dict[str, Any]) -> np.ndarray:
    """A party's counts and sums for the layout as one vector (``question`` says which):
    rows; count, sum and sum of squares per numeric column; count per category; the target's
    class counts (or count, sum, sum of squares)."""
    values: list[float] = [float(len(frame))]
    for name in asked["numeric"]:
        part = _column_summary(frame[name])
        values += [part["count"], part["sum"], part["sumsq"]]
    for name, names in asked["categorical"].items():
        counts = frame[name].dropna().astype(str).value_counts()
        values += [float(counts.get(c, 0)) for c in names]
    target_part = _target_summary(frame[target], kind)
    if kind == "classify":
        values += [float(target_part["classes"].get(c, 0)) for c in asked["classes"]]
    else:
        values += [target_part["count"], target_part["sum"], target_part["sumsq"]]
    return np.asarray(values, float)


def from_sums(asked: dict[str, Any], totals: np.ndarray, target: str, kind: str) -> Layout:
    """The layout from the summed vectors of all parties (``sums``), as ``merge`` would give
    it from their single summaries."""
    numbers = iter(totals.tolist())
    rows = round(next(numbers))
    columns: dict[str, dict[str, Any]] = {}
    for name in asked["numeric"]:
        count, total, squares = next(numbers), next(numbers), next(numbers)
        columns[name] = {"type": "number", "count": round(count), "sum": total,
                         "sumsq": squares}
    for name, names in asked["categorical"].items():
        columns[name] = {"type": "category",
                         "counts": {c: round(next(numbers)) for c in names}}
    if kind == "classify":
        target_part: dict[str, Any] = {"classes": {c: round(next(numbers))
                                                   for c in asked["classes"]}}
    else:
        count, total, squares = next(numbers), next(numbers), next(numbers)
        target_part = {"count": round(count), "sum": total, "sumsq": squares}
    layout = merge([{"rows": rows, "columns": columns, "target": target_part}], target, kind)
    layout.left_out = {**asked["left_out"], **layout.left_out}
    return layout
