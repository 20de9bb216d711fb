"""Pages and their JSON twins: the same URL with ``.json`` (or ``Accept: application/json``)
returns the data the page shows, as the service entry point returned it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from datensorgfalt import i18n
from datensorgfalt.catalog import json_safe

LANG_COOKIE = "ds_lang"
NAV = (("start", "/start"), ("catalog", "/katalog"), ("privacy", "/datenschutz"),
       ("readiness", "/reifegrad"), ("usecases", "/anwendungsfaelle"), ("poc", "/versuche"),
       ("federated", "/gemeinsam-lernen"), ("report", "/bericht"),
       ("sharing", "/geteilt"))


@cache
def environment() -> Environment:
    folder = resources.files("datensorgfalt").joinpath("web", "templates")
    env = Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(
        default=True, default_for_string=True), trim_blocks=True, lstrip_blocks=True)
    env.globals.update(t=lambda key, **values: i18n.t(key, **values), nav=NAV,
                       size=i18n.human_size, number=_number)
    return env


def _number(value: Any) -> str:
    if value is None:
        return "-"
    text = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    if i18n.language() == "de":
        text = text.replace(",", "§").replace(".", ",").replace("§", ".")
    return text


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.endswith(".json") or accept.startswith("application/json")


def render(request: Request, template: str, data: Any, status: int = 200,
           **context: Any) -> Response:
    if wants_json(request):
        return JSONResponse(json_safe(data), status_code=status)
    return fragment(request, template, status, data=data, **context)


def fragment(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    settings = request.app.state.settings
    html = environment().get_template(template).render(
        request=request, lang=i18n.language(), csrf=settings.csrf, path=request.url.path,
        job=request.app.state.jobs.latest(), **context)
    return HTMLResponse(html, status_code=status)


def page(router: APIRouter, path: str) -> Callable:
    """Register a GET page at ``path`` and its JSON twin at ``path.json``."""
    def register(func: Callable) -> Callable:
        router.get(path, response_class=HTMLResponse)(func)
        router.get(path + ".json", include_in_schema=False)(func)
        return func
    return register


def back_to(path: str, **query: str) -> RedirectResponse:
    """After a form: to the page that shows the outcome (303, so a reload does not post again)."""
    return RedirectResponse(path + (f"?{urlencode(query)}" if query else ""), status_code=303)
