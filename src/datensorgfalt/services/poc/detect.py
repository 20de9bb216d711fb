"""Guessing the columns of a PoC when the user did not name them (shown for confirmation)."""

from __future__ import annotations

import re

import pandas as pd

from datensorgfalt.services.poc.features import is_identifier

DATE_WORDS = re.compile(r"datum|date|zeit|time|tag|monat|periode|stempel", re.I)
AMOUNT_WORDS = ["netto", "umsatz", "betrag", "amount", "sales", "erlös", "wert", "menge",
                "absatz", "stück", "quantity"]
PLAN_WORDS = re.compile(r"plan|prognose|forecast|budget|soll", re.I)
LABEL_WORDS = re.compile(r"label|klasse|class|kategorie|category|status|ergebnis|churn|ziel|"
                         r"target|schlüssel|typ|art|score", re.I)
TEXT_WORDS = re.compile(r"text|review|nachricht|message|beschreibung|anfrage|kommentar|inhalt",
                        re.I)


def date_columns(frame: pd.DataFrame) -> list[str]:
    found = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    return sorted(found, key=lambda c: not DATE_WORDS.search(str(c)))


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c]) and not is_identifier(c, frame[c])
            and frame[c].nunique(dropna=True) > 1]


def forecast_columns(frame: pd.DataFrame) -> dict:
    dates, numbers = date_columns(frame), numeric_columns(frame)
    plan = next((c for c in numbers if PLAN_WORDS.search(str(c))), None)
    numbers = [c for c in numbers if c != plan]

    def rank(name: str) -> tuple:
        low = str(name).lower()
        return tuple(word in low for word in AMOUNT_WORDS[:4]) + (
            any(word in low for word in AMOUNT_WORDS),)

    target = max(numbers, key=rank) if numbers else None
    return {"date": dates[0] if dates else None, "target": target, "plan": plan}


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
    named = [c for c in candidates if LABEL_WORDS.search(str(c))]
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
    named = [c for c in texts if TEXT_WORDS.search(str(c)) and lengths[c] > 15]
    return named[0] if named else max(texts, key=lambda c: lengths[c])


def anomaly_columns(frame: pd.DataFrame) -> dict:
    dates = date_columns(frame)
    numbers = numeric_columns(frame)
    label = next((c for c in frame.columns if re.fullmatch(
        r"(is_)?(anomal(y|ie)|label|ausreißer|outlier)", str(c), re.I)), None)
    return {"time": dates[0] if dates else None,
            "channels": [c for c in numbers if c != label], "label": label}
