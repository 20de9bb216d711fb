"""The "Soll": the success criterion of a PoC, parsed from plain German or English.

Examples: ``WAPE<=15%``, ``Recall>=0.8``, ``20% besser als Ist``, ``20 % better than
baseline``, ``besser als Ist``. A criterion is judged against the metrics of the model and
of the baseline ("Ist").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, TypedDict

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.poc.evaluation import PERCENT_METRICS, PRIMARY, lower_is_better

ALIASES = {
    "wape": "wape", "smape": "smape", "mape": "mape", "mase": "mase", "mae": "mae",
    "rmse": "rmse", "auc": "auc", "roc-auc": "auc", "rocauc": "auc", "f1": "f1",
    "macro-f1": "macro_f1", "macro_f1": "macro_f1", "makro-f1": "macro_f1", "f1-makro": "macro_f1",
    "accuracy": "accuracy", "genauigkeit": "accuracy", "trefferquote": "accuracy",
    "treffergenauigkeit": "accuracy", "korrektklassifikationsrate": "accuracy",
    "recall": "recall", "sensitivität": "recall", "sensitivitaet": "recall",
    "erkennungsrate": "recall", "präzision": "precision", "praezision": "precision",
    "precision": "precision", "r2": "r2", "r²": "r2", "bestimmtheitsmaß": "r2",
    "ereignis-recall": "event_recall", "event_recall": "event_recall",
    "vorwarnquote": "event_recall", "vorlaufzeit": "lead_time_hours",
    "lead_time": "lead_time_hours", "lead-time": "lead_time_hours",
}
FRACTION_METRICS = {"auc", "f1", "macro_f1", "accuracy", "recall", "precision", "r2",
                    "event_recall", "balanced_accuracy"}

_THRESHOLD = re.compile(
    r"^\s*(?P<metric>[\w²\-]+)\s*(?P<op><=|>=|=<|=>|<|>|≤|≥)\s*(?P<value>[\d.,]+)\s*(?P<pct>%)?\s*$",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"^\s*(?:(?P<value>[\d.,]+)\s*(?P<pct>%|prozent|percent)?\s*)?"
    r"(?:besser\s+als\s+(?:der\s+|das\s+)?(?:ist(?:-stand|stand)?|baseline|referenz)"
    r"|better\s+than\s+(?:the\s+)?(?:baseline|ist|current(?:\s+state)?))"
    r"(?:\s+(?:bei|in|on|im)\s+(?P<metric>[\w²\-]+))?\s*$",
    re.IGNORECASE,
)


VerdictName = Literal["met", "not_met", "undecided"]
CONFIDENCE = 0.9


class Comparison(TypedDict):
    """Model against baseline on the same backtest windows / folds / rows (paired).

    ``difference`` is model minus baseline in the measure's own unit; ``interval`` is its
    ``confidence`` interval from the paired resampling named in ``method``; ``p_value`` is the
    share of resamples in which the model was not better (None when not computed)."""

    measure: str
    model: float
    baseline: float
    difference: float
    interval: list[float]
    confidence: float
    p_value: float | None
    method: str


class Verdict(TypedDict):
    """What a PoC result adds to its payload: ``met`` is True only for ``verdict == "met"``;
    ``more_data`` is a plain German hint (how much more data would likely decide) or None."""

    met: bool
    verdict: VerdictName
    comparison: Comparison | None
    more_data: str | None


class InvalidSoll(DatensorgfaltError):
    """The success criterion could not be understood."""


@dataclass(frozen=True)
class Soll:
    """``kind`` is "threshold" (metric op value) or "relative" (x % better than the baseline)."""

    kind: str
    metric: str
    op: str = ""
    value: float = 0.0
    text: str = ""

    def describe(self) -> str:
        return self.text

    def judge(self, model: dict, baseline: dict) -> bool | None:
        """True/False when both numbers exist; None when the metric was not measured."""
        mine = model.get(self.metric)
        if mine is None:
            return None
        if self.kind == "threshold":
            return _compare(mine, self.op, self.value)
        base = baseline.get(self.metric)
        if base is None:
            return None
        share = self.value / 100
        if lower_is_better(self.metric):
            return mine < base if share == 0 else mine <= base * (1 - share)
        if self.metric in FRACTION_METRICS:
            # "20 % better" for a score: 20 % of the way from the baseline to perfect
            return mine > base if share == 0 else mine >= base + share * (1 - base)
        return mine > base if share == 0 else mine >= base * (1 + share)


def _compare(value: float, op: str, target: float) -> bool:
    return {"<=": value <= target, "<": value < target, ">=": value >= target,
            ">": value > target}[op]


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _metric(name: str, raw: str) -> str:
    metric = ALIASES.get(name.lower())
    if metric is None:
        raise InvalidSoll("poc.error.soll_metric", text=raw, metric=name,
                          known=", ".join(sorted(set(ALIASES.values()))))
    return metric


def parse_soll(text: str | None, kind: str) -> Soll:
    """The criterion for a PoC of ``kind``; default: better than the baseline ("Ist")."""
    primary = PRIMARY[kind]
    if not text or not text.strip():
        return Soll("relative", primary, value=0.0, text="besser als Ist")
    raw = text.strip()
    match = _THRESHOLD.match(raw)
    if match:
        metric = _metric(match["metric"], raw)
        op = {"=<": "<=", "=>": ">=", "≤": "<=", "≥": ">="}.get(match["op"], match["op"])
        value = _number(match["value"])
        if metric in PERCENT_METRICS and not match["pct"] and value <= 1:
            value *= 100
        if metric in FRACTION_METRICS and (match["pct"] or value > 1):
            value /= 100
        return Soll("threshold", metric, op=op, value=value, text=raw)
    match = _RELATIVE.match(raw)
    if match:
        metric = _metric(match["metric"], raw) if match["metric"] else primary
        value = _number(match["value"]) if match["value"] else 0.0
        if match["value"] and not match["pct"] and value <= 1:
            value *= 100
        if not 0 <= value < 100:
            raise InvalidSoll("poc.error.soll_range", text=raw)
        return Soll("relative", metric, value=value, text=raw)
    raise InvalidSoll("poc.error.soll", text=raw)
