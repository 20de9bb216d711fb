"""Messages the trustee sends to a consumer's ``callbackAddress`` (Dataspace Protocol 2025-1,
HTTPS binding): the agreement, the FINALIZED event, a termination, the transfer's start and
completion. Sent in the background, once, with a short timeout; every attempt and its HTTP
status go into the audit log. A callback address that is not an http(s) URL means "I ask
myself" (our own ``dataspace get`` polls): then nothing is sent, on purpose."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = 10
Record = Callable[[str, str, int], None]


def reachable(address: str | None) -> bool:
    """Whether the trustee calls this address back (http or https with a host)."""
    if not address:
        return False
    parts = urlsplit(address)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


class Callbacks:
    def __init__(self, record: Record) -> None:
        self._record = record
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dsp-callback")

    def send(self, address: str | None, path: str, message: dict[str, Any]) -> None:
        if reachable(address):
            self._pool.submit(self._post, str(address).rstrip("/") + path, message)

    def _post(self, url: str, message: dict[str, Any]) -> None:
        request = urllib.request.Request(url, data=json.dumps(message).encode("utf-8"),
                                         method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                status = answer.status
        except urllib.error.HTTPError as refused:
            status = refused.code
        except (OSError, ValueError, http.client.HTTPException):
            status = 0  # not reachable: the consumer can still ask (GET endpoints)
        self._record(url, str(message.get("@type")), status)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
