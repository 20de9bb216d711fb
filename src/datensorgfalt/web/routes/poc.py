"""Versuche (PoC): start with the detected columns shown for confirmation, live progress and
remaining time, cancel, then verdict, charts, model card and predictions; ``predict`` on an
uploaded file."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import FileResponse, Response

from datensorgfalt import i18n
from datensorgfalt.services import poc
from datensorgfalt.web.render import back_to, page, render, wants_json
from datensorgfalt.web.security import PathRefused, upload_name

router = APIRouter()
CONFIRM = {"date": "date", "time": "date", "target": "target", "by": "by", "label": "label",
           "text": "text"}
REQUEST_FIELDS = ("kind", "dataset", "usecase", "target", "date", "by", "text", "label",
                  "labels", "soll")
SHOWN = {"forecast": ["wape", "smape", "mase"], "classify": ["auc", "accuracy", "macro_f1",
         "recall"], "regress": ["mae", "rmse", "r2"], "anomaly": [
         "event_recall", "recall", "precision", "f1"], "text": ["accuracy", "macro_f1"]}


def _pocs(catalog: Any) -> list[dict[str, Any]]:
    rows = [r.payload for r in catalog.results("poc")]
    return [{"id": p["id"], "kind": p["kind"], "title": p.get("dataset_title"),
             "met": p.get("met"), "sentence": (p.get("sentence") or {}).get(i18n.language())}
            for p in reversed(rows)]


@page(router, "/versuche")
async def poc_page(request: Request) -> Response:
    _, catalog = request.app.state.opened.both()
    data = {"pocs": _pocs(catalog), "job": request.app.state.jobs.latest("poc")}
    return render(request, "poc_list.html.j2", data)


def _request(values: dict[str, Any]) -> poc.PocRequest:
    fields = {k: (str(values[k]).strip() or None) for k in REQUEST_FIELDS if values.get(k)}
    budget = poc.parse_budget(str(values.get("budget") or "60s"))
    return poc.PocRequest(**fields, budget=budget)


@page(router, "/versuche/neu")
async def new_poc(request: Request) -> Response:
    workspace, catalog = request.app.state.opened.both()
    wanted = _request(dict(request.query_params))
    plan = poc.prepare(workspace, catalog, wanted)
    editable = {key: value for key, value in plan.columns.items()
                if key in CONFIRM and (value is None or isinstance(value, str))}
    data = {"request": asdict(plan.request), "columns": plan.columns, "guessed": plan.guessed,
            "dataset": {"id": plan.sources[0].id, "title": plan.sources[0].title},
            "usecase": (plan.usecase or {}).get("title")}
    return render(request, "poc_new.html.j2", data, editable=editable)


@router.post("/versuche/start")
async def start_poc(request: Request) -> Response:
    form = dict(await request.form())
    values = {k: form.get(k) for k in (*REQUEST_FIELDS, "budget")}
    for key, field in CONFIRM.items():
        if form.get(f"col_{key}"):
            values[field] = form[f"col_{key}"]
    wanted = _request(values)
    params = {k: v for k, v in asdict(wanted).items() if v is not None}
    request.app.state.jobs.start("poc", params, i18n.language())
    if wants_json(request):
        return render(request, "poc_list.html.j2", request.app.state.jobs.latest("poc"))
    return back_to("/versuche")


def _payload(catalog: Any, poc_id: str) -> dict[str, Any]:
    row = catalog.latest_result("poc", key=poc_id)
    if row is None:
        raise poc.PocError("web.error.no_poc", id=poc_id)
    return dict(row.payload)


@page(router, "/versuche/{poc_id}")
async def poc_result(request: Request, poc_id: str) -> Response:
    _, catalog = request.app.state.opened.both()
    payload = _payload(catalog, poc_id.removesuffix(".json"))
    card = Path(payload.get("model_card") or "")
    text = card.read_text("utf-8") if card.is_file() else ""
    model = payload.get("model") or {"name": "-", "metrics": {}}
    metrics = [(m, poc.format_metric(m, payload["baseline"]["metrics"].get(m), i18n.language()),
                poc.format_metric(m, model["metrics"].get(m), i18n.language()))
               for m in SHOWN.get(payload["kind"], [])
               if m in payload["baseline"]["metrics"] or m in model["metrics"]]
    return render(request, "poc_result.html.j2", payload, card=text, metrics=metrics,
                  model=model)


def _inside(workspace_folder: Path, path: str) -> Path:
    file = Path(path).resolve()
    if workspace_folder.resolve() not in file.parents or not file.is_file():
        raise PathRefused("web.error.not_found")
    return file


@router.get("/versuche/{poc_id}/datei/{which}/{index}")
async def poc_file(request: Request, poc_id: str, which: str, index: int) -> Response:
    workspace, catalog = request.app.state.opened.both()
    payload = _payload(catalog, poc_id)
    files = {"plot": payload.get("plots") or [], "forecast": [payload.get("forecast_path")],
             "card": [payload.get("model_card")],
             "prediction": [str(p) for p in sorted(
                 (workspace.folder / "poc" / poc_id).glob("vorhersage-*.csv"))]}.get(which, [])
    if not 0 <= index < len(files) or not files[index]:
        raise PathRefused("web.error.not_found")
    file = _inside(workspace.folder, files[index])
    return FileResponse(file, filename=file.name)


@router.post("/versuche/{poc_id}/vorhersage")
async def predict_upload(request: Request, poc_id: str, file: UploadFile) -> Response:
    workspace, catalog = request.app.state.opened.both()
    _payload(catalog, poc_id)
    name = upload_name(file.filename or "")
    folder = workspace.folder / "uploads" / uuid.uuid4().hex[:12]
    target = folder / name
    limit = request.app.state.settings.max_upload
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PathRefused("web.error.upload_big", mb=limit // (1024 * 1024))
    folder.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    out = workspace.folder / "poc" / poc_id / f"vorhersage-{uuid.uuid4().hex[:8]}.csv"
    result = poc.predict(workspace, poc_id, target, out)
    if wants_json(request):
        return render(request, "poc_result.html.j2", result)
    return back_to(f"/versuche/{poc_id}", predicted=str(result["rows"]))
