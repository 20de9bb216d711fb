"""The FastAPI app: one guard before every route (host, login token, origin, CSRF token,
language), plain German errors instead of stack traces, the pages from ``routes/``."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from datensorgfalt import i18n
from datensorgfalt.errors import DatasetNotFound, DatensorgfaltError
from datensorgfalt.web import security
from datensorgfalt.web.jobs import Jobs
from datensorgfalt.web.opened import Opened
from datensorgfalt.web.render import LANG_COOKIE, render
from datensorgfalt.web.security import TOKEN_COOKIE, Refused, WebSettings

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
log = logging.getLogger("datensorgfalt.web")


async def guard(request: Request) -> None:
    settings: WebSettings = request.app.state.settings
    host = request.headers.get("host", "")
    security.check_host(settings, host)
    if settings.needs_token():
        given = (request.cookies.get(TOKEN_COOKIE) or request.headers.get("x-token")
                 or request.query_params.get("token"))
        if not security.same(given, settings.token):
            raise Refused("web.error.token")
    if request.method not in SAFE_METHODS:
        security.check_origin(request.headers.get("origin"), host)
        security.check_length(settings, request.headers.get("content-length"))
        sent = request.headers.get("x-csrf-token")
        if sent is None:
            sent = (await request.form()).get("csrf")
        if not security.same(sent if isinstance(sent, str) else None, settings.csrf):
            raise Refused("web.error.csrf")
    chosen = request.cookies.get(LANG_COOKIE)
    i18n.set_language(chosen if chosen in i18n.LANGUAGES else None)


def create_app(settings: WebSettings) -> FastAPI:
    from datensorgfalt.web.routes import ROUTERS

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.jobs.close()
        app.state.opened.close()

    app = FastAPI(title="Datensorgfalt", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(guard)], lifespan=lifespan)
    app.state.settings = settings
    app.state.jobs = Jobs(settings.root)
    app.state.opened = Opened(settings.root)
    static = resources.files("datensorgfalt").joinpath("web", "static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _errors(app)

    @app.middleware("http")
    async def headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        token = request.query_params.get("token")
        if settings.token and token and security.same(token, settings.token):
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # forms then send their Origin
        response.headers["Cache-Control"] = "no-store"
        return response

    return app


def _errors(app: FastAPI) -> None:
    @app.exception_handler(DatensorgfaltError)
    async def domain_error(request: Request, exc: DatensorgfaltError) -> Response:
        status = getattr(exc, "status", 404 if isinstance(exc, DatasetNotFound) else 400)
        return _error(request, str(exc), status, exc.key)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        key = "web.error.not_found" if exc.status_code == 404 else "web.error.request"
        return _error(request, i18n.t(key), exc.status_code, key)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, i18n.t("web.error.request"), 400, "web.error.request")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return _error(request, i18n.t("web.error.internal"), 500, "web.error.internal")


def _error(request: Request, message: str, status: int, key: str) -> Response:
    return render(request, "error.html.j2", {"error": message, "key": key}, status=status)
