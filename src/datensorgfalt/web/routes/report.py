"""Bericht: build the report (a job: charts and PDF take a while), download HTML and PDF."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from datensorgfalt import i18n
from datensorgfalt.web.render import back_to, page, render
from datensorgfalt.web.security import PathRefused

router = APIRouter()


def _files(request: Request) -> dict[str, str] | None:
    """The newest report: the finished job's result, else what lies in the report folder."""
    state = request.app.state.jobs.latest("report")
    if state and state["state"] == "done":
        return state["result"]
    workspace, _ = request.app.state.opened.both()
    name = i18n.t("report.file_name")
    html, pdf = (workspace.folder / "report" / f"{name}.{ext}" for ext in ("html", "pdf"))
    return {"html": str(html), "pdf": str(pdf)} if html.is_file() and pdf.is_file() else None


@page(router, "/bericht")
async def report_page(request: Request) -> Response:
    request.app.state.opened.both()
    data = {"files": _files(request), "job": request.app.state.jobs.latest("report")}
    return render(request, "report.html.j2", data)


@router.post("/bericht/erstellen")
async def build(request: Request) -> Response:
    request.app.state.jobs.start("report", {"lang": i18n.language()}, i18n.language())
    return back_to("/bericht")


@router.get("/bericht/datei/{ext}")
async def download(request: Request, ext: str) -> Response:
    files = _files(request)
    if not files or ext not in ("html", "pdf"):
        raise PathRefused("web.error.no_report")
    workspace, _ = request.app.state.opened.both()
    path = Path(files[ext]).resolve()
    if workspace.folder.resolve() not in path.parents:
        raise PathRefused("web.error.no_report")
    return FileResponse(path, filename=path.name)
