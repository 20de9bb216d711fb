"""Datensatz: what it is, its columns, a masked sample, quality with evidence, suspicious
cells, rights (editable, validated like ``rights set``) and what it can be used for."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from datensorgfalt import i18n
from datensorgfalt.catalog.serialize import dataset_to_dict
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services import evidence, quality
from datensorgfalt.services.privacy import (
    kind_labels,
    licences,
    sample_rows,
    set_rights,
    show_rights,
)
from datensorgfalt.services.quality import NoQualityResult
from datensorgfalt.services.scan.describe import describe
from datensorgfalt.services.usecases import match_all
from datensorgfalt.web.render import back_to, page, render

router = APIRouter()
SEVERITY = {"critical": 0, "error": 1, "warning": 2, "info": 3}
RIGHTS_FIELDS = ("licence", "source", "owner", "contact", "restriction", "legal_basis",
                 "ai_training", "access")


def _quality(catalog: Any, dataset_id: str) -> dict[str, Any] | None:
    try:
        report = quality.quality_report(catalog, dataset_id)
    except NoQualityResult:
        return None
    report["result"]["findings"] = sorted(report["result"].get("findings", []),
                                          key=lambda f: SEVERITY.get(f["severity"], 9))
    return report


def _sample(workspace: Any, catalog: Any, dataset_id: str) -> dict[str, Any]:
    try:
        return sample_rows(workspace, catalog, dataset_id, 10)
    except DatensorgfaltError as exc:  # a broken file is a finding, not an error page
        return {"columns": [], "rows": [], "masked": [], "error": str(exc)}


def _uses(matches: list[dict[str, Any]], dataset_id: str) -> list[dict[str, Any]]:
    return [{"id": m["id"], "title": m["title"], "verdict": m["verdict"],
             "verdict_label": m["verdict_label"]}
            for m in matches if any(d["id"] == dataset_id for r in m["requirements"]
                                             for d in r.get("datasets", []))]


def dataset_data(request: Request, dataset_id: str) -> dict[str, Any]:
    workspace, catalog = request.app.state.opened.both()
    dataset = catalog.dataset(dataset_id)
    opened = request.app.state.opened
    facts = opened.cached("evidence", lambda: evidence.gather(workspace, catalog))
    matches = opened.cached(f"matches-{i18n.language()}", lambda: match_all(facts))
    mine = facts.by_id(dataset.id)
    privacy = (mine.privacy if mine else None) or {}
    personal = {name: kind_labels(entry.get("kinds", []), entry.get("special_categories"))
                for name, entry in (privacy.get("columns") or {}).items() if entry.get("kinds")}
    rights = show_rights(catalog, dataset.id)
    return {"dataset": dataset_to_dict(dataset), "description":
            (dataset.details or {}).get("description"), "personal": personal,
            "quality": _quality(catalog, dataset.id),
            "sample": _sample(workspace, catalog, dataset.id),
            "rights": rights[0] if rights else None, "uses": _uses(matches, dataset.id),
            "area": mine.area if mine else None, "place": mine.rel_path if mine else None}


def _show(request: Request, dataset_id: str, status: int = 200, **extra: Any) -> Response:
    from datensorgfalt.services.quality import dimensions_config

    data = request.app.state.opened.cached(f"dataset-{dataset_id}-{i18n.language()}",
                                           lambda: dataset_data(request, dataset_id))
    return render(request, "dataset.html.j2", data, status,
                  dimensions=dimensions_config()["dimensions"], licences=licences(), **extra)


@page(router, "/datensatz/{dataset_id}")
async def dataset_page(request: Request, dataset_id: str) -> Response:
    return _show(request, dataset_id.removesuffix(".json"))


@router.post("/datensatz/{dataset_id}/beschreibung")
async def save_description(request: Request, dataset_id: str,
                           description: str = Form("")) -> Response:
    _, catalog = request.app.state.opened.both()
    try:
        describe(catalog, dataset_id, description)
    except DatensorgfaltError as exc:
        return _show(request, dataset_id, 400, description_error=str(exc))
    return back_to(f"/datensatz/{dataset_id}", saved="description")


@router.post("/datensatz/{dataset_id}/rechte")
async def save_rights(request: Request, dataset_id: str) -> Response:
    _, catalog = request.app.state.opened.both()
    form = await request.form()
    values = {key: str(form.get(key) or "").strip() or None for key in RIGHTS_FIELDS}
    restriction = values.pop("restriction")
    try:
        set_rights(catalog, dataset_id, restrictions=[restriction] if restriction else None,
                   **values)
    except DatensorgfaltError as exc:
        return _show(request, dataset_id, 400, rights_error=str(exc), typed=values)
    return back_to(f"/datensatz/{dataset_id}", saved="rights")
