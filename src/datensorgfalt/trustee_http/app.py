"""FastAPI routes of the trustee. Each route authenticates, reads a bounded JSON-LD body and
calls one method of ``services.trustee.Trustee``; every failure is a DSP error message."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from datensorgfalt.i18n import t
from datensorgfalt.services.trustee import (
    CONTEXT,
    Participant,
    ProtocolProblem,
    open_trustee,
)

MESSAGE_LIMIT = 256 * 1024
OFFER_LIMIT = 64 * 1024 * 1024
CATALOG, NEGOTIATION, TRANSFER = "CatalogError", "ContractNegotiationError", "TransferError"
JSON_TYPES = ("application/json", "application/ld+json")


def _error(problem: ProtocolProblem) -> JSONResponse:
    return JSONResponse(problem.message(), status_code=problem.status)


async def _body(request: Request, kind: str, limit: int = MESSAGE_LIMIT) -> dict[str, Any]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in JSON_TYPES:
        raise ProtocolProblem(415, kind, "content_type", [t("trustee.error.content_type")])
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolProblem(413, kind, "too_large", [t("trustee.error.too_large", limit=limit)])
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolProblem(413, kind, "too_large",
                                  [t("trustee.error.too_large", limit=limit)])
        chunks.append(chunk)
    try:
        doc = json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError):
        raise ProtocolProblem(400, kind, "json", [t("trustee.error.json")]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("@context"), list) \
            or CONTEXT[0] not in doc["@context"]:
        raise ProtocolProblem(400, kind, "json", [t("trustee.error.json")])
    return doc


def _expect(doc: dict[str, Any], kind: str, message_type: str, *fields: str) -> None:
    if doc.get("@type") != message_type:
        raise ProtocolProblem(400, kind, "type",
                              [t("trustee.error.message_type", expected=message_type)],
                              _text(doc.get("providerPid")), _text(doc.get("consumerPid")))
    for name in fields:
        if not isinstance(doc.get(name), str | dict) or not doc.get(name):
            raise ProtocolProblem(400, kind, "field", [t("trustee.error.field", field=name)],
                                  _text(doc.get("providerPid")), _text(doc.get("consumerPid")))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def create_app(root: Path) -> FastAPI:
    trustee = open_trustee(root)
    app = FastAPI(title="Datensorgfalt Datentreuhänder", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.trustee = trustee

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def route(kind: str, handler: Callable[[Request, Participant], Awaitable[Any]]
              ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                who = await run_in_threadpool(trustee.authenticate,
                                              request.headers.get("authorization"))
                if who is None:
                    raise ProtocolProblem(401, kind, "unauthorized",
                                          [t("trustee.error.unauthorized")],
                                          request.path_params.get("pid"))
                result = await handler(request, who)
            except ProtocolProblem as problem:
                return _error(problem)
            status, body = result if isinstance(result, tuple) else (200, result)
            return JSONResponse(body, status_code=status)
        return endpoint

    async def catalog_request(request: Request, who: Participant) -> Any:
        doc = await _body(request, CATALOG)
        _expect(doc, CATALOG, "CatalogRequestMessage")
        return await run_in_threadpool(trustee.catalog, who, base(request))

    async def dataset(request: Request, who: Participant) -> Any:
        return await run_in_threadpool(trustee.dataset, who, request.path_params["pid"],
                                       base(request))

    async def offer(request: Request, who: Participant) -> Any:
        doc = await _body(request, CATALOG, OFFER_LIMIT)
        _expect(doc, CATALOG, "Angebot", "policy", "data")
        return 201, await run_in_threadpool(trustee.offer, who, doc)

    async def contract_request(request: Request, who: Participant) -> Any:
        doc = await _body(request, NEGOTIATION)
        _expect(doc, NEGOTIATION, "ContractRequestMessage", "consumerPid", "offer")
        return await run_in_threadpool(trustee.request_contract, who, doc)

    async def negotiation(request: Request, who: Participant) -> Any:
        return await run_in_threadpool(trustee.negotiation, who, request.path_params["pid"])

    async def agreement(request: Request, who: Participant) -> Any:
        return await run_in_threadpool(trustee.agreement, who, request.path_params["pid"])

    async def verification(request: Request, who: Participant) -> Any:
        doc = await _body(request, NEGOTIATION)
        _expect(doc, NEGOTIATION, "ContractAgreementVerificationMessage", "providerPid",
                "consumerPid")
        return await run_in_threadpool(trustee.verify_agreement, who, request.path_params["pid"])

    async def negotiation_end(request: Request, who: Participant) -> Any:
        doc = await _body(request, NEGOTIATION)
        _expect(doc, NEGOTIATION, "ContractNegotiationTerminationMessage", "providerPid",
                "consumerPid")
        return await run_in_threadpool(trustee.terminate_negotiation, who,
                                       request.path_params["pid"])

    async def transfer_request(request: Request, who: Participant) -> Any:
        doc = await _body(request, TRANSFER)
        _expect(doc, TRANSFER, "TransferRequestMessage", "consumerPid", "agreementId", "format")
        return await run_in_threadpool(trustee.request_transfer, who, doc, base(request))

    async def transfer(request: Request, who: Participant) -> Any:
        return await run_in_threadpool(trustee.transfer, who, request.path_params["pid"])

    async def transfer_start(request: Request, who: Participant) -> Any:
        return await run_in_threadpool(trustee.start_message, who, request.path_params["pid"],
                                       base(request))

    def transfer_end(message_type: str, to: str) -> Callable:
        async def handler(request: Request, who: Participant) -> Any:
            doc = await _body(request, TRANSFER)
            _expect(doc, TRANSFER, message_type, "providerPid", "consumerPid")
            return await run_in_threadpool(trustee.end_transfer, who,
                                           request.path_params["pid"], to)
        return handler

    @app.get("/.well-known/dspace-version")
    async def version() -> dict[str, Any]:
        return {"protocolVersions": [{"version": "2025-1", "path": "/dsp", "binding": "HTTPS",
                                      "auth": {"protocol": "bearer", "version": "1"}}]}

    @app.get("/daten/{pid}")
    async def pull(pid: str, request: Request) -> Response:
        try:
            data, meta = await run_in_threadpool(trustee.pull, pid,
                                                 request.headers.get("authorization"))
        except ProtocolProblem as problem:
            return _error(problem)
        return Response(data, media_type=meta["media_type"],
                        headers={"X-Content-SHA256": meta["sha256"],
                                 "Content-Disposition": f'attachment; filename="{pid}"'})

    table: list[tuple[str, str, str, Callable]] = [
        ("POST", "/api/angebote", CATALOG, offer),
        ("POST", "/dsp/catalog/request", CATALOG, catalog_request),
        ("GET", "/dsp/catalog/datasets/{pid:path}", CATALOG, dataset),
        ("POST", "/dsp/negotiations/request", NEGOTIATION, contract_request),
        ("GET", "/dsp/negotiations/{pid}", NEGOTIATION, negotiation),
        ("GET", "/dsp/negotiations/{pid}/agreement", NEGOTIATION, agreement),
        ("POST", "/dsp/negotiations/{pid}/agreement/verification", NEGOTIATION, verification),
        ("POST", "/dsp/negotiations/{pid}/termination", NEGOTIATION, negotiation_end),
        ("POST", "/dsp/transfers/request", TRANSFER, transfer_request),
        ("GET", "/dsp/transfers/{pid}", TRANSFER, transfer),
        ("GET", "/dsp/transfers/{pid}/start", TRANSFER, transfer_start),
        ("POST", "/dsp/transfers/{pid}/completion", TRANSFER,
         transfer_end("TransferCompletionMessage", "COMPLETED")),
        ("POST", "/dsp/transfers/{pid}/termination", TRANSFER,
         transfer_end("TransferTerminationMessage", "TERMINATED")),
        ("POST", "/dsp/transfers/{pid}/suspension", TRANSFER,
         transfer_end("TransferSuspensionMessage", "SUSPENDED")),
    ]
    for method, path, kind, handler in table:
        app.add_api_route(path, route(kind, handler), methods=[method])

    @app.exception_handler(StarletteHTTPException)
    async def http_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = TRANSFER if "/transfers" in request.url.path else \
            NEGOTIATION if "/negotiations" in request.url.path else CATALOG
        return _error(ProtocolProblem(exc.status_code, kind, str(exc.status_code),
                                      [str(exc.detail)]))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _error(ProtocolProblem(500, CATALOG, "internal", ["Interner Fehler."]))

    return app


def serve(root: Path, host: str = "127.0.0.1", port: int = 8700,
          announce: Callable[[str], None] = print) -> None:
    import uvicorn

    app = create_app(root)
    announce(t("trustee.serve.running", url=f"http://{host}:{port}/"))
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                proxy_headers=False)


