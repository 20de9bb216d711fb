"""Reifegrad: the questionnaire as a form (save and continue later), the phase, the evidence
from the catalog and where answers and evidence disagree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from datensorgfalt.services import evidence, readiness
from datensorgfalt.services.help import company_land
from datensorgfalt.services.knowledge import loc
from datensorgfalt.web.render import back_to, page, render

router = APIRouter()


def _form(answers: dict[str, Any]) -> list[dict[str, Any]]:
    spec = readiness.questionnaire()
    return [{"key": dim["key"], "title": loc(dim["title"]), "questions": [
        {"id": q["id"], "type": q["type"], "text": loc(q["text"]),
         "answer": answers.get(q["id"]),
         "options": [{"value": o["value"], "label": loc(o["label"])}
                     for o in readiness.options(q)]}
        for q in spec["questions"] if q["dimension"] == dim["key"]]}
        for dim in spec["dimensions"]]


@page(router, "/reifegrad")
async def readiness_page(request: Request) -> Response:
    workspace, catalog = request.app.state.opened.both()
    answers = readiness.stored_answers(catalog) or {}
    facts = request.app.state.opened.cached(
        "evidence", lambda: evidence.gather(workspace, catalog))
    result = readiness.assess(answers, facts) if answers else None
    if result is not None:  # who can help, for the company's Bundesland
        result |= readiness.who_can_help(result, company_land(workspace))
    company = [{"id": q["id"], "text": loc(q["text"]), "options": q["options"]}
               for q in readiness.company_questions(workspace)]
    data = {"answers": answers, "assessment": result, "land": company_land(workspace),
            "company_questions": company}
    return render(request, "readiness.html.j2", data, form=_form(answers))


@router.post("/reifegrad")
async def save_answers(request: Request) -> Response:
    workspace, catalog = request.app.state.opened.both()
    form = await request.form()
    spec = readiness.questionnaire()
    given: dict[str, Any] = dict(readiness.stored_answers(catalog) or {})
    for q in spec["questions"]:
        values = [v for v in form.getlist(f"q_{q['id']}") if v != ""]
        if values:
            given[q["id"]] = values if q["type"] == "multi" else values[0]
    for q in readiness.company_questions(workspace):  # the Bundesland, asked once
        if form.get(f"c_{q['id']}"):
            given[f"_{q['id']}"] = str(form.get(f"c_{q['id']}"))
    answers = {k: v for k, v in given.items() if k.startswith("_")} | readiness.validate(
        {k: v for k, v in given.items() if not k.startswith("_")})
    readiness.run_readiness(workspace, catalog, answers)
    return back_to("/reifegrad", saved="1")
