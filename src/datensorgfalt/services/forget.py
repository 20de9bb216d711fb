"""Forgetting a dataset (a DSGVO Art. 17 request): the catalog rows and everything the tool
derived from it, with a receipt of what was removed.

What goes: the dataset's rows in the catalog (columns, findings, quality and privacy results,
rights, links), its staged Parquet copies and extracted document texts, the PoCs trained on it
(model, forecast, plots, model card), the protected copies made from it when they lie inside
the workspace folder, and the report in the workspace (it may quote the dataset; build it
again). Files outside the workspace folder (protected copies the user placed elsewhere) are
listed in the receipt and deleted only with ``delete_outside``. The original itself is never
touched. The receipt (``.datensorgfalt/vergessen/*.json``) names datasets and files, never
values. SQLite is compacted afterwards so deleted values do not linger in its pages.

The scan calls :func:`drop_vanished_files`: when an original is gone, its staged copy and texts
go with it at once; its catalog entry stays (marked deleted) until ``forget --all-vanished``.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from datensorgfalt.catalog import Catalog, Dataset, Link, Result
from datensorgfalt.catalog.erasure import compact, erase
from datensorgfalt.engine.staging import local_path
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.sources.locations import display_location
from datensorgfalt.workspace import Workspace

RECEIPTS = "vergessen"


class ForgetError(DatensorgfaltError):
    """Nothing to forget, or the request is unclear."""


@dataclass
class Receipt:
    """What ``forget`` removed (and what it left for the user to delete)."""

    datasets: list[dict[str, Any]] = field(default_factory=list)
    catalog_rows: dict[str, int] = field(default_factory=dict)
    files_deleted: list[str] = field(default_factory=list)
    outside_deleted: list[str] = field(default_factory=list)
    outside_kept: list[str] = field(default_factory=list)
    created_at: str = ""
    path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def forget(workspace: Workspace, catalog: Catalog, selector: str | None = None, *,
           all_vanished: bool = False, delete_outside: bool = False) -> Receipt:
    """Erase one dataset (``selector``) or all whose original is gone (``all_vanished``)."""
    targets = _targets(catalog, selector, all_vanished)
    copies = _protected_copies(catalog, [d.id for d in targets])
    pocs = _pocs(catalog, [d.id for d in targets])
    receipt = Receipt(created_at=datetime.now(UTC).replace(microsecond=0).isoformat())
    receipt.datasets = [_entry(d) for d in targets] + [_entry(c, "protected_copy")
                                                       for c in copies]
    for dataset in [*targets, *copies]:
        receipt.files_deleted += _remove(derived_files(workspace, dataset.id))
    receipt.files_deleted += _remove([workspace.folder / "poc" / poc for poc in pocs])
    for copy in copies:
        _copy_files(workspace, copy, receipt, delete_outside)
    if targets:
        receipt.files_deleted += _remove(sorted((workspace.folder / "report").glob("*")))
    with catalog.session() as session:
        receipt.catalog_rows = erase(session, [d.id for d in [*targets, *copies]], pocs)
    compact(catalog)
    receipt.path = str(_save(workspace, receipt))
    return receipt


def derived_files(workspace: Workspace, dataset_id: str) -> list[Path]:
    """The staged Parquet copies and extracted texts of one dataset in the workspace."""
    folder = workspace.folder
    return sorted([*folder.glob(f"staged/{dataset_id}-*.parquet"),
                   *([folder / "text" / dataset_id] if (folder / "text" / dataset_id).exists()
                     else [])])


def drop_vanished_files(workspace: Workspace, catalog: Catalog) -> list[str]:
    """Delete the staged copies and texts of every dataset whose original is gone."""
    with catalog.session() as session:
        gone = list(session.scalars(select(Dataset.id).where(Dataset.status == "deleted")))
    return _remove([path for dataset_id in gone for path in derived_files(workspace, dataset_id)])


def _targets(catalog: Catalog, selector: str | None, all_vanished: bool) -> list[Dataset]:
    if selector and all_vanished or not (selector or all_vanished):
        raise ForgetError("forget.error.usage")
    if selector:
        return [catalog.dataset(selector)]
    return [d for d in catalog.datasets(include_deleted=True) if d.status == "deleted"]


def _protected_copies(catalog: Catalog, ids: list[str]) -> list[Dataset]:
    with catalog.session() as session:
        copy_ids = set(session.scalars(select(Link.source_id).where(
            Link.target_id.in_(ids), Link.kind == "derived_from")))
        return list(session.scalars(select(Dataset).where(Dataset.id.in_(copy_ids - set(ids)))))


def _pocs(catalog: Catalog, ids: list[str]) -> list[str]:
    with catalog.session() as session:
        return sorted({key for key in session.scalars(select(Result.key).where(
            Result.kind == "poc", Result.dataset_id.in_(ids))) if key})


def _copy_files(workspace: Workspace, copy: Dataset, receipt: Receipt,
                delete_outside: bool) -> None:
    path = local_path(copy.location)
    if path is None:
        return
    files = [p for p in (path, path.with_name(path.stem + "_plan.yaml"),
                         path.with_name(path.stem + "_bericht.json")) if p.exists()]
    inside = [p for p in files if p.resolve().is_relative_to(workspace.folder.resolve())]
    outside = [p for p in files if p not in inside]
    receipt.files_deleted += _remove(inside)
    if delete_outside:
        receipt.outside_deleted += _remove(outside)
    else:
        receipt.outside_kept += [str(p) for p in outside]


def _entry(dataset: Dataset, role: str = "dataset") -> dict[str, Any]:
    return {"id": dataset.id, "location": display_location(dataset.location),
            "kind": dataset.kind, "status": dataset.status, "role": role}


def _remove(paths: list[Path]) -> list[str]:
    removed = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists() or path.is_symlink():
            path.unlink(missing_ok=True)
        else:
            continue
        removed.append(str(path))
    return removed


def _save(workspace: Workspace, receipt: Receipt) -> Path:
    stamp = receipt.created_at.replace(":", "").replace("-", "").replace("+0000", "Z")
    path = workspace.path(RECEIPTS, f"{stamp}-{uuid.uuid4().hex[:6]}.json")
    receipt.path = str(path)
    path.write_text(json.dumps(receipt.to_dict(), ensure_ascii=False, indent=2), "utf-8")
    return path
