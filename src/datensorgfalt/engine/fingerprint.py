"""Content fingerprints (sha256 of the bytes, streamed) and file modification times."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

EPOCH = datetime(1970, 1, 1)


def sha256_file(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def modified_at(mtime_ns: int) -> datetime:
    """The modification time as naive UTC, to the microsecond (what both databases keep)."""
    return EPOCH + timedelta(microseconds=mtime_ns // 1000)


def part_fingerprint(file_sha: str, part: str | None) -> str:
    """Fingerprint of one table inside a file (a sheet, a SQLite table)."""
    if not part:
        return file_sha
    return hashlib.sha256(f"{file_sha}#{part}".encode()).hexdigest()
