"""``privacy``: find personal data in every cataloged table and document folder and record it.

Per dataset one ``Result(kind="privacy")`` (kinds, columns, documents, special categories,
suggested quasi-identifiers) and ``Finding(source="privacy")`` rows. A rerun replaces the
earlier privacy results of the dataset. A dataset that cannot be read gets a finding; the
run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete

from datensorgfalt.catalog import Catalog, save_result
from datensorgfalt.catalog.models import Dataset, Finding
from datensorgfalt.engine import text_columns
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import language, t
from datensorgfalt.services import Progress
from datensorgfalt.services.knowledge import load
from datensorgfalt.services.privacy.column_kinds import ColumnVerdict, classify_table
from datensorgfalt.services.privacy.entities import mask
from datensorgfalt.services.privacy.free_text import find_entities
from datensorgfalt.services.privacy.special import categories, special_categories_in
from datensorgfalt.workspace import Workspace

SEVERITY_ORDER = ["info", "warning", "error", "critical"]
DOCUMENT_CHARS = 200_000  # per document; letters and e-mails are far shorter


@dataclass
class PrivacyReport:
    run_id: int
    datasets: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "datasets": self.datasets, "failed": self.failed}

    def personal(self) -> list[dict[str, Any]]:
        """The datasets with personal data, the most findings first."""
        return most_findings_first([d for d in self.datasets if d["kinds"]])

    def quiet(self) -> list[dict[str, Any]]:
        """The datasets without personal data."""
        return [d for d in self.datasets if not d["kinds"]]


def finding_count(payload: dict[str, Any]) -> int:
    """How many personal values a privacy result found in its columns and documents."""
    return sum(c.get("count") or 0 for c in (payload.get("columns") or {}).values()) + sum(
        sum(d["counts"].values()) for d in (payload.get("documents") or {}).values())


def most_findings_first(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Privacy results ordered as a person should look at them: the most findings first."""
    return sorted(payloads, key=finding_count, reverse=True)


def documents_by_findings(payload: dict[str, Any]) -> list[tuple[str, dict[str, Any], int]]:
    """The documents of a folder as (path, result, findings), the most findings first."""
    return sorted(((path, d, sum(d["counts"].values()))
                   for path, d in (payload.get("documents") or {}).items()),
                  key=lambda row: -row[2])


def kind_info() -> dict[str, dict]:
    return load("privacy/kinds")


def scan_privacy(workspace: Workspace | None, catalog: Catalog, selectors: list[str] | None = None,
                 progress: Progress | None = None) -> PrivacyReport:
    datasets = _select(catalog, selectors)
    run_id = catalog.start_run("privacy", {"datasets": selectors or []})
    report = PrivacyReport(run_id)
    for index, dataset in enumerate(datasets):
        if progress:
            progress(index, len(datasets), dataset.title)
        try:
            payload = _payload(dataset)
        except (DatensorgfaltError, OSError, ValueError) as exc:
            report.failed.append({"id": dataset.id, "title": dataset.title, "reason": str(exc)})
            _store(catalog, dataset.id, run_id, None, [_unreadable(dataset, exc)])
            continue
        _store(catalog, dataset.id, run_id, payload, _findings(payload))
        report.datasets.append({"id": dataset.id, "title": dataset.title, **payload})
    if progress:
        progress(len(datasets), len(datasets), "")
    catalog.finish_run(run_id, "ok" if not report.failed else "partial",
                       {"datasets": len(report.datasets), "failed": len(report.failed)})
    return report


def _select(catalog: Catalog, selectors: list[str] | None) -> list[Dataset]:
    if selectors:
        return [catalog.dataset(s) for s in selectors]
    return [d for d in catalog.datasets() if d.kind in ("table", "documents")
            and d.status == "active" and not (d.details or {}).get("protected_from")]


def _payload(dataset: Dataset) -> dict[str, Any]:
    if dataset.kind == "documents":
        return documents_payload(dataset.details.get("documents", []))
    columns, rows = text_columns(dataset.location)
    return table_payload(classify_table(columns), rows)


def table_payload(verdicts: dict[str, ColumnVerdict], rows: int) -> dict[str, Any]:
    info = kind_info()
    personal = {name: vd for name, vd in verdicts.items() if vd.personal}
    kinds = sorted({k for vd in personal.values() for k in vd.kinds})
    special = sorted({c for vd in personal.values() for c in vd.special_categories})
    quasi = [name for name, vd in personal.items()
             if any(info.get(k, {}).get("quasi") for k in vd.kinds)]
    return {"kinds": kinds, "columns": {n: vd.to_dict() for n, vd in personal.items()},
            "special_categories": special, "documents": {}, "quasi_identifiers": quasi,
            "rows_checked": rows,
            "company_columns": [n for n, vd in verdicts.items() if vd.company]}


def documents_payload(documents: list[dict]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for doc in documents:
        text = _document_text(doc)
        if text is None:
            continue
        entities = find_entities(text[:DOCUMENT_CHARS])
        special = special_categories_in(text[:DOCUMENT_CHARS])
        if not entities and not special:
            continue
        counts: dict[str, int] = {}
        for e in entities:
            counts[e.type] = counts.get(e.type, 0) + 1
        result[doc.get("path", "?")] = {
            "kinds": sorted(counts) + (["SPECIAL_CATEGORY"] if special else []),
            "counts": counts, "examples": [mask(e.text) for e in entities[:3]],
            "confidence": round(max((e.score for e in entities), default=0.6), 2),
            "special_categories": special}
    kinds = sorted({k for d in result.values() for k in d["kinds"]})
    special_all = sorted({c for d in result.values() for c in d["special_categories"]})
    return {"kinds": kinds, "columns": {}, "special_categories": special_all,
            "documents": result, "quasi_identifiers": [], "documents_checked": len(documents)}


def _document_text(doc: dict) -> str | None:
    for key in ("text_path", "path"):
        path = doc.get(key)
        if path and Path(path).is_file() and (key == "text_path" or path.endswith(".txt")):
            return Path(path).read_text("utf-8", errors="replace")
    return None


def severity_of(kinds: list[str]) -> str:
    info = kind_info()
    levels = [info.get(k, {}).get("severity", "warning") for k in kinds] or ["info"]
    return max(levels, key=SEVERITY_ORDER.index)


def _findings(payload: dict[str, Any]) -> list[Finding]:
    found = []
    for name, column in payload["columns"].items():
        kinds = column["kinds"]
        code = "special-category-data" if "SPECIAL_CATEGORY" in kinds else (
            "identifier-column" if set(kinds) <= {"CUSTOMER_ID", "EMPLOYEE_ID"}
            else "personal-data")
        labels = kind_labels(kinds, column.get("special_categories", []))
        found.append(Finding(source="privacy", code=code, severity=severity_of(kinds),
                             dimension="privacy", column_name=name,
                             message=t(f"privacy.finding.{code}", kinds=labels,
                                       n=column["count"]),
                             evidence={k: column[k] for k in ("kinds", "confidence", "examples",
                                                              "evidence")}))
    for path, doc in payload["documents"].items():
        found.append(Finding(source="privacy", code="personal-data-in-document",
                             severity=severity_of(doc["kinds"]), dimension="privacy",
                             message=t("privacy.finding.personal-data-in-document",
                                       kinds=kind_labels(doc["kinds"],
                                                         doc["special_categories"]),
                                       path=Path(path).name),
                             evidence={"path": path, **doc}))
    return found


def kind_labels(kinds: list[str], special: list[str] | None = None) -> str:
    """Plain-language names of the kinds; special categories named (e.g. "Gesundheitsdaten")."""

    info, lang = kind_info(), language()
    labels = [info.get(k, {}).get(lang, k) for k in kinds if not (special and
                                                                 k == "SPECIAL_CATEGORY")]
    labels += [categories().get(c, {}).get(lang, c) for c in special or []]
    return ", ".join(labels)


def _unreadable(dataset: Dataset, exc: BaseException) -> Finding:
    return Finding(source="privacy", code="privacy-unreadable", severity="warning",
                   dimension="privacy", message=t("privacy.finding.privacy-unreadable",
                                                  reason=str(exc)),
                   evidence={"location": dataset.location})


def _store(catalog: Catalog, dataset_id: str, run_id: int, payload: dict | None,
           findings: list[Finding]) -> None:
    with catalog.session() as session:
        session.execute(delete(Finding).where(Finding.dataset_id == dataset_id,
                                              Finding.source == "privacy"))
        if payload is not None:
            save_result(session, "privacy", payload, key="scan", dataset_id=dataset_id,
                        run_id=run_id, replace=True)
        for finding in findings:
            finding.dataset_id = dataset_id
            finding.run_id = run_id
            session.add(finding)


def privacy_result(catalog: Catalog, dataset_id: str) -> dict[str, Any] | None:
    row = catalog.latest_result("privacy", key="scan", dataset_id=dataset_id)
    return dict(row.payload) if row else None
