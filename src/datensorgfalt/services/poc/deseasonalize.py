"""Short series (fewer than four seasonal cycles): estimate the seasonal pattern once (the
classical decomposition tells whether there is one, a fit on every point gives its indices),
and let the models forecast the seasonally adjusted series.

With two or three years of monthly sales the models' own seasonal fitting often gives up
(too few cycles) and forecasts a flat line; seasonal indices fitted once are stable with two.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from datensorgfalt.services.poc.protocol import Forecaster

SHORT_CYCLES = 4
MIN_STRENGTH = 0.6


def seasonal_indices(y: np.ndarray, m: int) -> tuple[np.ndarray, bool] | None:
    """(index per phase 0..m-1, multiplicative) or None when there is no clear seasonality."""
    n = len(y)
    if m <= 1 or n < 2 * m or not np.isfinite(y).all():
        return None
    centred = y - y.mean()
    denom = float(np.sum(centred ** 2))
    if denom <= 0:
        return None
    acf = np.array([np.sum(centred[k:] * centred[: n - k]) / denom for k in range(m + 1)])
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(acf[1:m] ** 2)) / n)
    acf_says = abs(acf[m]) > limit
    multiplicative = bool(y.min() > 0)
    window = pd.Series(y).rolling(m, center=True).mean()
    trend = window.rolling(2).mean().shift(-1) if m % 2 == 0 else window
    trend = trend.to_numpy()
    ratio = y / trend if multiplicative else y - trend
    phase = np.arange(n) % m
    index = np.array([np.nanmean(ratio[phase == p]) if np.isfinite(ratio[phase == p]).any()
                      else np.nan for p in range(m)])
    if not np.isfinite(index).all():
        return None
    index = index / index.mean() if multiplicative else index - index.mean()
    if not acf_says and strength(ratio, index[phase], multiplicative) < MIN_STRENGTH:
        return None
    return fitted_indices(y, m, multiplicative), multiplicative


def fitted_indices(y: np.ndarray, m: int, multiplicative: bool) -> np.ndarray:
    """Seasonal indices from every point: least squares of ``y`` (its logarithm when
    multiplicative) on a straight trend and one level per phase. The centred moving average
    of the classical decomposition has no value for the first and last half season, so with
    two years of months each index rested on a single year's noise; here every year counts."""
    n = len(y)
    t = np.arange(n, dtype=float)
    dummies = (np.arange(n)[:, None] % m == np.arange(m)[None, :]).astype(float)
    design = np.column_stack([t - t.mean(), dummies])
    target = np.log(y) if multiplicative else y
    levels = np.linalg.lstsq(design, target, rcond=None)[0][1:]
    levels = levels - levels.mean()
    return np.exp(levels) / np.exp(levels).mean() if multiplicative else levels


def strength(detrended: np.ndarray, seasonal: np.ndarray, multiplicative: bool) -> float:
    """Seasonal strength 1 - Var(remainder) / Var(detrended) (0 = none, 1 = pure season)."""
    if multiplicative:
        detrended, seasonal = np.log(detrended), np.log(seasonal)
    ok = np.isfinite(detrended)
    remainder = detrended[ok] - seasonal[ok]
    total = np.var(detrended[ok])
    return float(max(0.0, 1 - np.var(remainder) / total)) if total > 0 else 0.0


@dataclass
class Deseasonalized:
    """``plain`` (non-seasonal) on adjusted short series, ``seasonal`` on long ones."""

    plain: Forecaster
    seasonal: Forecaster
    season: int

    @property
    def name(self) -> str:
        return self.seasonal.name

    def forecast(self, train: pd.DataFrame, h: int) -> pd.DataFrame:
        sizes = train.groupby("unique_id")["y"].transform("size")
        short = sizes < SHORT_CYCLES * self.season
        parts = []
        if (~short).any():
            parts.append(self.seasonal.forecast(train[~short], h))
        if short.any():
            parts.append(self._adjusted(train[short], h))
        return pd.concat(parts, ignore_index=True)

    def _adjusted(self, train: pd.DataFrame, h: int) -> pd.DataFrame:
        factors: dict[str, tuple[np.ndarray, bool, int]] = {}
        adjusted = []
        for uid, part in train.groupby("unique_id", sort=False):
            y = part["y"].to_numpy(float)
            found = seasonal_indices(y, self.season)
            if found is None:
                adjusted.append(part)
                continue
            index, multiplicative = found
            phase = np.arange(len(y)) % self.season
            factors[uid] = (index, multiplicative, len(y))
            y_adj = y / index[phase] if multiplicative else y - index[phase]
            adjusted.append(part.assign(y=y_adj))
        out = self.plain.forecast(pd.concat(adjusted, ignore_index=True), h)
        out = out.sort_values(["unique_id", "ds"]).reset_index(drop=True)
        step = out.groupby("unique_id").cumcount().to_numpy()
        for uid, (index, multiplicative, n) in factors.items():
            rows = (out["unique_id"] == uid).to_numpy()
            season = index[(n + step[rows]) % self.season]
            for column in [c for c in out.columns if c.startswith("yhat")]:
                values = out.loc[rows, column].to_numpy(float)
                out.loc[rows, column] = values * season if multiplicative else values + season
        return out
