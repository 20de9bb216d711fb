"""``quality`` over the catalog: profile every tabular dataset, store results with history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import delete

from datensorgfalt.catalog import Catalog, json_safe, save_result
from datensorgfalt.catalog.models import Dataset, Finding
from datensorgfalt.engine import (
    SourceUnreadable,
    SourceVanished,
    connect,
    local_path,
    staged_parquet,
)
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services import Progress
from datensorgfalt.services.outputs import CsvCells, check_output, writing
from datensorgfalt.services.privacy import (
    mask_finding_evidence,
    mask_profile_values,
    personal_columns,
)
from datensorgfalt.services.quality import currentness
from datensorgfalt.services.quality.database import in_database, profile_database_table
from datensorgfalt.services.quality.findings import QualityFinding, finding_text, message
from datensorgfalt.services.quality.profile import SEVERITY_ORDER, Profile, finish, profile_parquet
from datensorgfalt.workspace import Workspace

KIND = "quality"
TABULAR = ("table",)


@dataclass
class DatasetOutcome:
    dataset_id: str
    title: str
    score: int | None
    findings: int
    worst: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


@dataclass
class QualityRun:
    run_id: int
    outcomes: list[DatasetOutcome]

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "datasets": [o.__dict__ for o in self.outcomes]}


def _now() -> datetime:
    return datetime.now()


def select_datasets(catalog: Catalog, selectors: list[str] | None) -> list[Dataset]:
    if selectors:
        return [catalog.dataset(s) for s in selectors]
    return [d for d in catalog.datasets() if d.kind in TABULAR]


def _modified(dataset: Dataset) -> datetime | None:
    path = local_path(dataset.location)
    if path is not None and path.exists():
        return datetime.fromtimestamp(path.stat().st_mtime)
    return dataset.modified_at


def outdated_by_dataset(catalog: Catalog) -> dict[str, list[QualityFinding]]:
    """Compare file dates across the catalog, one vote per file (sheets share their file)."""
    by_file: dict[str, tuple[datetime, list[str]]] = {}
    for dataset in catalog.datasets():
        when = _modified(dataset) if dataset.kind in TABULAR else None
        if when is None:
            continue
        key = dataset.location.split("#", 1)[0]
        ids = by_file.get(key, (when, []))[1]
        by_file[key] = (when, [*ids, dataset.id])
    found = currentness.catalog_findings({k: w for k, (w, _) in by_file.items()})
    return {i: found[k] for k, (_, ids) in by_file.items() if k in found for i in ids}


def profile_dataset(workspace: Workspace, dataset: Dataset, extra: list[QualityFinding],
                    now: datetime) -> Profile:
    """The profile of one dataset; a vanished or unreadable file becomes a finding. A large
    database table is profiled where it lives (no copy)."""
    if in_database(dataset):
        return _profile_in_database(dataset)
    try:
        path = staged_parquet(workspace, dataset)
    except SourceVanished as exc:
        return finish({"rows": None, "error": str(exc)},
                      [QualityFinding("source-vanished", "critical", None,
                                      {"path": exc.values.get("path")}, share=1.0)])
    except (SourceUnreadable, DatensorgfaltError) as exc:
        return finish({"rows": None, "error": str(exc)},
                      [QualityFinding("source-unreadable", "critical", None,
                                      {"reason": str(exc)}, share=1.0)])
    infos = {c.name: dict(c.details or {}) for c in dataset.columns}
    for column in dataset.columns:
        infos[column.name].setdefault("type", column.inferred_type)
    semantics = {c.name: c.semantic_type for c in dataset.columns}
    con = connect(temp_directory=workspace.path("tmp", "duckdb"))
    try:
        profile = profile_parquet(path, infos, semantics, con=con, extra=extra)
    except (duckdb.Error, ValueError, TypeError) as exc:  # one odd table never stops a run
        return finish({"rows": None, "error": str(exc)[:300]},
                      [QualityFinding("source-unreadable", "error", None,
                                      {"reason": str(exc).splitlines()[0][:300]}, share=1.0)])
    finally:
        con.close()
    series = profile.payload.get("time_series")
    info, found = currentness.dataset_findings(dataset.modified_at, series, now)
    if found:
        profile = finish(profile.payload, profile.findings + found)
    profile.payload["currentness"] = info
    profile.payload["staged"] = Path(path).name
    return profile


def _profile_in_database(dataset: Dataset) -> Profile:
    semantics = {c.name: c.semantic_type for c in dataset.columns}
    try:
        return profile_database_table(dataset, semantics)
    except DatensorgfaltError as exc:
        reason = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        return finish({"rows": None, "error": reason},
                      [QualityFinding("source-unreadable", "critical", None,
                                      {"reason": reason}, share=1.0)])


def _mask_findings(profile: Profile, personal: set[str]) -> None:
    """Cell values quoted by findings about personal columns are masked like the profile."""
    for finding in profile.findings:
        finding.evidence = mask_finding_evidence(personal, finding.column, finding.evidence)
    profile.payload["findings"] = [f.as_dict() for f in profile.findings]


def store(catalog: Catalog, dataset: Dataset, run_id: int, profile: Profile) -> None:
    """One transaction per dataset: the result (older runs' results are kept as history) and
    its findings, which replace the findings of earlier quality runs."""
    columns = profile.payload.get("columns")
    if isinstance(columns, dict):
        personal = personal_columns(catalog, dataset.id, columns)
        profile.payload["columns"] = mask_profile_values(catalog, dataset.id, columns,
                                                         personal)
        _mask_findings(profile, personal)
    with catalog.session() as session:
        save_result(session, KIND, profile.payload, dataset_id=dataset.id, run_id=run_id)
        session.execute(delete(Finding).where(Finding.dataset_id == dataset.id,
                                              Finding.source == KIND))
        for f in profile.findings:
            session.add(Finding(dataset_id=dataset.id, run_id=run_id, source=KIND, code=f.code,
                                severity=f.severity, dimension=f.dimension,
                                column_name=f.column, message=message(f, "de"),
                                evidence=json_safe(f.evidence)))


def run_quality(workspace: Workspace, catalog: Catalog, selectors: list[str] | None = None,
                progress: Progress | None = None) -> QualityRun:
    datasets = select_datasets(catalog, selectors)
    run_id = catalog.start_run(KIND, {"datasets": selectors or []})
    now = _now()
    outdated = outdated_by_dataset(catalog)
    outcomes = []
    status = "ok"
    try:
        for index, dataset in enumerate(datasets):
            if progress:
                progress(index, len(datasets), dataset.title)
            profile = profile_dataset(workspace, dataset, outdated.get(dataset.id, []), now)
            store(catalog, dataset, run_id, profile)
            outcomes.append(_outcome(dataset, profile))
        if progress:
            progress(len(datasets), len(datasets), "")
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        catalog.finish_run(run_id, status, {"datasets": len(outcomes)})
    return QualityRun(run_id, outcomes)


def _outcome(dataset: Dataset, profile: Profile) -> DatasetOutcome:
    worst = [{"code": f.code, "severity": f.severity, "column": f.column,
              "message": message(f)} for f in profile.findings if f.severity != "info"][:3]
    return DatasetOutcome(dataset.id, dataset.title, profile.payload.get("score"),
                          len(profile.findings), worst, profile.payload.get("error"))


def report(catalog: Catalog, selector: str) -> dict[str, Any]:
    """The newest quality result of a dataset, worst findings first, with score history."""

    dataset = catalog.dataset(selector)
    results = catalog.results(KIND, dataset_id=dataset.id)
    if not results:
        raise NoQualityResult("quality.error.no_result", id=dataset.id)
    payload = dict(results[-1].payload)
    if isinstance(payload.get("columns"), dict):  # also catalogs written before masking
        personal = personal_columns(catalog, dataset.id, payload["columns"])
        payload["columns"] = mask_profile_values(catalog, dataset.id, payload["columns"],
                                                 personal)
        payload["findings"] = [
            f | {"evidence": mask_finding_evidence(personal, f.get("column"),
                                                   f.get("evidence", {}))}
            for f in payload.get("findings", [])]
    findings = sorted(payload.get("findings", []),
                      key=lambda f: (SEVERITY_ORDER[f["severity"]], -f.get("share", 0)))
    for f in findings:
        f["title"] = finding_text(f["code"])
        f["message"] = message(QualityFinding(f["code"], f["severity"], f.get("column"),
                                              f.get("evidence", {}), f.get("share", 0)))
        f["todo"] = finding_text(f["code"], "todo")
    payload["findings"] = findings
    return {"dataset": {"id": dataset.id, "title": dataset.title,
                        "location": dataset.location},
            "run_id": results[-1].run_id, "result": payload,
            "history": [{"run_id": r.run_id, "created_at": r.created_at.isoformat(),
                         "score": r.payload.get("score")} for r in results]}


def write_cells(target: Path, cells: list[list[Any]], *, overwrite: bool = False,
                catalog: Catalog | None = None, workspace: Workspace | None = None
                ) -> tuple[int, int]:
    """Every suspicious cell as ``row,column,finding`` (row = 0-based data row index), through
    the output guard; returns the cells written and the text cells neutralised."""
    import csv

    target = check_output(target, overwrite=overwrite, catalog=catalog)
    safe = CsvCells()
    with writing(target, workspace) as temporary, \
            temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "column", "finding"])
        writer.writerows(safe.row(cell) for cell in cells)
    return len(cells), safe.changed


class NoQualityResult(DatensorgfaltError):
    """The dataset has not been profiled yet."""
