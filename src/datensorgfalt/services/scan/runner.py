"""The scan: discover files, folders and databases, catalog every table, document folder and
image folder, skip what did not change, mark what is gone, link identical copies.

``scan(workspace, catalog, targets)`` returns a ``ScanReport``; the exit code is derived from
it. Each file is written in its own transaction, so a scan killed half-way leaves a consistent
catalog and the next scan picks up where it stopped (finished files are then unchanged).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from datensorgfalt.catalog.store import Catalog, dataset_id_for
from datensorgfalt.services import Progress
from datensorgfalt.services.forget import drop_vanished_files
from datensorgfalt.services.scan import catalog_writes as writes
from datensorgfalt.services.scan.discover import Discovery, Unit, discover
from datensorgfalt.services.scan.lock import scan_lock
from datensorgfalt.services.scan.units import UnitResult, scan_unit
from datensorgfalt.services.scan.worker import FileWorker, default_limits
from datensorgfalt.sources.locations import file_location, safe_text
from datensorgfalt.sources.postgres import database_location
from datensorgfalt.workspace import Workspace


@dataclass
class ScanReport:
    run_id: int
    targets: list[str]
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: int = 0
    datasets: int = 0
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)
    copies: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)  # links not followed ...

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "exit_code": self.exit_code}

    def add(self, result: UnitResult) -> None:
        setattr(self, result.outcome, getattr(self, result.outcome) + 1)
        self.datasets += result.datasets
        self.failures.extend(result.failures)
        if result.failures and result.outcome != "failed":
            self.failed += 1


def scan(workspace: Workspace, catalog: Catalog, targets: list[str | Path],
         progress: Progress | None = None, follow_links: bool = False,
         worker: FileWorker | None = None) -> ScanReport:
    """Scan files, folders and database URLs into the catalog. Only one scan of a workspace
    runs at a time (``ScanBusy`` otherwise); symlinks that lead out of a scanned folder are
    followed only with ``follow_links``. ``worker``: a file worker started early (``read_ahead``),
    closed by the scan like its own."""
    with scan_lock(workspace.folder), \
            worker or FileWorker(default_limits(workspace.settings)) as used:
        return _scan(workspace, catalog, [str(target) for target in targets], progress,
                     follow_links, used)


def _scan(workspace: Workspace, catalog: Catalog, names: list[str], progress: Progress | None,
          follow_links: bool, worker: FileWorker) -> ScanReport:
    writes.fast_commits(catalog)
    writes.mark_interrupted_runs(catalog)
    run_id = catalog.start_run("scan", {"targets": names})
    started = time.monotonic()
    report = ScanReport(run_id=run_id, targets=names)
    status = "failed"
    try:
        found = discover(names, skip=workspace.folder, follow_links=follow_links)
        report.notes = found.notes
        known = writes.known_datasets(catalog)
        seen: set[str] = set()
        for index, unit in enumerate(found.units):
            if progress:
                progress(index, len(found.units), _label(unit))
            result = scan_unit(unit, workspace, catalog, known, run_id, worker)
            seen.update(result.sources)
            report.add(result)
        if progress:
            progress(len(found.units), len(found.units), "")
        report.deleted += _mark_gone(catalog, found, known, seen, run_id)
        drop_vanished_files(workspace, catalog)  # a vanished original's copies go with it
        report.copies = writes.link_copies(catalog, run_id)
        status = "ok" if report.ok else "failed"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        report.seconds = round(time.monotonic() - started, 3)
        catalog.finish_run(run_id, status, {k: v for k, v in report.to_dict().items()
                                            if k not in ("failures", "copies")})
    return report


def _label(unit: Unit) -> str:
    return unit.url if unit.url else (safe_text(unit.path.name) if unit.path else "")


def _mark_gone(catalog: Catalog, found: Discovery, known: dict[str, list[writes.Known]],
               seen: set[str], run_id: int) -> int:
    """Sources below a scanned folder that were not found again are marked deleted."""
    prefixes = [file_location(root) for root in found.roots]
    prefixes += [_database_prefix(url) for url in found.urls]
    unlisted = [file_location(folder) for folder in found.unlisted]  # not listed: unknown
    gone = [
        source for source, items in known.items()
        if source not in seen and any(k.status != "deleted" for k in items)
        and _below(source, prefixes) and not _below(source, unlisted)
    ]
    if gone:
        with catalog.session() as session:
            ids = [k.id for source in gone for k in known[source]]
            writes.mark_deleted(session, ids, run_id)
    return len(gone)


def _below(source: str, prefixes: list[str]) -> bool:
    return any(source == p or source.startswith(p.rstrip("/") + "/") for p in prefixes)


def _database_prefix(url: str) -> str:

    return database_location(url)


def dataset_ids(locations: list[str]) -> list[str]:
    return [dataset_id_for(location) for location in locations]
