"""The workspace's pseudonym key: created on first use in ``.datensorgfalt/secret.key``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from datensorgfalt.workspace import Workspace

KEY_FILE = "secret.key"


def workspace_key(workspace: Workspace) -> bytes:
    path = workspace.path(KEY_FILE)
    return load_or_create_key(path)


def load_or_create_key(path: Path) -> bytes:
    if path.exists():
        return bytes.fromhex(path.read_text("ascii").strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")
    return key
