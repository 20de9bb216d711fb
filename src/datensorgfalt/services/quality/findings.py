"""Quality findings as plain data, and the catalogue of codes the profiler can emit.

Every code has a dimension and texts (de + en: title, what, why for AI, what to do) in
``knowledge/quality_findings.yaml``; ``tests/test_quality_texts.py`` checks that each code
listed in ``CODES`` has them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from datensorgfalt.i18n import language, t
from datensorgfalt.services.knowledge import load

# code -> dimension (completeness, uniqueness, validity, accuracy, consistency, currentness,
# regularity)
CODES: dict[str, str] = {
    "missing-values": "completeness",
    "empty-column": "completeness",
    "placeholder-values": "completeness",
    "type-mismatch": "validity",
    "mixed-date-formats": "validity",
    "mixed-number-formats": "validity",
    "invalid-postal-code": "validity",
    "invalid-iban": "validity",
    "invalid-email": "validity",
    "invalid-phone": "validity",
    "out-of-pattern": "validity",
    "outliers": "accuracy",
    "rare-spelling": "accuracy",
    "dependency-violation": "accuracy",
    "duplicate-rows": "uniqueness",
    "duplicate-key": "uniqueness",
    "conflicting-key": "consistency",
    "near-duplicates": "uniqueness",
    "rule-violation": "consistency",
    "outdated-dataset": "currentness",
    "stale-data": "currentness",
    "time-gaps": "regularity",
    "duplicate-timestamps": "regularity",
    "level-shift": "regularity",
    "unit-change": "regularity",
    "short-history": "regularity",
    "irregular-series": "regularity",
    "source-vanished": "completeness",
    "source-unreadable": "validity",
}


@dataclass
class QualityFinding:
    code: str
    severity: str
    column: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    # share of rows (or cells of the column) affected, 0..1, used by the scores
    share: float = 0.0

    @property
    def dimension(self) -> str:
        return CODES[self.code]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"dimension": self.dimension}


def finding_text(code: str, part: str = "title", lang: str | None = None) -> str:
    """``title``, ``what``, ``why`` or ``todo`` of a finding code in the user's language."""
    entry = load("quality_findings").get(code, {})
    return entry.get(lang or language(), entry.get("de", {})).get(part, code)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def message(finding: QualityFinding, lang: str | None = None) -> str:
    """One line: the column, the title and the evidence filled into the ``detail`` text."""
    title = finding_text(finding.code, "title", lang)
    template = finding_text(finding.code, "detail", lang)
    values = _Blank({k: _short(v) for k, v in finding.evidence.items()})
    if "rhythm" in finding.evidence:
        values["rhythm"] = t(f"quality.rhythm.{finding.evidence['rhythm']}", lang=lang)
    detail = template.format_map(values) if template != finding.code else ""
    where = f"{finding.column}: " if finding.column else ""
    return f"{where}{title}" + (f" – {detail}" if detail else "")


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_short(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_short(v) for v in value[:5]) + (" …" if len(value) > 5 else "")
    return str(value)
