"""Geteilt: what the company shared and received through data trustees (issue 15), with the
agreement, purpose, end date and partner of each; the JSON twin has the same rows."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from datensorgfalt.services.dataspace import shared_and_received
from datensorgfalt.web.render import page, render

router = APIRouter()


@page(router, "/geteilt")
async def sharing_page(request: Request) -> Response:
    _, catalog = request.app.state.opened.both()
    return render(request, "sharing.html.j2", {"rows": shared_and_received(catalog)})
