"""Datenschutz: personal data by dataset and kind; "schützen" makes a protected copy with the
options of ``protect`` and shows the risk before and after."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from datensorgfalt.services import evidence
from datensorgfalt.services.privacy import finding_count, kind_labels, protect
from datensorgfalt.web.render import page, render

router = APIRouter()


def _entry(facts: evidence.Facts) -> dict[str, Any]:
    payload = facts.privacy or {}
    columns = {name: {"kinds": entry.get("kinds", []), "labels": kind_labels(
        entry.get("kinds", []), entry.get("special_categories")), "count": entry.get("count")}
        for name, entry in (payload.get("columns") or {}).items() if entry.get("kinds")}
    return {"id": facts.id, "title": facts.title, "kind": facts.kind,
            "place": facts.rel_path or facts.path, "kinds": payload.get("kinds", []),
            "labels": kind_labels(payload.get("kinds", [])), "columns": columns,
            "documents": len(payload.get("documents") or {}), "findings": finding_count(payload),
            "all_columns": [c["name"] for c in facts.columns]}


@page(router, "/datenschutz")
async def privacy_page(request: Request) -> Response:
    workspace, catalog = request.app.state.opened.both()
    facts = request.app.state.opened.cached(
        "evidence", lambda: evidence.gather(workspace, catalog))
    personal = sorted((_entry(f) for f in facts.datasets if f.personal),
                      key=lambda entry: -entry["findings"])  # as the terminal lists them
    data = {"checked": facts.privacy_run, "personal": personal,
            "clean": len([f for f in facts.datasets if f.personal is False])}
    return render(request, "privacy.html.j2", data)


@router.post("/datenschutz/{dataset_id}/schuetzen")
async def protect_copy(request: Request, dataset_id: str) -> Response:
    workspace, catalog = request.app.state.opened.both()
    form = await request.form()
    k = int(form.get("k") or 5) if str(form.get("k") or "5").isdigit() else 0
    report = protect(workspace, catalog, dataset_id, workspace.folder / "geschuetzt", None, k,
                     form.getlist("quasi") or None, form.getlist("sensitive") or None,
                     overwrite=form.get("overwrite") == "1")
    return render(request, "protected.html.j2", report.to_dict())
