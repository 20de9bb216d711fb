"""A global LightGBM forecaster: one model for all series, direct multi-step (the horizon
step is a feature, so no errors are fed back), lags scaled per series, calendar features
and German public holidays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from datensorgfalt.services.poc.calendar import DEFAULT_STATE, calendar_features
from datensorgfalt.services.poc.series import PANDAS_FREQ

MAX_ROWS = 150_000
MIN_ROWS = 1_500
SEED = 7


@dataclass
class LightGBMForecaster:
    freq: str
    season: int
    state: str = DEFAULT_STATE
    name: str = "LightGBM"

    @property
    def lags(self) -> int:
        return int(min(max(self.season, 6), 56))

    def samples(self, long: pd.DataFrame, h: int) -> int:
        sizes = long.groupby("unique_id").size().to_numpy()
        return int(np.clip(sizes - self.lags - h, 0, None).sum() * h)

    def useful(self, long: pd.DataFrame, h: int = 6) -> bool:
        return self.samples(long, h) >= MIN_ROWS

    def _rows(self, y: np.ndarray, origins: np.ndarray, steps: np.ndarray) -> np.ndarray:
        lag_idx = origins[:, None] - np.arange(self.lags)[None, :]
        scale = np.abs(y[lag_idx[:, : max(self.season, 1)]]).mean(axis=1)
        scale = np.where(scale > 1e-9, scale, 1.0)
        lags = y[lag_idx] / scale[:, None]
        seasonal = np.full(len(origins), np.nan)
        if self.season > 1:
            back = origins + steps - self.season
            ok = back <= origins
            seasonal[ok] = y[np.clip(back[ok], 0, None)] / scale[ok]
        stats = np.column_stack([lags.mean(axis=1), lags.std(axis=1), lags[:, 0] - lags[:, -1]])
        return np.column_stack([steps, lags, seasonal, stats]), scale

    def _design(self, long: pd.DataFrame, h: int, rng: np.random.Generator):
        X_parts, t_parts, dates = [], [], []
        for _, part in long.groupby("unique_id", sort=False):
            y = part["y"].to_numpy(float)
            ds = part["ds"].to_numpy()
            n = len(y)
            origins = np.arange(self.lags - 1, n - 1)
            if len(origins) == 0:
                continue
            o, k = np.meshgrid(origins, np.arange(1, h + 1), indexing="ij")
            o, k = o.ravel(), k.ravel()
            keep = o + k < n
            o, k = o[keep], k[keep]
            X, scale = self._rows(y, o, k)
            X_parts.append(X)
            t_parts.append(y[o + k] / scale)
            dates.append(ds[o + k])
        X, target, when = np.vstack(X_parts), np.concatenate(t_parts), np.concatenate(dates)
        if len(target) > MAX_ROWS:
            pick = rng.choice(len(target), MAX_ROWS, replace=False)
            X, target, when = X[pick], target[pick], when[pick]
        calendar = calendar_features(pd.Series(when), self.freq, self.state).to_numpy(float)
        return np.column_stack([X, calendar]), target

    def forecast(self, train: pd.DataFrame, h: int) -> pd.DataFrame:
        import lightgbm as lgb

        rng = np.random.default_rng(SEED)
        X, target = self._design(train, h, rng)
        model = lgb.LGBMRegressor(n_estimators=400, learning_rate=0.05, num_leaves=31,
                                  min_child_samples=min(20, max(5, len(target) // 50)),
                                  subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
                                  random_state=SEED, n_jobs=1, verbose=-1)
        model.fit(X, target)
        rows = []
        for uid, part in train.groupby("unique_id", sort=False):
            y = part["y"].to_numpy(float)
            if len(y) < self.lags:
                continue
            origins = np.full(h, len(y) - 1)
            Xf, scale = self._rows(y, origins, np.arange(1, h + 1))
            future = pd.date_range(part["ds"].iloc[-1], periods=h + 1,
                                   freq=PANDAS_FREQ[self.freq])[1:]
            calendar = calendar_features(pd.Series(future), self.freq, self.state)
            yhat = model.predict(np.column_stack([Xf, calendar.to_numpy(float)])) * scale
            rows.append(pd.DataFrame({"unique_id": uid, "ds": future, "yhat": yhat}))
        return pd.concat(rows, ignore_index=True)
