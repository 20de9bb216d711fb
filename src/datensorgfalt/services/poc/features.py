"""Which columns of a table can be features, and how they are turned into numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from datensorgfalt.services.vocabulary import says

MAX_CATEGORIES = 50


def is_identifier(name: str, values: pd.Series) -> bool:
    """Row numbers, order numbers, customer numbers: unique per row, useless for learning."""
    non_null = values.dropna()
    if non_null.empty:
        return True
    unique_share = non_null.nunique() / len(non_null)
    return (says("identifier", str(name)) and unique_share > 0.5) or (
        unique_share > 0.98 and not pd.api.types.is_float_dtype(non_null))


def split_columns(frame: pd.DataFrame, target: str, exclude: list[str] | None = None
                  ) -> tuple[list[str], list[str], list[str], list[str]]:
    """(numeric, categorical, dates, dropped) feature columns."""
    numeric, categorical, dates, dropped = [], [], [], []
    for name in frame.columns:
        if name == target or name in (exclude or []):
            continue
        values = frame[name]
        if values.isna().all() or values.nunique(dropna=True) <= 1:
            dropped.append(name)
        elif pd.api.types.is_datetime64_any_dtype(values):
            dates.append(name)
        elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            (dropped if is_identifier(name, values) and not pd.api.types.is_bool_dtype(values)
             else numeric).append(name)
        elif values.nunique(dropna=True) <= MAX_CATEGORIES or \
                values.nunique(dropna=True) / max(values.notna().sum(), 1) < 0.05:
            categorical.append(name)
        else:
            dropped.append(name)
    return numeric, categorical, dates, dropped


class TableEncoder:
    """Turns the chosen columns into a float matrix (categories as codes, dates as parts)."""

    def __init__(self, numeric: list[str], categorical: list[str], dates: list[str]) -> None:
        self.numeric, self.categorical, self.dates = numeric, categorical, dates
        self.categories: dict[str, list[str]] = {}

    def fit(self, frame: pd.DataFrame) -> TableEncoder:
        for name in self.categorical:
            counts = frame[name].astype("string").value_counts()
            self.categories[name] = list(counts.index[:MAX_CATEGORIES])
        return self

    @property
    def names(self) -> list[str]:
        parts = [f"{d}_{p}" for d in self.dates for p in ("jahr", "monat", "wochentag")]
        return self.numeric + self.categorical + parts

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame(index=frame.index)
        for name in self.numeric:
            out[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
        for name in self.categorical:
            values = frame[name].astype("string")
            out[name] = pd.Categorical(values.where(values.isin(self.categories[name])),
                                       categories=self.categories[name])
        for name in self.dates:
            when = pd.to_datetime(frame[name], errors="coerce")
            out[f"{name}_jahr"] = when.dt.year.astype(float)
            out[f"{name}_monat"] = when.dt.month.astype(float)
            out[f"{name}_wochentag"] = when.dt.weekday.astype(float)
        return out

    def dense(self, frame: pd.DataFrame) -> np.ndarray:
        """One-hot categories, for linear models."""
        encoded = self.transform(frame)
        return pd.get_dummies(encoded, columns=self.categorical, dummy_na=True,
                              dtype=float).to_numpy(float)
