"""The trustee's home folder: settings, its audit signing key and its data key (files 600)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from datensorgfalt.errors import DatensorgfaltError

SETTINGS = "treuhand.json"
SIGNING_KEY = "audit-signatur.key"
DATA_KEY = "daten.key"


class TrusteeError(DatensorgfaltError):
    """Something about the trustee's home folder or store is wrong."""


@dataclass(frozen=True)
class Home:
    root: Path
    db_url: str

    @property
    def signing_key(self) -> Ed25519PrivateKey:
        raw = (self.root / SIGNING_KEY).read_bytes()
        return serialization.load_pem_private_key(raw, password=None)  # type: ignore[return-value]

    @property
    def data_key(self) -> bytes:
        return (self.root / DATA_KEY).read_bytes()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def create_home(root: Path, db_url: str | None) -> Home:
    root = root.resolve()
    if not root.is_dir():  # a mistyped path makes no new folder
        raise TrusteeError("trustee.error.no_folder", path=str(root))
    if (root / SETTINGS).exists():
        raise TrusteeError("trustee.error.exists", path=str(root))
    url = db_url or f"sqlite:///{root / 'treuhand.sqlite'}"
    key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    _write_private(root / SIGNING_KEY, key)
    _write_private(root / DATA_KEY, secrets.token_bytes(32))
    _write_private(root / SETTINGS, json.dumps({"db_url": url}, indent=2).encode())
    return Home(root, url)


def open_home(root: Path) -> Home:
    root = root.resolve()
    try:
        settings = json.loads((root / SETTINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise TrusteeError("trustee.error.no_home", path=str(root)) from None
    return Home(root, settings["db_url"])
