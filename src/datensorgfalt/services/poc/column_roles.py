"""Guessing the columns of a PoC when the user did not name them (shown for confirmation)."""

from __future__ import annotations

import pandas as pd

from datensorgfalt.services.poc.features import is_identifier
from datensorgfalt.services.vocabulary import says


def date_columns(frame: pd.DataFrame) -> list[str]:
    found = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    return sorted(found, key=lambda c: not says("date", str(c)))


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c]) and not is_identifier(c, frame[c])
            and frame[c].nunique(dropna=True) > 1]


def forecast_columns(frame: pd.DataFrame) -> dict:
    dates, numbers = date_columns(frame), numeric_columns(frame)
    plan = next((c for c in numbers if says("plan", str(c))), None)
    numbers = [c for c in numbers if c != plan]
    target = max(numbers, key=_forecast_rank) if numbers else None
    return {"date": dates[0] if dates else None, "target": target, "plan": plan}


def _forecast_rank(name: str) -> tuple[bool, bool, bool]:
    """Net turnover first, then a sales amount, then a quantity sold (never a unit price)."""
    figure = says("forecast_target", str(name))
    return says("net_amount", str(name)), figure and says("amount", str(name)), figure


def label_column(frame: pd.DataFrame, exclude: list[str]) -> str | None:
    candidates = []
    for c in frame.columns:
        if c in exclude or pd.api.types.is_datetime64_any_dtype(frame[c]):
            continue
        distinct = frame[c].nunique(dropna=True)
        if 2 <= distinct <= 30 and distinct < max(3, len(frame) // 3):
            candidates.append(c)
    if not candidates:
        return None
    named = [c for c in candidates if says("label", str(c))]
    return (named or candidates)[-1]


def table_target(frame: pd.DataFrame, kind: str) -> str | None:
    if kind == "classify":
        return label_column(frame, [])
    numbers = numeric_columns(frame)
    return numbers[-1] if numbers else None


def text_column(frame: pd.DataFrame) -> str | None:
    texts = [c for c in frame.columns if frame[c].dtype == object]
    if not texts:
        return None
    lengths = {c: frame[c].dropna().astype(str).str.len().mean() or 0 for c in texts}
    named = [c for c in texts if says("free_text", str(c)) and lengths[c] > 15]
    return named[0] if named else max(texts, key=lambda c: lengths[c])


def anomaly_columns(frame: pd.DataFrame) -> dict:
    dates = date_columns(frame)
    numbers = numeric_columns(frame)
    label = next((c for c in frame.columns if says("anomaly_label", str(c))), None)
    return {"time": dates[0] if dates else None,
            "channels": [c for c in numbers if c != label], "label": label}
