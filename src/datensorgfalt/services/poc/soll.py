"""The "Soll": the success criterion of a PoC, parsed from plain German or English.

Examples: ``WAPE<=15%``, ``Recall>=0.8``, ``20% besser als Ist``, ``20 % better than
baseline``, ``besser als Ist``. A criterion is judged against the metrics of the model and
of the baseline ("Ist").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

import numpy as np

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.services.poc.evaluation import (
    PERCENT_METRICS,
    PRIMARY,
    lower_is_better,
    paired_samples,
    widened,
)
from datensorgfalt.services.poc.outcome import Paired

ALIASES = {
    "wape": "wape", "smape": "smape", "mape": "mape", "mase": "mase", "mae": "mae",
    "rmse": "rmse", "auc": "auc", "roc-auc": "auc", "rocauc": "auc", "f1": "f1",
    "macro-f1": "macro_f1", "macro_f1": "macro_f1", "makro-f1": "macro_f1", "f1-makro": "macro_f1",
    "balanced_accuracy": "balanced_accuracy", "balanced-accuracy": "balanced_accuracy",
    "ausgewogene-trefferquote": "balanced_accuracy", "accuracy": "accuracy",
    "genauigkeit": "accuracy", "trefferquote": "accuracy",
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
NOTICEABLE = 0.01  # the smallest lead that counts: 1 % of the Ist's error, 0.01 of a score


class Comparison(TypedDict):
    """Model against baseline on the same backtest windows / folds / rows (paired).

    ``difference`` is model minus baseline in the measure's own unit; ``interval`` is its
    ``confidence`` interval from the paired resampling named in ``method``; ``p_value`` is the
    share of resamples in which the model was not better by the step the criterion asks for
    (None when not computed)."""

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
    ``more_data`` is a plain German hint (how much more data would likely decide) or None,
    ``more_data_en`` the same in English."""

    met: bool
    verdict: VerdictName
    comparison: Comparison | None
    more_data: str | None
    more_data_en: NotRequired[str | None]


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
    main: str = ""  # the kind's main measure (the baseline is beaten on it for thresholds)

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


    @property
    def versus(self) -> str:
        """The measure on which the model must beat the baseline: the criterion's own for
        relative criteria, the kind's main measure for thresholds (recall alone is easy to
        beat by warning always; the main measure weighs the false alarms too)."""
        return self.metric if self.kind == "relative" else (self.main or self.metric)

    def required_gain(self, base: np.ndarray | float) -> np.ndarray | float:
        """How much better than the baseline the model must be: the share asked for, and at
        least a noticeable step (``NOTICEABLE``) - a model 0.3 % better than the Ist is no
        reason to spend money, and on noise such tiny leads come and go."""
        share = self.value / 100 if self.kind == "relative" else 0.0
        if self.versus in FRACTION_METRICS:
            return np.maximum(share * (1 - base), NOTICEABLE)
        return np.maximum(np.abs(base) * share, NOTICEABLE * np.abs(base))

    def decide(self, paired: Paired | None, model: dict, baseline: dict) -> Verdict:
        """The verdict with confidence: every condition must hold at the lower end of its
        paired interval for "met"; a condition that fails already at its point estimate
        makes "not_met"; anything between is "undecided" (with a hint how much more data)."""
        mine, vm, vb = model.get(self.metric), model.get(self.versus), baseline.get(self.versus)
        if mine is None or vm is None or vb is None:
            return Verdict(met=False, verdict="undecided", comparison=None, more_data=None)
        ms, bs = paired_samples(paired.model, paired.baseline, paired.n, self.versus,
                                paired.groups) if paired else (np.zeros(0), np.zeros(0))
        if len(ms) < 50:
            passed = self.judge(model, baseline)
            return Verdict(met=False, verdict="not_met" if passed is False else "undecided",
                           comparison=None, more_data=None)
        own = ms if self.versus == self.metric else paired_samples(
            paired.model, paired.model, paired.n, self.metric, paired.groups)[0]
        diff = widened(ms - bs, paired.spread)
        ms, own = bs + diff, widened(own, paired.spread)
        checks = self._checks(mine, vm, vb, ms, bs, own)
        tail = (1 - CONFIDENCE) / 2
        comparison = _comparison(self.versus, vm, vb, ms, bs, paired.method, checks[0])
        if any(not _holds(point, strict) for point, _, strict in checks):
            return Verdict(met=False, verdict="not_met", comparison=comparison, more_data=None)
        if all(_holds(float(np.quantile(s, tail)), strict) for _, s, strict in checks):
            return Verdict(met=True, verdict="met", comparison=comparison, more_data=None)
        factor = max(_data_factor(point, s, tail) for point, s, _ in checks)
        return Verdict(met=False, verdict="undecided", comparison=comparison,
                       more_data=more_data_hint(factor, paired, "de"),
                       more_data_en=more_data_hint(factor, paired, "en"))

    def _checks(self, mine: float, vm: float, vb: float, ms: np.ndarray, bs: np.ndarray,
                own: np.ndarray) -> list[tuple[float, np.ndarray, bool]]:
        """(point value, resampled values, strict) of each condition; a condition holds when
        its value is above zero (at zero too when not ``strict``). The first is the paired
        gain over the baseline on ``versus``, the second the threshold on the criterion's
        measure (``own``: its resampled model values)."""
        sign = -1.0 if lower_is_better(self.versus) else 1.0
        gain_point, gains = sign * (vm - vb), sign * (ms - bs)
        needed = [(gain_point - float(self.required_gain(vb)),
                   gains - self.required_gain(bs), True)]
        if self.kind == "relative":
            return needed
        above = 1.0 if self.op in (">=", ">") else -1.0
        strict = self.op in (">", "<")
        return needed + [(above * (mine - self.value), above * (own - self.value), strict)]


def _holds(value: float, strict: bool) -> bool:
    return value > 1e-12 if strict else value >= -1e-12


def _comparison(metric: str, mine: float, base: float, ms: np.ndarray, bs: np.ndarray,
                method: str, gain: tuple[float, np.ndarray, bool]) -> Comparison:
    tail = (1 - CONFIDENCE) / 2
    diff = ms - bs
    p_value = (float(np.sum(gain[1] <= 0)) + 1) / (len(gain[1]) + 1)
    return Comparison(measure=metric, model=float(mine), baseline=float(base),
                      difference=float(mine - base),
                      interval=[float(np.quantile(diff, tail)),
                                float(np.quantile(diff, 1 - tail))],
                      confidence=CONFIDENCE, p_value=round(p_value, 4),
                      method=method)


def _data_factor(point: float, samples: np.ndarray, tail: float) -> float:
    """How many times the data would make the interval's lower end clear zero, assuming the
    point estimate stays and the interval narrows with the square root of the data."""
    low = float(np.quantile(samples, tail))
    if low > 0:
        return 1.0
    if point <= 0:
        return float("inf")
    return ((point - low) / point) ** 2


MAX_USEFUL_FACTOR = 10.0


def more_data_hint(factor: float, paired: Paired, lang: str) -> str:
    """A plain hint how much more data would likely decide the verdict (20 % added to the
    estimate: the interval narrows only on average with the square root of the data)."""
    units = len(np.unique(paired.groups)) if paired.groups is not None else paired.n
    factor = factor * 1.2
    much = "_much" if factor > MAX_USEFUL_FACTOR else ""
    if paired.period:  # a forecast's tested periods: a longer history adds them one by one
        tested = max(1, units // max(paired.series, 1))
        return t(f"poc.verdict.more_history{much}", lang=lang, n=tested,
                 more=max(1, int(np.ceil(tested * (factor - 1)))),
                 unit=t(f"poc.period.{paired.period}", lang=lang))
    unit = t(f"poc.verdict.unit.{paired.unit}", lang=lang)
    more = max(1, int(np.ceil(units * (factor - 1))))
    shown = f"{factor:.1f}" if factor < 3 else f"{factor:.0f}"
    key = f"poc.verdict.more_data{much}"
    return t(key, lang=lang, n=units, more=more, unit=unit,
             factor=shown.replace(".", "," if lang == "de" else "."))


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
        return Soll("relative", primary, value=0.0, text="besser als Ist", main=primary)
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
        return Soll("threshold", metric, op=op, value=value, text=raw, main=primary)
    match = _RELATIVE.match(raw)
    if match:
        metric = _metric(match["metric"], raw) if match["metric"] else primary
        value = _number(match["value"]) if match["value"] else 0.0
        if match["value"] and not match["pct"] and value <= 1:
            value *= 100
        if not 0 <= value < 100:
            raise InvalidSoll("poc.error.soll_range", text=raw)
        return Soll("relative", metric, value=value, text=raw, main=primary)
    raise InvalidSoll("poc.error.soll", text=raw)
