"""The one protocol every forecaster follows (statistical models, LightGBM, ensembles)."""

from __future__ import annotations

from typing import Protocol

import pandas as pd


class Forecaster(Protocol):
    name: str

    def forecast(self, train: pd.DataFrame, h: int) -> pd.DataFrame: ...
