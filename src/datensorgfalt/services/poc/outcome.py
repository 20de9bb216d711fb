"""What every PoC kind hands back: baseline ("Ist") and model, measured the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    # whether the saved model was trained again on all rows (else it is the evaluation's)
    refit: bool | None = None
