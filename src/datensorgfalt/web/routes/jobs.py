"""The running job: its progress as a fragment the pages poll, and the cancel button."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from datensorgfalt.web.render import back_to, fragment, page, render, wants_json

router = APIRouter()


@page(router, "/arbeit")
async def current(request: Request) -> Response:
    state = request.app.state.jobs.latest()
    if wants_json(request):
        return render(request, "job.html.j2", state)
    return fragment(request, "job.html.j2", state_=state)


@router.post("/arbeit/abbrechen")
async def cancel(request: Request, back: str = Form("/start")) -> Response:
    state = request.app.state.jobs.cancel()
    if wants_json(request):
        return render(request, "job.html.j2", state)
    return back_to(back if back.startswith("/") and not back.startswith("//") else "/start")
