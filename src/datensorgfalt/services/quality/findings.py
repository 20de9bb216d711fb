"""Quality findings as plain data, and the catalogue of codes the profiler can emit.

Every code has a dimension and texts (de + en: title, what, why for AI, what to do) in
``knowledge/quality_findings.yaml``; ``tests/test_quality_texts.py`` checks that each code
listed in ``CODES`` has them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from datensorgfalt.i18n import keys, language, t
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
    """One line: the column, the title and the evidence filled into the ``detail`` text, with
    numbers, type names and date patterns in the user's language."""
    lang = lang or language()
    title = finding_text(finding.code, "title", lang)
    template = finding_text(finding.code, "detail", lang)
    evidence = finding.evidence if isinstance(finding.evidence, dict) else {}
    values = _Blank({str(k): _short(v, lang) for k, v in evidence.items()})
    if isinstance(evidence.get("rhythm"), str):
        values["rhythm"] = _word("quality.rhythm", evidence["rhythm"], lang)
    if isinstance(evidence.get("type"), str):
        values["type"] = _word("quality.kind", evidence["type"], lang)
    if isinstance(evidence.get("formats"), dict):
        values["formats"] = _short({_pattern(str(k), lang): v
                                    for k, v in evidence["formats"].items()}, lang)
    if isinstance(evidence.get("percent"), str) and lang == "de":
        values["percent"] = evidence["percent"].replace(".", ",")
    try:
        detail = template.format_map(values) if template != finding.code else ""
    except (ValueError, IndexError, AttributeError, KeyError):  # a text with odd braces
        detail = ""
    where = f"{finding.column}: " if finding.column else ""
    return f"{where}{title}" + (f" – {detail}" if detail else "")


def _word(prefix: str, value: str, lang: str) -> str:
    key = f"{prefix}.{value}"
    return t(key, lang=lang) if key in keys(lang) else value


def _pattern(pattern: str, lang: str) -> str:
    """``dd.mm.yyyy`` as a German reader writes it (``TT.MM.JJJJ``)."""
    if lang != "de":
        return pattern
    return pattern.replace("yyyy", "JJJJ").replace("dd", "TT").replace("mm", "MM")


def _short(value: Any, lang: str = "de") -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return _number(value, lang)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_short(v, lang)}" for k, v in list(value.items())[:5]) + (
            " …" if len(value) > 5 else "")
    if isinstance(value, list | tuple):
        return ", ".join(_short(v, lang) for v in value[:5]) + (" …" if len(value) > 5 else "")
    text = str(value)
    return text if len(text) <= 200 else text[:200] + " …"


def _number(value: float, lang: str) -> str:
    """At most four significant digits, no exponent for ordinary sizes, German separators."""
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 10_000:
        text = f"{value:,.0f}"
    elif value == 0 or abs(value) >= 0.001:
        text = f"{value:,.4g}"
    else:
        text = f"{value:.2e}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "de" else text
