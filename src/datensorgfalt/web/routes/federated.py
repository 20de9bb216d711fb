"""Gemeinsam lernen: the newest run of learning together across companies (``federated
run``): per company alone against together, the verdict, the pooled model only for comparison,
the privacy options and what left each company."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from datensorgfalt.services.report import federated_chart, latest_federated
from datensorgfalt.web.render import page, render

router = APIRouter()


@page(router, "/gemeinsam-lernen")
async def federated_page(request: Request) -> Response:
    _, catalog = request.app.state.opened.both()
    view = latest_federated(catalog)
    chart = federated_chart(view) if view and view["parties"] else ""
    return render(request, "federated.html.j2", {"federated": view}, chart=chart)
