"""Anwendungsfälle: the matched list (now / later / not yet) with what is missing; a button
starts the PoC of a use case."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from datensorgfalt import i18n
from datensorgfalt.services.usecases import run_usecases
from datensorgfalt.web.render import page, render

router = APIRouter()
VERDICTS = ("now", "after", "not_yet")


@page(router, "/anwendungsfaelle")
async def usecases_page(request: Request) -> Response:
    workspace, catalog = request.app.state.opened.both()
    matches = request.app.state.opened.cached(
        f"usecases-{i18n.language()}", lambda: run_usecases(workspace, catalog))
    groups = {v: [m for m in matches if m["verdict"] == v] for v in VERDICTS}
    return render(request, "usecases.html.j2", matches, groups=groups)
