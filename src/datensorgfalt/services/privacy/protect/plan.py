"""The treatment plan: one treatment per column, suggested from the privacy findings and
adjustable in a YAML file::

    k: 5
    quasi_identifiers: [PLZ, Geburtsdatum]
    sensitive: [Diagnose]
    columns:
      E-Mail: {treatment: pseudonym}
      Geburtsdatum: {treatment: generalise, level: 2}
      Bemerkung: {treatment: text}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import os_reason
from datensorgfalt.services.knowledge import load
from datensorgfalt.services.privacy.protect.treatments import START_LEVEL, TREATMENTS


class PlanError(DatensorgfaltError):
    """The plan file cannot be read or names unknown columns or treatments."""


def suggest_plan(column_names: list[str], privacy: dict[str, Any], k: int = 5) -> dict[str, Any]:
    kinds_info = load("privacy/kinds")
    columns: dict[str, dict[str, Any]] = {}
    quasi: list[str] = []
    sensitive: list[str] = []
    found = privacy.get("columns", {})
    for name in column_names:
        entry = found.get(name)
        if not entry or not entry.get("kinds"):
            columns[name] = {"treatment": "keep"}
            continue
        kinds = entry["kinds"]
        kind = _main_kind(kinds)
        treatment = kinds_info.get(kind, {}).get("treatment", "suppress")
        if "FREE_TEXT" in kinds:
            treatment, kind = "text", "FREE_TEXT"
        if "SPECIAL_CATEGORY" in kinds and "FREE_TEXT" not in kinds:
            sensitive.append(name)
            treatment = "keep"
        columns[name] = {"treatment": treatment, "kind": kind}
        if treatment == "generalise":
            columns[name]["level"] = START_LEVEL.get(kind, 1)
        if kinds_info.get(kind, {}).get("quasi"):
            quasi.append(name)
    return {"k": k, "quasi_identifiers": quasi, "sensitive": sensitive, "columns": columns}


def _main_kind(kinds: list[str]) -> str:
    for kind in kinds:
        if kind not in ("SPECIAL_CATEGORY", "FREE_TEXT"):
            return kind
    return kinds[0]


def load_plan(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PlanError("protect.error.plan", path=str(path),
                        reason=os_reason(exc) if isinstance(exc, OSError) else str(exc)) from exc
    if not isinstance(data, dict):
        raise PlanError("protect.error.plan", path=str(path), reason="YAML mapping expected")
    return data


def merge_plan(suggested: dict[str, Any], given: dict[str, Any],
               column_names: list[str]) -> dict[str, Any]:
    plan = {**suggested, "columns": dict(suggested["columns"])}
    for key in ("k", "quasi_identifiers", "sensitive", "l"):
        if key in given:
            plan[key] = given[key]
    for name, entry in (given.get("columns") or {}).items():
        if name not in column_names:
            raise PlanError("protect.error.column", column=name)
        entry = {"treatment": entry} if isinstance(entry, str) else dict(entry)
        merged = {**plan["columns"].get(name, {}), **entry}
        plan["columns"][name] = merged
    for name in plan.get("quasi_identifiers", []) + plan.get("sensitive", []):
        if name not in column_names:
            raise PlanError("protect.error.column", column=name)
    for name, entry in plan["columns"].items():
        if entry.get("treatment") not in TREATMENTS:
            raise PlanError("protect.error.treatment", value=entry.get("treatment"),
                            column=name, allowed=", ".join(TREATMENTS))
    return plan
