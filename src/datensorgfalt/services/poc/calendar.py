"""Calendar features with German public holidays per Bundesland (package ``holidays``)."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

DEFAULT_STATE = "NW"


@cache
def holiday_dates(state: str, years: tuple[int, ...]) -> frozenset:
    import holidays

    return frozenset(holidays.Germany(subdiv=state, years=list(years)).keys())


def working_days(starts: pd.Series, freq: str, state: str = DEFAULT_STATE) -> np.ndarray:
    """Mon-Fri without public holidays of ``state`` in each period starting at ``starts``."""
    offset = pd.tseries.frequencies.to_offset({"W": "W-MON", "M": "MS", "Q": "QS",
                                               "Y": "YS"}.get(freq, "D"))
    starts = pd.to_datetime(starts)
    years = tuple(range(int(starts.dt.year.min()) - 1, int(starts.dt.year.max()) + 2))
    free = np.array(sorted(holiday_dates(state, years)), dtype="datetime64[D]")
    begin = starts.to_numpy().astype("datetime64[D]")
    end = (starts + offset).to_numpy().astype("datetime64[D]")
    return np.busday_count(begin, end, holidays=free).astype(float)


def calendar_features(ds: pd.Series, freq: str, state: str = DEFAULT_STATE) -> pd.DataFrame:
    """Month, week, weekday, hour (as fits the frequency) and working days / holiday flag."""
    ds = pd.to_datetime(pd.Series(ds).reset_index(drop=True))
    out = pd.DataFrame({"month": ds.dt.month.astype(float)})
    if freq in ("W", "D", "H"):
        out["week"] = ds.dt.isocalendar().week.astype(float).to_numpy()
    if freq in ("D", "H"):
        out["weekday"] = ds.dt.weekday.astype(float)
        years = tuple(range(int(ds.dt.year.min()), int(ds.dt.year.max()) + 1))
        free = holiday_dates(state, years)
        out["holiday"] = ds.dt.date.map(lambda d: d in free).astype(float)
    if freq == "H":
        out["hour"] = ds.dt.hour.astype(float)
    if freq in ("W", "M", "Q", "Y"):
        out["working_days"] = working_days(ds, freq, state)
    return out
