"""What keeps the app to its user: host names, the login token, the CSRF token, the folder
picker's limits and safe upload names."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from hmac import compare_digest
from pathlib import Path

from datensorgfalt.errors import DatensorgfaltError

LOOPBACK = ("127.0.0.1", "localhost", "::1")
TOKEN_COOKIE = "ds_token"
MAX_UPLOAD = 20 * 1024 * 1024


class Refused(DatensorgfaltError):
    """A request the app does not serve (wrong host, token, origin or CSRF token)."""

    status = 403


class TooLarge(DatensorgfaltError):
    """A request body over the upload limit (refused before anything of it is parsed)."""

    status = 413


class PathRefused(DatensorgfaltError):
    """A typed folder or an upload name that leads outside the allowed folder."""

    status = 400


@dataclass
class WebSettings:
    """One running app: the folder it serves and its secrets."""

    root: Path
    host: str = "127.0.0.1"
    token: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    max_upload: int = MAX_UPLOAD

    @property
    def host_names(self) -> set[str]:
        return set(LOOPBACK) | ({self.host} if self.host not in ("0.0.0.0", "::") else set())

    def needs_token(self) -> bool:
        return self.token is not None


def login_token() -> str:
    return secrets.token_urlsafe(24)


def same(given: str | None, expected: str) -> bool:
    return bool(given) and compare_digest(given.encode(), expected.encode())


def check_host(settings: WebSettings, host_header: str) -> None:
    """Only our own names: a page of another site that points its name at 127.0.0.1 (DNS
    rebinding) is refused."""
    host = host_header.rsplit(":", 1)[0] if not host_header.startswith("[") else \
        host_header[1:].split("]", 1)[0]
    if settings.host in ("0.0.0.0", "::") and settings.token:
        return
    if host not in settings.host_names:
        raise Refused("web.error.host")


def check_origin(origin: str | None, host_header: str) -> None:
    if origin and origin.split("://", 1)[-1] != host_header:
        raise Refused("web.error.origin")


def check_length(settings: WebSettings, length: str | None) -> None:
    """A body must say its length and stay under the upload limit (plus room for the form's
    other fields), so nothing larger is read, parsed or spooled to disk."""
    if length is None or not length.isdigit():
        raise TooLarge("web.error.length")
    if int(length) > settings.max_upload + 64 * 1024:
        raise TooLarge("web.error.upload_big", mb=settings.max_upload // (1024 * 1024))


def resolve_folder(root: Path, typed: str) -> Path:
    """The folder a person typed, as an absolute path inside ``root`` (nothing is read)."""
    text = (typed or "").strip()
    if not text or "\x00" in text:
        raise PathRefused("web.error.folder_empty")
    path = Path(text).expanduser()
    resolved = (path if path.is_absolute() else root / path).resolve()
    base = root.resolve()
    if resolved != base and base not in resolved.parents:
        raise PathRefused("web.error.outside", folder=str(resolved), root=str(base))
    return resolved


SAFE_NAME = re.compile(r"[^A-Za-z0-9ÄÖÜäöüß._ -]+")


def upload_name(name: str) -> str:
    """A file name for an upload: the last part only, no path, no hidden file."""
    last = re.split(r"[\\/]", name or "")[-1]
    clean = SAFE_NAME.sub("_", last).strip(" .")
    if not clean:
        raise PathRefused("web.error.upload_name")
    return clean[:120]
