"""Location URIs of datasets: ``file:///abs/path`` (+ ``#sheet=NAME`` / ``#table=NAME``) and
``postgresql://host:port/db/schema.table``.

Paths are percent-encoded from their bytes, so names with umlauts, spaces, newlines or bytes
that are not UTF-8 survive the round trip ``file_location`` -> ``path_of``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote, unquote_to_bytes, urlsplit


def file_location(path: Path, **fragment: str) -> str:
    """The URI of a file, with an optional fragment such as ``sheet="Preise"``."""
    uri = Path(os.path.abspath(path)).as_uri()
    if fragment:
        uri += "#" + "&".join(f"{k}={quote(v, safe='')}" for k, v in fragment.items())
    return uri


def path_of(location: str) -> Path:
    """The local path of a ``file://`` location (fragment removed)."""
    parts = urlsplit(location)
    if parts.scheme != "file":
        raise ValueError(f"not a file location: {location}")
    return Path(os.fsdecode(unquote_to_bytes(parts.path)))


def fragment_of(location: str) -> dict[str, str]:
    """``{"sheet": "Preise"}`` for ``file:///book.xlsx#sheet=Preise``."""
    fragment = urlsplit(location).fragment
    pairs = (item.split("=", 1) for item in fragment.split("&") if "=" in item)
    return {key: unquote(value) for key, value in pairs}


def display_name(path: Path) -> str:
    """A file name that is safe to store and show (invalid bytes become U+FFFD)."""
    return safe_text(path.name)


def safe_text(text: str) -> str:
    """``text`` without lone surrogates (from undecodable file names), valid UTF-8."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def display_location(location: str) -> str:
    """A location as people read it: the plain path (with its sheet or table), or the URL."""
    if not location.startswith("file://"):
        return location
    fragment = fragment_of(location)
    suffix = "".join(f" [{value}]" for value in fragment.values())
    return safe_text(str(path_of(location))) + suffix
