"""Messages the trustee sends to a consumer's ``callbackAddress`` (Dataspace Protocol 2025-1,
HTTPS binding): the agreement, the FINALIZED event, a termination, the transfer's start and
completion. Sent in the background, once, with a short timeout; every attempt and its HTTP
status go into the audit log. A callback address that is not an http(s) URL means "I ask
myself" (our own ``dataspace get`` polls): then nothing is sent, on purpose.

The trustee only calls addresses the operator registered for that participant
(``trustee participant add NAME --callback URL``): otherwise any participant could make the
trustee send requests to any address it can reach, internal ones included."""

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


def _origin_and_path(address: str) -> tuple[str, str, int, str] | None:
    parts = urlsplit(address.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or \
            parts.username is not None or parts.password is not None or \
            {".", ".."} & set(parts.path.split("/")):
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return parts.scheme, parts.hostname.lower(), port, path


def callback_prefix(address: str) -> str | None:
    """The registered form of an allowed callback address, or None when it is no http(s) URL
    with a host (user names and passwords in the address are not allowed either)."""
    found = _origin_and_path(address)
    if found is None:
        return None
    scheme, host, port, path = found
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}{path}"


def allowed(address: str | None, prefixes: tuple[str, ...]) -> bool:
    """Whether ``address`` lies under one of the participant's registered callback prefixes."""
    wanted = callback_prefix(address) if reachable(address) else None
    return wanted is not None and any(wanted.startswith(prefix) for prefix in prefixes)


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
