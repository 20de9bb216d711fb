"""Short series (fewer than four seasonal cycles): estimate the seasonal pattern once (an
F-test tells whether there is one, a fit on every point gives its indices), and let the models
forecast the seasonally adjusted series.

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
#: A short series shows a season when its monthly levels explain more than noise would
#: (F-test, 5 %): the strength below is 1 on any two years, whatever they hold.
SEASON_P = 0.05


def seasonal_indices(y: np.ndarray, m: int) -> tuple[np.ndarray, bool] | None:
    """(index per phase 0..m-1, multiplicative) or None when there is no clear seasonality."""
    n = len(y)
    if m <= 1 or n < 2 * m or not np.isfinite(y).all():
        return None
    if n < SHORT_CYCLES * m:
        multiplicative = bool(y.min() > 0)
        if season_p_value(y, m, multiplicative) >= SEASON_P:
            return None
        return fitted_indices(y, m, multiplicative), multiplicative
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


def _design(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """(straight trend, one level per phase) as columns for ``n`` points, season ``m``."""
    t = np.arange(n, dtype=float)
    return t - t.mean(), (np.arange(n)[:, None] % m == np.arange(m)[None, :]).astype(float)


def _residual(design: np.ndarray, target: np.ndarray) -> float:
    rest = target - design @ np.linalg.lstsq(design, target, rcond=None)[0]
    return float(rest @ rest)


def season_p_value(y: np.ndarray, m: int, multiplicative: bool) -> float:
    """How likely levels per phase explain as much as they do if there were no season: the
    F-test of a straight trend plus one level per phase against the straight trend alone. On
    two years of noise the classical seasonal strength is 1 (one ratio per phase), so copying
    last year's value would look right on noise; the test counts the levels it fits."""
    from scipy.stats import f as f_dist

    n = len(y)
    trend, levels = _design(n, m)
    target = np.log(y) if multiplicative else np.asarray(y, float)
    full = _residual(np.column_stack([trend, levels]), target)
    plain = _residual(np.column_stack([trend, np.ones(n)]), target)
    spare = n - m - 1
    if spare <= 0 or full <= 0:
        return 0.0 if plain > full else 1.0
    statistic = ((plain - full) / (m - 1)) / (full / spare)
    return float(f_dist.sf(statistic, m - 1, spare))


def fitted_indices(y: np.ndarray, m: int, multiplicative: bool) -> np.ndarray:
    """Seasonal indices from every point: least squares of ``y`` (its logarithm when
    multiplicative) on a straight trend and one level per phase. The centred moving average
    of the classical decomposition has no value for the first and last half season, so with
    two years of months each index rested on a single year's noise; here every year counts."""
    trend, levels = _design(len(y), m)
    design = np.column_stack([trend, levels])
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
