"""Downloads over HTTP(S) with a size limit; when the machine is offline, one sentence says so."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from datensorgfalt.services.opendata.rdf import OpenDataError

TIMEOUT_SECONDS = 30
CHUNK = 1024 * 1024


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def download_bytes(url: str, limit: int) -> bytes:
    """The body of ``url``, refused above ``limit`` bytes."""
    with _opened(url) as response:
        data = response.read(limit + 1)
    if len(data) > limit:
        raise OpenDataError("opendata.error.download_too_big", url=url, mb=limit // CHUNK)
    return data


def download_file(url: str, target: Path, limit: int) -> int:
    """Writes the body of ``url`` to ``target``; the number of bytes, refused above ``limit``."""
    written = 0
    with _opened(url) as response, target.open("wb") as handle:
        while chunk := response.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise OpenDataError("opendata.error.download_too_big", url=url,
                                    mb=limit // CHUNK)
            handle.write(chunk)
    return written


@contextmanager
def _opened(url: str) -> Iterator[IO[Any]]:
    if not is_url(url):
        raise OpenDataError("opendata.error.not_http", url=url)
    request = urllib.request.Request(url, headers={"User-Agent": "datensorgfalt"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            yield response
    except urllib.error.HTTPError as exc:
        raise OpenDataError("opendata.error.http_status", url=url, status=exc.code) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise OpenDataError("opendata.error.offline", url=url,
                            reason=str(getattr(exc, "reason", exc))) from exc
