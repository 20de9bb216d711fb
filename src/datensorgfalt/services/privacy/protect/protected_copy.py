"""``protect``: write a protected copy of a table as a new dataset; the original is only read.

The copy is a UTF-8 CSV (``;``) in the target folder, with the plan (YAML) and a protection
report (JSON) beside it. The catalog gets the new dataset, a ``derived_from`` link to the
original and a ``Result(kind="protect")`` with plan, k, l and the re-identification risk.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from datensorgfalt.catalog import Catalog, save_result
from datensorgfalt.catalog.models import Column, Dataset, Link
from datensorgfalt.catalog.store import dataset_id_for
from datensorgfalt.engine import local_path, text_columns
from datensorgfalt.engine.fingerprint import sha256_file
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.outputs import CsvCells, check_outputs, writing
from datensorgfalt.services.privacy.column_kinds import classify_table
from datensorgfalt.services.privacy.detect import privacy_result, table_payload
from datensorgfalt.services.privacy.protect import treatments as tr
from datensorgfalt.services.privacy.protect.kanon import anonymise, l_diversity, risk
from datensorgfalt.services.privacy.protect.plan import load_plan, merge_plan, suggest_plan
from datensorgfalt.services.privacy.protect.secret import workspace_key
from datensorgfalt.sources.locations import file_location, fragment_of
from datensorgfalt.workspace import Workspace


class ProtectError(DatensorgfaltError):
    """The dataset cannot be protected (not a table, target is the original ...)."""


@dataclass
class ProtectReport:
    dataset_id: str
    original_id: str
    path: Path
    plan_path: Path
    rows: int
    plan: dict[str, Any]
    k: dict[str, Any]
    risk_before: dict[str, Any]
    risk_after: dict[str, Any]
    l_diversity: dict[str, int | None]
    neutralised: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"dataset_id": self.dataset_id, "original_id": self.original_id,
                "path": str(self.path), "plan_path": str(self.plan_path), "rows": self.rows,
                "plan": self.plan, "k": self.k, "risk_before": self.risk_before,
                "risk_after": self.risk_after, "l_diversity": self.l_diversity,
                "neutralised": self.neutralised}

    def counts(self) -> dict[str, Any]:
        """What travels with the copy (``*_bericht.json``): counts and column names only; the
        smallest groups with their original values stay in the workspace's catalog."""
        return {"rows": self.rows, "k": self.k, "l_diversity": self.l_diversity,
                "risk_before": _counts(self.risk_before), "risk_after": _counts(self.risk_after),
                "treatments": {column: entry["treatment"]
                               for column, entry in self.plan["columns"].items()},
                "neutralised_cells": self.neutralised}


def _counts(risk: dict[str, Any]) -> dict[str, Any]:
    return {"k": risk.get("k"), "unique_share": risk.get("unique_share"),
            "groups": risk.get("groups"),
            "smallest_group_sizes": [g["size"] for g in risk.get("smallest_groups", [])]}


def suggested_plan(catalog: Catalog, selector: str, k: int = 5) -> dict[str, Any]:
    dataset = _table(catalog, selector)
    columns, rows = text_columns(dataset.location, max_rows=None)
    return suggest_plan(list(columns), _privacy(catalog, dataset, columns, rows), k)


def protect(workspace: Workspace, catalog: Catalog, selector: str, out_dir: Path,
            plan_file: Path | None = None, k: int | None = None,
            quasi: list[str] | None = None, sensitive: list[str] | None = None, *,
            overwrite: bool = False) -> ProtectReport:
    """Write the protected copy of one table into ``out_dir``: ``<file>[_<sheet or table>]
    _geschuetzt.csv`` with its plan and a report of counts only; nothing is written (and
    nothing cataloged) when the copy would be empty or overwrite something."""
    dataset = _table(catalog, selector)
    if k is not None and k < 1:
        raise ProtectError("protect.error.k")
    columns, rows = text_columns(dataset.location, max_rows=None)
    if k is not None and k > rows:
        raise ProtectError("protect.error.k_too_large", k=k, rows=rows)
    names = list(columns)
    plan = suggest_plan(names, _privacy(catalog, dataset, columns, rows), k or 5)
    plan = merge_plan(plan, load_plan(plan_file) if plan_file else {}, names)
    plan = merge_plan(plan, {key: value for key, value in (
        ("k", k), ("quasi_identifiers", quasi), ("sensitive", sensitive)) if value}, names)
    target, plan_path, side = _targets(catalog, dataset, out_dir, overwrite)
    treated, kinds = _treat(columns, plan, workspace_key(workspace))
    qis = [q for q in plan["quasi_identifiers"] if q in treated]
    start = {q: int(plan["columns"].get(q, {}).get("level", 0))
             if plan["columns"].get(q, {}).get("treatment") == "generalise" else 0 for q in qis}
    sens = [s for s in plan.get("sensitive", []) if s in treated]
    result = anonymise(treated, qis, kinds, int(plan["k"]), start,
                       l_target=plan.get("l"), sensitive=sens[0] if sens else None)
    if not result.rows:
        raise ProtectError("protect.error.empty", k=int(plan["k"]), rows=rows)
    cells = CsvCells()
    with writing(target, workspace) as temporary:
        _write_csv(temporary, result.columns, result.rows, cells)
    k_info = {"target": int(plan["k"]), "before": result.k_before, "after": result.k_after,
              "suppressed_rows": result.suppressed, "information_loss": result.loss,
              "levels": result.levels, "quasi_identifiers": qis}
    report = ProtectReport(
        dataset_id_for(file_location(target)), dataset.id, target,
        plan_path, len(result.rows), plan, k_info,
        risk(columns, qis), risk(result.columns, qis, result.rows),
        {s: l_diversity(result.columns, qis, s, result.rows) for s in sens}, cells.changed)
    _write_side_files(report, side, workspace)
    _catalog(catalog, dataset, report, list(result.columns))
    return report


def _table(catalog: Catalog, selector: str) -> Dataset:
    dataset = catalog.dataset(selector)
    if dataset.kind != "table":
        raise ProtectError("protect.error.not_table", title=dataset.title)
    return dataset


def _privacy(catalog: Catalog, dataset: Dataset, columns: dict, rows: int) -> dict[str, Any]:
    return privacy_result(catalog, dataset.id) or table_payload(classify_table(columns), rows)


def copy_name(dataset: Dataset) -> str:
    """``kunden_geschuetzt.csv``; a sheet or database table adds its name
    (``personal_Mitarbeiter_geschuetzt.csv``), so the copies of one file never collide."""
    source = local_path(dataset.location)
    stem = source.stem if source is not None else dataset.title.rsplit(".", 1)[0]
    parts = [stem, *fragment_of(dataset.location).values()] if source is not None else [stem]
    name = "_".join(parts)
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) + "_geschuetzt.csv"


def _targets(catalog: Catalog, dataset: Dataset, out_dir: Path,
             overwrite: bool) -> tuple[Path, Path, Path]:
    """The copy, its plan and its report, checked by the output guard before any is written."""
    target = Path(out_dir).absolute() / copy_name(dataset)
    source = local_path(dataset.location)
    if source is not None and source.resolve() == target.resolve():
        raise ProtectError("protect.error.out_is_source")
    paths = (target, target.with_name(target.stem + "_plan.yaml"),
             target.with_name(target.stem + "_bericht.json"))
    reads = [source] if source is not None else []
    checked = check_outputs(paths, reads=reads, catalog=catalog,
                            overwrite=overwrite or _own_copy(catalog, target, dataset))
    return checked[0], checked[1], checked[2]


def _own_copy(catalog: Catalog, target: Path, original: Dataset) -> bool:
    """True when ``target`` is the protected copy this original already has (a re-run)."""
    try:
        copy = catalog.dataset(dataset_id_for(file_location(target)))
    except DatensorgfaltError:
        return False
    return copy.details.get("protected_from") == original.id


def _treat(columns: dict[str, list], plan: dict[str, Any],
           key: bytes) -> tuple[dict[str, list], dict[str, str | None]]:
    treated: dict[str, list] = {}
    kinds: dict[str, str | None] = {}
    for name, values in columns.items():
        entry = plan["columns"].get(name, {"treatment": "keep"})
        kind, treatment = entry.get("kind"), entry["treatment"]
        kinds[name] = kind
        if treatment == "suppress":
            continue
        if treatment == "pseudonym":
            values = [tr.pseudonym(v, key, kind) for v in values]
        elif treatment == "mask":
            values = [tr.mask_value(v, kind) for v in values]
        elif treatment == "text":
            values = [tr.placeholders(v) for v in values]
        elif treatment == "generalise" and name not in plan.get("quasi_identifiers", []):
            level = int(entry.get("level", tr.START_LEVEL.get(kind or "", 1)))
            values = [tr.generalise(v, kind, level) for v in values]
        treated[name] = values
    return treated, kinds


def _write_csv(target: Path, columns: dict[str, list], rows: list[int],
               cells: CsvCells) -> None:
    names = list(columns)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(cells.row(names))
        for row in rows:
            writer.writerow(cells.row(["" if columns[n][row] is None else columns[n][row]
                                       for n in names], names))


def _write_side_files(report: ProtectReport, side: Path, workspace: Workspace) -> None:
    with writing(report.plan_path, workspace) as temporary:
        temporary.write_text(yaml.safe_dump(report.plan, allow_unicode=True, sort_keys=False),
                             "utf-8")
    with writing(side, workspace) as temporary:
        temporary.write_text(json.dumps(report.counts(), ensure_ascii=False, indent=2,
                                        default=str), "utf-8")


def _catalog(catalog: Catalog, original: Dataset, report: ProtectReport,
             names: list[str]) -> None:
    location = file_location(report.path)
    payload = {key: value for key, value in report.to_dict().items() if key != "path"}
    with catalog.session() as session:
        copy = session.get(Dataset, report.dataset_id)
        if copy is None:
            copy = Dataset(id=report.dataset_id, location=location, kind="table")
            session.add(copy)
        copy.title = report.path.name
        copy.format, copy.dialect = "csv", {"encoding": "utf-8", "delimiter": ";"}
        copy.byte_size = report.path.stat().st_size
        copy.fingerprint = sha256_file(report.path)
        copy.row_count, copy.column_count, copy.status = report.rows, len(names), "active"
        copy.details = {"protected_from": original.id, "k": report.k,
                        "risk": report.risk_after}
        copy.columns.clear()
        session.flush()
        copy.columns.extend(Column(position=i, name=n, inferred_type="text")
                            for i, n in enumerate(names))
        if not session.query(Link).filter_by(source_id=copy.id, target_id=original.id,
                                             kind="derived_from").first():
            session.add(Link(source_id=copy.id, target_id=original.id, kind="derived_from",
                             details={"by": "protect"}))
        save_result(session, "protect", payload, key=copy.id, dataset_id=original.id)
