"""Writing scan results into the catalog: datasets, columns, scan findings, copy links."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from datensorgfalt.catalog import json_safe
from datensorgfalt.catalog.models import Column, Dataset, Finding, Link, Run, utcnow
from datensorgfalt.catalog.store import Catalog, dataset_id_for
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.services.scan.table_profile import ColumnProfile
from datensorgfalt.sources.base import Issue
from datensorgfalt.sources.locations import display_location, safe_text
from datensorgfalt.sources.table_files import describe_issue

COPY_CODE = "same-data-elsewhere"


@dataclass
class Known:
    """What the catalog knew about a dataset before this scan."""

    id: str
    location: str
    source: str
    byte_size: int | None
    modified_at: datetime | None
    status: str
    sha256: str | None
    signature: str | None
    problems: int = 0  # files of a folder that could not be read
    stopped: dict | None = None  # the read ran out of time or memory (finding, limits)


def known_datasets(catalog: Catalog) -> dict[str, list[Known]]:
    """Datasets by the file, folder or database they come from."""
    by_source: dict[str, list[Known]] = defaultdict(list)
    with catalog.session() as session:
        rows = session.execute(select(
            Dataset.id, Dataset.location, Dataset.byte_size, Dataset.modified_at,
            Dataset.status, Dataset.details))
        for id_, location, size, modified, status, details in rows:
            details = details or {}
            source = details.get("source") or location
            by_source[source].append(Known(id_, location, source, size, modified, status,
                                           details.get("sha256"), details.get("signature"),
                                           len(details.get("problems", [])),
                                           details.get("stopped")))
    return by_source


def _synchronous_normal(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def fast_commits(catalog: Catalog) -> None:
    """SQLite in WAL mode with ``synchronous=NORMAL``: a commit per file without waiting for
    the disk each time. A killed scan still leaves every committed file in the catalog (only
    a power cut may lose the last few, never corrupt it)."""
    engine = catalog.engine
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect",
                                                          _synchronous_normal):
        return
    event.listen(engine, "connect", _synchronous_normal)
    engine.dispose()  # pooled connections are reopened with the setting


def mark_interrupted_runs(catalog: Catalog) -> None:
    with catalog.session() as session:
        for run in session.scalars(select(Run).where(Run.command == "scan",
                                                     Run.status == "running")):
            run.status = "interrupted"
            run.finished_at = utcnow()


def finding(code: str, severity: str, message: str, evidence: dict | None = None,
            column: str | None = None) -> Finding:
    return Finding(source="scan", code=code, severity=severity, message=safe_text(message),
                   evidence=json_safe(evidence or {}), column_name=column)


def finding_for_error(exc: BaseException, evidence: dict | None = None) -> Finding:
    """A finding that explains why a file could not be read."""
    code, key, values = error_code(exc)
    message = str(exc) if isinstance(exc, DatensorgfaltError) else t(key, **values)
    return finding(code, "error", message, {**(evidence or {}), **values})


def error_code(exc: BaseException) -> tuple[str, str, dict[str, Any]]:
    if isinstance(exc, DatensorgfaltError):
        code = exc.key.rsplit(".", 1)[-1].replace("_", "-")
        return code, exc.key, {k: json_safe(v) for k, v in exc.values.items()}
    if isinstance(exc, FileNotFoundError):
        return "file-vanished", "scan.finding.file_vanished", {}
    if isinstance(exc, PermissionError):
        return "permission-denied", "scan.finding.permission_denied", {}
    if isinstance(exc, IsADirectoryError | NotADirectoryError):
        return "not-a-file", "scan.finding.not_a_file", {}
    reason = f"{type(exc).__name__}: {exc}"[:300]
    return "read-failed", "scan.finding.read_failed", {"reason": safe_text(reason)}


def finding_for_issue(issue: Issue) -> Finding:
    """A reader's issue, in the readers' words."""

    return finding(issue.code, issue.severity, describe_issue(issue), dict(issue.values))


def upsert_dataset(session: Session, location: str, fields: dict[str, Any],
                   columns: list[ColumnProfile] | None, findings: list[Finding],
                   run_id: int, new: bool = False) -> Dataset:
    """Insert or update one dataset; its columns and scan findings are replaced.
    ``new`` says the catalog has no dataset at ``location`` (saves two queries per file)."""
    dataset_id = dataset_id_for(location)
    dataset = None if new else session.get(Dataset, dataset_id)
    if dataset is None:
        dataset = Dataset(id=dataset_id, location=location, first_seen_at=utcnow())
        session.add(dataset)
    for key, value in fields.items():
        setattr(dataset, key, json_safe(value) if key in ("details", "dialect", "title") else value)
    dataset.scanned_at = utcnow()
    dataset.last_run_id = run_id
    if columns is not None:
        dataset.columns = [
            Column(position=c.position, name=safe_text(c.name), inferred_type=c.inferred_type,
                   semantic_type=c.semantic_type, details=json_safe(c.details))
            for c in columns
        ]
    if not new:  # one flush at the commit is enough for a dataset without a past
        session.flush()
        session.execute(delete(Finding).where(Finding.dataset_id == dataset_id,
                                              Finding.source == "scan"))
    for item in findings:
        item.dataset_id = dataset_id
        item.run_id = run_id
        session.add(item)
    return dataset


def mark_deleted(session: Session, ids: list[str], run_id: int) -> None:
    for dataset in session.scalars(select(Dataset).where(Dataset.id.in_(ids))):
        dataset.status = "deleted"
        dataset.last_run_id = run_id


def touch(session: Session, dataset_ids: list[str], modified: datetime) -> None:
    """Same content, new modification time: remember the time so the next scan skips it."""
    for dataset in session.scalars(select(Dataset).where(Dataset.id.in_(dataset_ids))):
        dataset.modified_at = modified


def link_copies(catalog: Catalog, run_id: int) -> list[dict[str, Any]]:
    """Link datasets with the same content (``copy_of`` the first location) and say so."""
    with catalog.session() as session:
        rows = session.execute(
            select(Dataset.id, Dataset.location, Dataset.fingerprint)
            .where(Dataset.status == "active", Dataset.fingerprint.is_not(None),
                   Dataset.kind.in_(("table", "documents", "images")),
                   Dataset.byte_size > 0)
            .order_by(Dataset.location))
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for id_, location, fingerprint in rows:
            groups[fingerprint].append((id_, location))
        session.execute(delete(Link).where(Link.kind == "copy_of"))
        session.execute(delete(Finding).where(Finding.code == COPY_CODE,
                                              Finding.source == "scan"))
        copies = []
        for members in groups.values():
            if len(members) < 2:
                continue
            copies.append(_link_group(session, members, run_id))
        return copies


def _link_group(session: Session, members: list[tuple[str, str]],
                run_id: int) -> dict[str, Any]:
    original_id = members[0][0]
    locations = [location for _, location in members]
    for id_, _location in members:
        if id_ != original_id:
            session.add(Link(source_id=id_, target_id=original_id, kind="copy_of",
                             details={"places": len(members)}))
        others = [loc for other, loc in members if other != id_]
        session.add(Finding(
            dataset_id=id_, run_id=run_id, source="scan", code=COPY_CODE, severity="info",
            dimension="uniqueness",
            message=t("scan.finding.same_data_elsewhere", n=len(members),
                      others=", ".join(display_location(o) for o in others)),
            evidence={"places": locations}))
    return {"places": len(members), "locations": locations, "original": locations[0]}
