"""File checks shared by the tests."""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (to prove originals were not modified)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".datensorgfalt" not in p.parts
    }
