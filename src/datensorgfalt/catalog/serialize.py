"""Catalog objects as plain data (for ``--json``, the report and the web UI)."""

from __future__ import annotations

from typing import Any

from datensorgfalt.catalog.models import Column, Dataset, Finding, Rights


def column_to_dict(column: Column) -> dict[str, Any]:
    return {
        "name": column.name,
        "position": column.position,
        "type": column.inferred_type,
        "semantic_type": column.semantic_type,
        **({"details": column.details} if column.details else {}),
    }


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "source": finding.source,
        "severity": finding.severity,
        "dimension": finding.dimension,
        "column": finding.column_name,
        "message": finding.message,
        "evidence": finding.evidence,
    }


def rights_to_dict(rights: Rights | None) -> dict[str, Any] | None:
    if rights is None:
        return None
    return {
        "source": rights.source,
        "owner": rights.owner,
        "contact": rights.contact,
        "licence": rights.licence,
        "restrictions": rights.restrictions,
        "legal_basis": rights.legal_basis,
        "ai_training_allowed": rights.ai_training_allowed,
    }


def dataset_to_dict(dataset: Dataset, full: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": dataset.id,
        "title": dataset.title,
        "location": dataset.location,
        "kind": dataset.kind,
        "format": dataset.format,
        "status": dataset.status,
        "size": dataset.byte_size,
        "modified": dataset.modified_at,
        "fingerprint": dataset.fingerprint,
        "rows": dataset.row_count,
        "column_count": dataset.column_count,
        "columns": [column_to_dict(c) for c in dataset.columns],
        "findings": [finding_to_dict(f) for f in dataset.findings],
    }
    if full:
        data["dialect"] = dataset.dialect
        data["details"] = dataset.details
        data["rights"] = rights_to_dict(dataset.rights)
    return data
