"""What every PoC kind hands back: baseline ("Ist") and model, measured the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: The metrics on the units ``idx`` (a resample): ``measure(idx)``. A measure may take the
#: wanted metric names as a second argument, ``measure(idx, keys)``, and skip the others (a
#: verdict resamples a thousand times for one measure; the AUC would cost most of the time).
Measure = Callable[..., dict[str, float]]


@dataclass
class Scored:
    """A baseline or model: its name, metrics and metric intervals (90 %)."""

    name: str
    metrics: dict[str, float | None]
    intervals: dict[str, list[float | None]] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "metrics": self.metrics, "intervals": self.intervals}
        return out | ({"details": self.details} if self.details else {})


@dataclass
class Paired:
    """Baseline and model measured on the same units (held-out rows, out-of-fold texts,
    backtest points, time blocks): resampling the units compares them pairwise.

    ``model``/``baseline`` take the indices of a resample and give the metrics on it;
    ``groups`` (one id per unit) are resampled whole (duplicates, series, time blocks);
    ``unit`` names the units in the German "more data" hint ("Zeilen", "Texte");
    ``spread`` widens the resampled differences around their mean: out-of-fold predictions of
    a k-fold cross-validation vary more than a resample of fixed predictions shows, by about
    sqrt(1 + k / (k - 1)) (the correction of Nadeau and Bengio); 1 for a held-out part.
    ``period`` (a forecast's frequency, "M") when the units are the periods of ``series``
    series: more data then means a longer history, and the hint says how many periods."""

    n: int
    model: Measure
    baseline: Measure
    method: str
    unit: str = "rows"
    groups: np.ndarray | None = None
    spread: float = 1.0
    period: str | None = None
    series: int = 1


@dataclass
class Outcome:
    kind: str
    columns: dict[str, Any]
    baseline: Scored
    model: Scored | None
    evaluation: str
    candidates: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, str]] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    artefact: dict[str, Any] = field(default_factory=dict)
    plots: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    rows: int = 0
    paired: Paired | None = None
    left_out: list[dict[str, Any]] = field(default_factory=list)
    # whether the saved model was trained again on all rows (else it is the evaluation's)
    refit: bool | None = None
