"""Data requirements of a use case, checked against the catalog.

Each predicate in ``knowledge/usecases.yaml`` (``time_series``, ``sensor_series``,
``event_log``, ``images``, ``texts``, ``documents``, ``table``, ``external``) is a function
here that takes its parameters and the :class:`Evidence` and returns a :class:`Check`: how far
the requirement is met (``ratio`` 0..1), which datasets meet it, and the facts for the text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from datensorgfalt.services.evidence import Evidence, Facts, numeric_columns
from datensorgfalt.services.vocabulary import says


@dataclass
class Check:
    """Outcome of one requirement."""

    predicate: str
    ratio: float
    datasets: list[Facts] = field(default_factory=list)
    have: dict[str, Any] = field(default_factory=dict)
    need: dict[str, Any] = field(default_factory=dict)
    poc: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.ratio >= 1.0


def _share(have: float, need: float) -> float:
    return 1.0 if not need else max(0.0, min(have / need, 1.0))


def _keywords(facts: Facts, spec: dict) -> bool:
    words = spec.get("keywords") or []
    text = facts.text()
    return not words or any(str(w).lower() in text for w in words)


def _relevance(facts: Facts, spec: dict) -> int:
    """2 when a keyword is in the dataset's name or path, 1 when only in a column name."""
    words = [str(w).lower() for w in spec.get("keywords") or []]
    name = f"{facts.title} {facts.rel_path}".lower()
    return 2 if any(w in name for w in words) else 1


def _best(checks: list[Check], predicate: str, need: dict, spec: dict | None = None) -> Check:
    if not checks:
        return Check(predicate, 0.0, need=need)
    spec = spec or {}
    return max(checks, key=lambda c: (c.ratio, _relevance(c.datasets[0], spec),
                                      c.have.get("rows") or 0))


def time_series(spec: dict, evidence: Evidence) -> Check:
    need = {k: spec[k] for k in ("min_months", "min_seasonal_cycles") if k in spec}
    checks = []
    for d in evidence.originals:
        s = d.series
        if s is None or s.kind != "business" or not _keywords(d, spec):
            continue
        targets = [c for c in s.numeric
                   if not spec.get("target_semantic") or c["semantic"] in spec["target_semantic"]]
        if spec.get("numeric_target") and not targets:
            continue
        target = _prefer(targets or s.numeric)
        ratio = min(_share(s.months, spec.get("min_months", 0)),
                    _share(s.seasonal_cycles, spec.get("min_seasonal_cycles", 0)))
        checks.append(Check("time_series", ratio, [d], need=need, have={
            "months": round(s.months), "cycles": s.seasonal_cycles, "rows": d.rows,
            "date": s.date_column, "target": target["name"]},
            poc={"dataset": d.id, "date": s.date_column, "target": target["name"]}))
    return _best(checks, "time_series", need, spec)


def _prefer(columns: list[dict]) -> dict:
    """The most telling target: net amount before gross, amounts before quantities."""
    def rank(c: dict) -> tuple:
        return says("net_amount", c["name"]), c["semantic"] == "amount", c["semantic"] == "quantity"
    return max(columns, key=rank)


def sensor_series(spec: dict, evidence: Evidence) -> Check:
    need = {"min_series": spec.get("min_series", 1), "min_months": spec.get("min_months", 0),
            "min_signals": spec.get("min_signals", 1)}
    found = [d for d in evidence.originals if d.series and d.series.kind == "sensor"
             and len(d.series.numeric) >= 1 and _keywords(d, spec)]
    if not found:
        return Check("sensor_series", 0.0, need=need)
    found.sort(key=lambda d: (len(d.series.numeric), d.series.months), reverse=True)
    best = found[0]
    good = [d for d in found if d.series.months >= need["min_months"]
            and len(d.series.numeric) >= need["min_signals"]]
    ratio = min(_share(len(good) or len(found), need["min_series"]),
                _share(best.series.months, need["min_months"]),
                _share(len(best.series.numeric), need["min_signals"]))
    target = _target_signal(best, spec)
    return Check("sensor_series", ratio, good or found, need=need, have={
        "series": len(good or found), "months": round(best.series.months),
        "signals": len(best.series.numeric), "rows": best.rows},
        poc={"dataset": best.id, "date": best.series.date_column, "target": target})


def _target_signal(d: Facts, spec: dict) -> str:
    words = [str(w).lower() for w in spec.get("keywords") or []]
    for column in d.series.numeric:
        if any(w in column["name"].lower() for w in words):
            return column["name"]
    vibration = [c for c in d.series.numeric if says("wear_signal", c["name"])]
    return (vibration or d.series.numeric)[0]["name"]


def event_log(spec: dict, evidence: Evidence) -> Check:
    need = {"min_rows": spec.get("min_rows", 1)}
    checks = [Check("event_log", _share(d.rows or 0, need["min_rows"]), [d], need=need,
                    have={"rows": d.rows or 0}, poc={"events": d.id})
              for d in evidence.originals
              if d.kind in ("table", "database") and _has_date(d) and _keywords(d, spec)]
    return _best(checks, "event_log", need, spec)


def _has_date(d: Facts) -> bool:
    return any(c["type"] in ("date", "datetime") for c in d.columns)


def images(spec: dict, evidence: Evidence) -> Check:
    need = {"min_per_class": spec.get("min_per_class", 1), "min_classes": spec.get(
        "min_classes", 1)}
    checks = []
    for d in evidence.originals:
        if d.kind != "images" or not _keywords(d, spec):
            continue
        labels = {k: int(v) for k, v in (d.details.get("labels") or {}).items() if v}
        counts = sorted(labels.values(), reverse=True)[: need["min_classes"]]
        weakest = min(counts) if counts else 0
        ratio = min(_share(len(labels), need["min_classes"]),
                    _share(weakest, need["min_per_class"]))
        short = {k: v for k, v in labels.items() if v < need["min_per_class"]}
        checks.append(Check("images", ratio, [d], need=need, have={
            "classes": len(labels), "labels": labels, "short": short,
            "rows": sum(labels.values())}, poc={"dataset": d.id}))
    return _best(checks, "images", need, spec)


def documents(spec: dict, evidence: Evidence) -> Check:
    need = {"min_count": spec.get("min_count", 1)}
    checks = [Check("documents", _share(_doc_count(d), need["min_count"]), [d], need=need,
                    have={"count": _doc_count(d), "rows": _doc_count(d)})
              for d in evidence.originals if d.kind == "documents" and _keywords(d, spec)]
    return _best(checks, "documents", need, spec)


def _doc_count(d: Facts) -> int:
    return len(d.details.get("documents") or []) or int(d.rows or 0)


def texts(spec: dict, evidence: Evidence) -> Check:
    need = {"min_count": spec.get("min_count", 1), "label_column": bool(spec.get("label_column"))}
    checks = []
    for d in evidence.originals:
        if d.kind != "documents" or not _keywords(d, spec):
            continue
        count = _doc_count(d)
        labels = _label_table(d, evidence) if need["label_column"] else None
        labelled = min(count, labels[0].rows or count) if labels else count
        ratio = _share(labelled, need["min_count"])
        if need["label_column"] and not labels:
            ratio = min(ratio, 0.5)
        have = {"count": count, "labelled": labelled, "rows": count}
        poc = {"dataset": d.id}
        found = [d]
        if labels:
            table, file_col, label_col = labels
            found.append(table)
            have |= {"label_table": table.title, "label": label_col}
            poc |= {"labels": table.id, "text": file_col, "label": label_col}
        checks.append(Check("texts", ratio, found, need=need, have=have, poc=poc))
    return _best(checks, "texts", need, spec)


def _label_table(docs: Facts, evidence: Evidence) -> tuple[Facts, str, str] | None:
    """A table in the documents' folder (or naming files) with a label column."""
    folder = docs.path.rstrip("/") + "/"
    for d in evidence.originals:
        if d.kind != "table" or len(d.columns) < 2:
            continue
        file_cols = [c["name"] for c in d.columns if says("file_reference", c["name"])]
        if not (d.path.startswith(folder) or file_cols):
            continue
        file_col = file_cols[0] if file_cols else d.columns[0]["name"]
        candidates = [c for c in d.columns if c["name"] != file_col and c["type"] == "text"]
        candidates.sort(key=lambda c: (c["semantic"] == "category",
                                       says("label", c["name"])), reverse=True)
        if candidates:
            return d, file_col, candidates[0]["name"]
    return None


def table(spec: dict, evidence: Evidence) -> Check:
    need = {"min_rows": spec.get("min_rows", 1)}
    checks = []
    for d in evidence.originals:
        if d.kind not in ("table", "database") or not _keywords(d, spec):
            continue
        semantics = {c["semantic"] for c in d.columns}
        if not set(spec.get("semantic") or []) <= semantics:
            continue
        target = _table_target(d, spec.get("target_kind"), spec.get("target_keywords"))
        if spec.get("target_kind") and target is None:
            continue
        checks.append(Check("table", _share(d.rows or 0, need["min_rows"]), [d], need=need,
                            have={"rows": d.rows or 0},
                            poc={"dataset": d.id, "target": target} if target else
                            {"dataset": d.id}))
    return _best(checks, "table", need, spec)


def _table_target(d: Facts, kind: str | None, keywords: list[str] | None = None) -> str | None:
    """The column a PoC would predict. With ``keywords`` only a column whose name says it is
    that outcome counts (a delivery-time model needs a delivery time, not any amount)."""
    if keywords:
        named = [c for c in d.columns if any(k in c["name"].lower() for k in keywords)]
        d = replace(d, columns=named)
    if kind == "numeric":

        numeric = numeric_columns(d.columns)
        return numeric[-1]["name"] if numeric else None
    if kind == "category":
        cats = [c for c in d.columns if c["type"] in ("text", "boolean")
                and c["semantic"] not in ("free_text", "email", "phone", "iban", "identifier")
                and not says("person", c["name"])]  # an outcome, never a person
        cats.sort(key=lambda c: (says("outcome", c["name"]),
                                 c["semantic"] == "category"), reverse=True)
        return cats[0]["name"] if cats else None
    return None


def external(spec: dict, evidence: Evidence) -> Check:
    """Data from outside the company is never in the catalog; it can be obtained (ratio 0.5)."""
    return Check("external", 0.5, need={"what": spec.get("what")})


PREDICATES: dict[str, Callable[[dict, Evidence], Check]] = {
    "time_series": time_series, "sensor_series": sensor_series, "event_log": event_log,
    "images": images, "texts": texts, "documents": documents, "table": table,
    "external": external,
}

# Parameters each predicate understands (the use-case file test checks against this).
PARAMETERS: dict[str, set[str]] = {
    "time_series": {"date_column", "numeric_target", "target_semantic", "min_months",
                    "min_seasonal_cycles", "keywords", "how"},
    "sensor_series": {"min_series", "min_signals", "min_months", "keywords", "how"},
    "event_log": {"keywords", "min_rows", "how"},
    "images": {"min_per_class", "min_classes", "keywords", "how"},
    "texts": {"min_count", "label_column", "keywords", "how"},
    "documents": {"min_count", "keywords", "how"},
    "table": {"min_rows", "keywords", "semantic", "target_kind", "target_keywords", "how"},
    "external": {"what", "how"},
}
