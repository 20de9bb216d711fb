"""Scanning one unit of work (a table file, a document folder, an image folder, a database)
and writing it to the catalog in one transaction."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datensorgfalt.catalog.store import Catalog, dataset_id_for
from datensorgfalt.engine.fingerprint import modified_at, part_fingerprint
from datensorgfalt.engine.staging import adopt_staged, file_state
from datensorgfalt.i18n import t
from datensorgfalt.services.scan import catalog_writes as writes
from datensorgfalt.services.scan import folders
from datensorgfalt.services.scan.discover import Unit
from datensorgfalt.services.scan.table_profile import TableProfile, profile
from datensorgfalt.services.scan.worker import STAGE_WHILE_SCANNING_BYTES, FileWorker
from datensorgfalt.sources.base import ReadError
from datensorgfalt.sources.locations import display_name, file_location, safe_text
from datensorgfalt.sources.postgres import database_location, open_database
from datensorgfalt.workspace import Workspace

Known = dict[str, list[writes.Known]]


@dataclass
class UnitResult:
    outcome: str  # new | changed | unchanged | deleted | failed
    sources: set[str] = field(default_factory=set)
    datasets: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)


def scan_unit(unit: Unit, workspace: Workspace, catalog: Catalog, known: Known,
              run_id: int, worker: FileWorker) -> UnitResult:
    """Never raises for a bad file: every problem becomes a finding and a failure. File
    contents are read by ``worker`` (a child process with a time and memory limit)."""
    try:
        if unit.kind == "database":
            return _database(unit.url or "", catalog, known, run_id)
        if unit.kind in ("documents", "images"):
            return _folder(unit, workspace, catalog, known, run_id, worker)
        if unit.kind == "folder":  # a folder that could not be listed
            raise unit.error or OSError(str(unit.path))
        return _table_file(unit, workspace, catalog, known, run_id, worker)
    except Exception as exc:  # noqa: BLE001 - one bad unit must never stop the scan
        location = unit.url or (file_location(unit.path) if unit.path else "")
        return _run_failure(catalog, run_id, location, exc, known)


def _failure(location: str, item) -> dict[str, Any]:
    return {"location": safe_text(location), "code": item.code, "message": item.message}


def _run_failure(catalog: Catalog, run_id: int, location: str, exc: BaseException,
                 known: Known) -> UnitResult:
    """A problem that leaves no dataset behind (the file vanished): a finding of the run."""
    item = writes.finding_for_error(exc, {"location": location})
    item.run_id = run_id
    with catalog.session() as session:
        session.add(item)
        before = [k.id for k in known.get(location, []) if k.status != "deleted"]
        if before and isinstance(exc, FileNotFoundError):
            writes.mark_deleted(session, before, run_id)
    return UnitResult("failed", {location}, 0, [_failure(location, item)])


# -- table files -----------------------------------------------------------------------------

def _same_size(before: list[writes.Known], size: int) -> writes.Known | None:
    """The file's earlier record when it was read fine and had this size, else None."""
    current = [k for k in before if k.status != "deleted"]  # parts removed earlier don't count
    if not current or any(k.status != "active" for k in current):
        return None  # new, or it failed last time: read it again
    return current[0] if current[0].byte_size == size else None


def _unchanged(before: list[writes.Known], size: int, modified=None, sha=None) -> bool:
    first = _same_size(before, size)
    if first is None:
        return False
    return first.modified_at == modified if sha is None else first.sha256 == sha


def _table_file(unit: Unit, workspace: Workspace, catalog: Catalog, known: Known,
                run_id: int, worker: FileWorker) -> UnitResult:
    path = unit.path
    source = file_location(path)
    if unit.error is not None:
        raise unit.error
    stat = path.stat()
    modified = modified_at(stat.st_mtime_ns)
    before = known.get(source, [])
    if _unchanged(before, stat.st_size, modified=modified):
        return UnitResult("unchanged", {source})
    stopped = _still_stopped(before, stat.st_size, modified, worker)
    if stopped is not None:  # it ran out of time or memory last time and nothing changed
        return UnitResult("unchanged", {source}, 0, [{"location": safe_text(source), **stopped}])
    base = {"byte_size": stat.st_size, "modified_at": modified,
            "details": {"source": source}, "title": display_name(path)}
    sha = None
    if _same_size(before, stat.st_size):  # the content decides whether it changed
        try:
            sha = worker.call("sha256", path)
        except FileNotFoundError:
            raise
        except OSError as exc:
            return _unreadable(catalog, run_id, source, path, base, exc, before, worker)
        base["details"]["sha256"] = sha
        if _unchanged(before, stat.st_size, sha=sha):
            with catalog.session() as session:
                writes.touch(session, [k.id for k in before if k.status == "active"],
                             modified)
            return UnitResult("unchanged", {source})
    stage = _stage_path(workspace, stat.st_size)
    try:
        return _read_tables(path, workspace, catalog, known, run_id, worker, base, sha,
                            (stage, file_state(stat)))
    finally:
        if stage is not None:  # kept only when adopted as the staged copy
            stage.unlink(missing_ok=True)


def _read_tables(path: Path, workspace: Workspace, catalog: Catalog, known: Known,
                 run_id: int, worker: FileWorker, base: dict, sha: str | None,
                 staging: tuple[Path | None, str]) -> UnitResult:
    """Read the tables of a file in the worker and store them. ``staging``: where the worker
    may write the table as Parquet, and the file's size and mtime before the read."""
    source = base["details"]["source"]
    stage, state = staging
    before = known.get(source, [])
    staging_args = [stage] if stage is not None else []  # small files: just the path
    try:
        if sha is None:  # hashed while the tables are read
            sha, tables = worker.call("sha256_and_tables", path, *staging_args)
            base["details"]["sha256"] = sha
        else:
            tables = worker.call("tables", path, *staging_args)
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - readers and libraries raise many kinds
        if sha is None:
            base["details"]["sha256"] = _sha_or_none(worker, path)
        return _unreadable(catalog, run_id, source, path, base, exc, before, worker)
    outcome = "changed" if any(k.status != "deleted" for k in before) else "new"
    staged = None
    with catalog.session() as session:
        locations = []
        for table, table_profile in tables:
            fields = _table_fields(path, table, table_profile, base, sha)
            findings = [writes.finding_for_issue(issue) for issue in table.issues]
            if table_profile.row_count == 0 and table_profile.columns:
                findings.append(writes.finding("no-rows", "warning",
                                              t("scan.finding.no_rows")))
            dataset = writes.upsert_dataset(session, table.location, fields,
                                            table_profile.columns, findings, run_id,
                                            new=not before)
            if table.staged:
                staged = dataset
            locations.append(table.location)
        _forget_missing_parts(session, before, locations, run_id)
    if staged is not None and stage is not None:  # the copy belongs to the stored dataset
        adopt_staged(workspace, staged, stage, state)
    return UnitResult(outcome, {source}, len(tables))


def _stage_path(workspace: Workspace, size: int) -> Path | None:
    if size < STAGE_WHILE_SCANNING_BYTES:
        return None
    return workspace.path("tmp", f"scan-{os.getpid()}-{next(_STAGES)}.parquet")


_STAGES = itertools.count()


def _sha_or_none(worker: FileWorker, path: Path) -> str | None:
    """The hash of a file whose tables could not be read (None if it cannot be read)."""
    try:
        return worker.call("sha256", path)
    except FileNotFoundError:
        raise
    except OSError:
        return None


def _table_fields(path: Path, table, table_profile: TableProfile, base: dict,
                  sha: str) -> dict[str, Any]:
    part = table.location.split("#", 1)[1] if "#" in table.location else None
    title = base["title"] if not part else f"{base['title']} ({safe_text(str(table.name))})"
    if part and str(table.name).startswith(base["title"]):
        title = safe_text(str(table.name))
    return {
        **base,
        "details": {**base["details"], **({"part": part} if part else {})},
        "title": title,
        "kind": "table",
        "format": table.format,
        "dialect": dict(table.dialect),
        "fingerprint": part_fingerprint(sha, part),
        "row_count": table_profile.row_count,
        "column_count": len(table_profile.columns),
        "status": "active",
    }


def _forget_missing_parts(session, before: list[writes.Known], locations: list[str],
                          run_id: int) -> None:
    """Sheets or tables that were in the file before and are gone now."""
    gone = [k.id for k in before if k.location not in locations and k.status != "deleted"]
    if gone:
        writes.mark_deleted(session, gone, run_id)


LIMIT_KEYS = ("scan.limit.file_too_slow", "scan.limit.file_too_big",
              "scan.limit.reader_crashed")


def _still_stopped(before: list[writes.Known], size: int, modified, worker: FileWorker
                   ) -> dict[str, str] | None:
    """The finding of a read stopped by a limit, when the file and the limits are the same
    (a rescan must not wait for the same hopeless file again); None: read it."""
    current = [k for k in before if k.status != "deleted"]
    if len(current) != 1 or current[0].status != "error" or not current[0].stopped:
        return None
    known, stopped = current[0], current[0].stopped
    if known.byte_size != size or known.modified_at != modified:
        return None
    memory = worker.limits.memory_mb or float("inf")
    if stopped.get("seconds", 0) < worker.limits.budget(size) \
            or (stopped.get("memory_mb") or float("inf")) < memory:
        return None  # more room now: try again
    return {"code": stopped["code"], "message": stopped["message"]}


def _unreadable(catalog: Catalog, run_id: int, source: str, path: Path, base: dict,
                exc: BaseException, before: list[writes.Known],
                worker: FileWorker) -> UnitResult:
    item = writes.finding_for_error(exc)
    if getattr(exc, "key", None) in LIMIT_KEYS:
        base = {**base, "details": {**base["details"], "stopped": {
            "code": item.code, "message": item.message,
            "seconds": worker.limits.budget(base["byte_size"] or 0),
            "memory_mb": worker.limits.memory_mb}}}
    fields = {**base, "kind": "unreadable", "status": "error",
              "format": path.suffix.lower().lstrip(".") or "unbekannt",
              "fingerprint": base["details"].get("sha256"), "row_count": None,
              "column_count": None, "dialect": {}}
    with catalog.session() as session:
        writes.upsert_dataset(session, source, fields, [], [item], run_id)
        _forget_missing_parts(session, before, [source], run_id)
    return UnitResult("failed", {source}, 1, [_failure(source, item)])


# -- folders of documents or images ------------------------------------------------------------

def _folder(unit: Unit, workspace: Workspace, catalog: Catalog, known: Known,
            run_id: int, worker: FileWorker) -> UnitResult:
    root = unit.path
    location = file_location(root, **unit.fragment)
    signature = folders.signature(root, unit.members)
    before = known.get(location, [])
    if before and all(k.status == "active" and k.signature == signature and not k.problems
                      for k in before):
        return UnitResult("unchanged", {location})
    def sha256(path: Path) -> str:
        return worker.call("sha256", path)

    if unit.kind == "documents":
        text_folder = workspace.folder / "text" / dataset_id_for(location)
        result = folders.profile_documents(root, unit.members, text_folder, sha256,
                                           lambda path: worker.call("text", path))
    else:
        result = folders.profile_images(root, unit.members, sha256,
                                        lambda path: worker.call("image", path))
    findings = [writes.finding_for_error(exc, {"file": str(path.relative_to(root))})
                for path, exc in result.problems]
    fields = {
        "title": display_name(root), "kind": unit.kind, "format": _formats(result.details),
        "dialect": {}, "byte_size": result.byte_size,
        "modified_at": max((modified_at(p.stat().st_mtime_ns) for p in unit.members),
                           default=None),
        "fingerprint": result.fingerprint if result.details["count"] else None,
        "row_count": None, "column_count": None,
        "status": "active" if result.details["count"] else "error",
        "details": {**result.details, "source": location, "signature": signature,
                    "problems": [safe_text(str(p.relative_to(root))) for p, _ in result.problems]},
    }
    with catalog.session() as session:
        writes.upsert_dataset(session, location, fields, [], findings, run_id)
    outcome = "changed" if any(k.status != "deleted" for k in before) else "new"
    # each broken document is reported as itself, not as its folder
    return UnitResult(outcome, {location}, 1, [
        _failure(file_location(path), f)
        for (path, _), f in zip(result.problems, findings, strict=True)])


def _formats(details: dict) -> str:
    return ",".join(sorted(str(f).lower() for f in details.get("formats", {})))


# -- databases --------------------------------------------------------------------------------

def _database(url: str, catalog: Catalog, known: Known, run_id: int) -> UnitResult:

    location = database_location(url)
    before = known.get(location, [])
    base = {"title": location.split("/")[-1], "kind": "database", "format": "postgresql",
            "details": {"source": location}, "byte_size": None, "modified_at": None}
    try:
        tables = [(table, profile(table)) for table in open_database(url)]
    except ReadError as exc:
        item = writes.finding_for_error(exc)
        with catalog.session() as session:
            writes.upsert_dataset(session, location, {**base, "status": "error"}, [], [item],
                                 run_id)
        return UnitResult("failed", {location}, 1, [_failure(location, item)])
    signatures, changed = {}, not before
    with catalog.session() as session:
        for table, table_profile in tables:
            signature = _table_signature(table, table_profile)
            signatures[table.location] = signature
            changed |= not any(k.location == table.location and k.signature == signature
                               and k.status == "active" for k in before)
            writes.upsert_dataset(session, table.location, {
                "title": table.name, "kind": "table", "format": "postgresql",
                "dialect": dict(table.dialect), "byte_size": None, "modified_at": None,
                "fingerprint": None, "row_count": table_profile.row_count,
                "column_count": len(table_profile.columns), "status": "active",
                "details": {"source": location, "signature": signature},
            }, table_profile.columns, [], run_id)
        writes.upsert_dataset(session, location, {
            **base, "status": "active", "row_count": None, "column_count": None,
            "details": {**base["details"], "tables": sorted(signatures)}}, [], [], run_id)
        _forget_missing_parts(session, before, [location, *signatures], run_id)
    changed |= any(k.location not in signatures and k.location != location
                   and k.status == "active" for k in before)
    outcome = "unchanged" if not changed else ("changed" if before else "new")
    return UnitResult(outcome, {location}, len(tables) + 1)


def _table_signature(table, table_profile: TableProfile) -> str:
    data = [table_profile.row_count, [(c.name, c.inferred_type) for c in table_profile.columns]]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()
