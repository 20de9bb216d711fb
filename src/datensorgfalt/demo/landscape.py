"""The folder being written: deterministic randomness, file bookkeeping, mtimes, findings."""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

#: mtime of almost every file: the day the demo company's IT person copied everything together.
DEFAULT_MTIME = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@dataclass
class Landscape:
    """Where the demo company is written and what has been planted so far."""

    root: Path
    seed: int
    mtimes: dict[str, datetime] = field(default_factory=dict)
    found: dict[str, dict[str, Any]] = field(default_factory=dict)

    def rng(self, part: str) -> random.Random:
        """An independent, reproducible random stream per part (str seeds hash with SHA-512)."""
        return random.Random(f"{self.seed}:{part}")

    def np_rng(self, part: str) -> np.random.Generator:
        digest = hashlib.sha256(f"{self.seed}:{part}".encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "big"))

    def path(self, rel: str) -> Path:
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_bytes(self, rel: str, data: bytes, mtime: datetime = DEFAULT_MTIME) -> Path:
        target = self.path(rel)
        target.write_bytes(data)
        self.mtimes[rel] = mtime
        return target

    def register(self, rel: str, mtime: datetime = DEFAULT_MTIME) -> Path:
        """Record a file that a library wrote itself (e.g. SQLite)."""
        self.mtimes[rel] = mtime
        return self.root / rel

    def plant(self, planted_id: str, **details: Any) -> None:
        """Record where a planted item really ended up (rows, timestamps ...)."""
        self.found.setdefault(planted_id, {}).update(details)

    def apply_mtimes(self) -> None:
        for rel, when in self.mtimes.items():
            stamp = when.timestamp()
            os.utime(self.root / rel, (stamp, stamp))

    @property
    def files(self) -> list[str]:
        return sorted(self.mtimes)
