"""Start: pick a folder (and database URLs), see it resolved, scan it with live progress, read
the summary in the words of the report."""

from __future__ import annotations

import re

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from datensorgfalt import i18n
from datensorgfalt.web.render import LANG_COOKIE, back_to, page, render
from datensorgfalt.web.security import PathRefused, resolve_folder

router = APIRouter()
DATABASE_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://", "sqlite:///")


@router.get("/", include_in_schema=False)
async def home() -> Response:
    return RedirectResponse("/start", status_code=303)


@page(router, "/start")
async def start(request: Request) -> Response:
    from datensorgfalt.services.report import summary

    opened = request.app.state.opened
    lines = None
    if opened.has_workspace():
        workspace, catalog = opened.both()
        lines = opened.cached(f"summary-{i18n.language()}",
                               lambda: summary(workspace, catalog))
    data = {"root": str(opened.root), "summary": lines,
            "job": request.app.state.jobs.latest("scan")}
    return render(request, "start.html.j2", data)


def _databases(text: str) -> list[str]:
    urls = [line.strip() for line in (text or "").splitlines() if line.strip()]
    wrong = [u for u in urls if not u.startswith(DATABASE_SCHEMES)]
    if wrong:
        raise PathRefused("web.error.database_url", url=wrong[0][:80])
    return urls


def _without_password(url: str) -> str:
    """``postgresql://anna:***@host/db``: what the page shows of a typed database URL."""
    return re.sub(r"^([a-z+]+://[^:/@]*):[^@]*@", r"\1:***@", url)


@router.post("/start/pruefen")
async def check(request: Request, folder: str = Form(""), databases: str = Form("")) -> Response:
    root = request.app.state.opened.root
    resolved = resolve_folder(root, folder)
    urls = _databases(databases)
    data = {"root": str(root), "typed": folder, "resolved": str(resolved),
            "exists": resolved.is_dir(), "databases": [_without_password(u) for u in urls]}
    return render(request, "start_check.html.j2", data, typed_databases=urls)


@router.post("/start/durchsuchen")
async def scan(request: Request, folder: str = Form(...), databases: str = Form("")) -> Response:
    root = request.app.state.opened.root
    resolved = resolve_folder(root, folder)
    if not resolved.is_dir():
        raise PathRefused("web.error.no_folder", folder=str(resolved))
    job = request.app.state.jobs.start(
        "scan", {"targets": [str(resolved), *_databases(databases)]}, i18n.language())
    if request.url.path.endswith(".json") or "json" in request.headers.get("accept", ""):
        return render(request, "start.html.j2", job.state())
    return back_to("/start")


@router.post("/sprache")
async def language(request: Request, lang: str = Form("de"),
                   back: str = Form("/start")) -> Response:
    target = back if back.startswith("/") and not back.startswith("//") else "/start"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANG_COOKIE, lang if lang in i18n.LANGUAGES else "de",
                        max_age=365 * 24 * 3600, samesite="strict", httponly=True)
    return response
