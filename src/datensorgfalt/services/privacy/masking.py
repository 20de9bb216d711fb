"""Values of personal columns in stored profiles: masked before they are stored or shown.

The quality profile keeps the most frequent values of each column (``top``, ``values``) and
order statistics (``min``, ``max``, quartiles) that are values of single rows. For a column
that holds personal data those would put IBANs, tax ids, e-mails and names into the catalog and
onto the screen; they become ``An**``-style masks. A column counts as personal when the privacy
scan found personal kinds in it, when its header names a personal kind, when its meaning is an
e-mail, phone, IBAN or free text, or when the detectors find personal data among the stored
values themselves. Towns, genders and ages (values many people share) stay readable.
"""

from __future__ import annotations

from typing import Any

from datensorgfalt.catalog import Catalog
from datensorgfalt.services.privacy.column_kinds import classify_column, header_kind
from datensorgfalt.services.privacy.detect import privacy_result
from datensorgfalt.services.privacy.entities import mask

PERSONAL_MEANINGS = {"email", "phone", "iban", "free_text"}
# Kinds whose values many people share: a town, a gender, an age stay readable in a profile.
COARSE = {"CITY", "COUNTRY", "GENDER", "AGE"}
ORDER_STATISTICS = ("min", "max", "q1", "median", "q3")


def personal_columns(catalog: Catalog | None, dataset_id: str | None,
                     columns: dict[str, dict[str, Any]]) -> set[str]:
    """The names of the profiled ``columns`` whose values are personal."""
    found = _from_privacy_scan(catalog, dataset_id)
    for name, stats in columns.items():
        if name in found or not isinstance(stats, dict):
            continue
        if header_kind(name) not in (None, *COARSE) \
                or stats.get("semantic") in PERSONAL_MEANINGS:
            found.add(name)
            continue
        sample = [str(_value(v)) for v in stats.get("top") or [] if _value(v) is not None]
        if sample and set(classify_column(name, sample).kinds) - COARSE:
            found.add(name)
    return found


def mask_profile_values(catalog: Catalog | None, dataset_id: str | None,
                        columns: dict[str, dict[str, Any]],
                        personal: set[str] | None = None) -> dict[str, dict[str, Any]]:
    """A copy of the per-column profile with the values of personal columns masked
    (idempotent: masked values are masked again to the same text). ``personal``: the
    columns' ``personal_columns`` when the caller has them already."""
    if personal is None:
        personal = personal_columns(catalog, dataset_id, columns)
    return {name: masked_stats(stats) if name in personal else stats
            for name, stats in columns.items()}


def masked_stats(stats: dict[str, Any]) -> dict[str, Any]:
    out = dict(stats)
    if isinstance(out.get("top"), list):
        out["top"] = [[_masked(v[0]), v[1]] if isinstance(v, list | tuple) and len(v) == 2
                      else _masked(v) for v in out["top"]]
    if isinstance(out.get("values"), list):
        out["values"] = [_masked(v) for v in out["values"]]
    for key in ORDER_STATISTICS:  # these are values of single rows (a birth date, a PLZ)
        if out.get(key) is not None:
            out[key] = _masked(out[key])
    out["masked"] = True
    return out


def _masked(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    return mask(str(value))  # mask(mask(x)) == mask(x): safe on catalogs already masked


def _value(entry: Any) -> Any:
    return entry[0] if isinstance(entry, list | tuple) and entry else entry


def _from_privacy_scan(catalog: Catalog | None, dataset_id: str | None) -> set[str]:
    if catalog is None or dataset_id is None:
        return set()
    payload = privacy_result(catalog, dataset_id) or {}
    return {name for name, verdict in (payload.get("columns") or {}).items()
            if isinstance(verdict, dict) and set(verdict.get("kinds") or []) - COARSE}


# evidence keys that quote cell values (the rest are counts, row numbers, column names, types)
VALUE_KEYS = ("values", "pairs", "examples", "value")


def mask_finding_evidence(personal: set[str], column: str | None,
                          evidence: dict[str, Any]) -> dict[str, Any]:
    """``evidence`` of a finding with the quoted cell values masked when the finding is about
    a personal column (or compares one, as near-duplicate rows do); the differing values of a
    repeated key's rows are masked for each personal column among them."""
    if not isinstance(evidence, dict):
        return evidence
    differences = evidence.get("differences")
    if isinstance(differences, dict) and personal.intersection(differences):
        # a repeated key's rows: the values of each differing column, masked per column
        evidence = evidence | {"differences": {
            name: _masked_leaves(values) if name in personal else values
            for name, values in differences.items()}}
    compared = evidence.get("compared") if isinstance(evidence.get("compared"), list) else []
    if column not in personal and not personal.intersection(map(str, compared)):
        return evidence
    return {key: _masked_leaves(value) if key in VALUE_KEYS else value
            for key, value in evidence.items()}


def _masked_leaves(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_masked_leaves(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked_leaves(v) for k, v in value.items()}
    return value if isinstance(value, int | float) else _masked(value)
