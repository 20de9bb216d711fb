"""A small Dataspace Protocol 2025-1 client for the company side (stdlib HTTP only)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from datensorgfalt.errors import DatensorgfaltError

CONTEXT = ["https://w3id.org/dspace/2025/1/context.jsonld"]
# our side has no server to be called back: it asks for the agreement and the start message
# itself; a callback address that is no http(s) URL tells the trustee so (the schema needs one)
POLLS = "urn:datensorgfalt:consumer:polls"
TIMEOUT = 60


class DataspaceError(DatensorgfaltError):
    """The trustee cannot be reached or refused a step (``reason`` is its own sentence)."""


class Connection:
    def __init__(self, base_url: str, token: str) -> None:
        self.base = base_url.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body: dict[str, Any] | None = None,
             token: str | None = None) -> tuple[int, bytes, dict[str, str]]:
        data = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            raise DataspaceError("dataspace.error.refused", status=exc.code,
                                 reason=_reason(exc.read())) from None
        except http.client.HTTPException:  # an answer cut off half-way (IncompleteRead)
            raise DataspaceError("dataspace.error.cut_off", url=self.base) from None
        except (OSError, ValueError):
            raise DataspaceError("dataspace.error.unreachable", url=self.base) from None

    def json(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        _, raw, _ = self.call(method, path, body)
        return json.loads(raw)


def _reason(raw: bytes) -> str:
    try:
        reasons = json.loads(raw).get("reason") or []
        return " ".join(str(r) for r in reasons) or "?"
    except (ValueError, AttributeError):
        return "?"
