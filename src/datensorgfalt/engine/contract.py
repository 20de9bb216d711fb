"""What the engine needs to know of a dataset and of the workspace, and nothing more.

The catalog's ``Dataset`` and the ``Workspace`` fit these shapes; the engine sits below the
catalog and so names the shapes instead of importing them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol


class StoredColumn(Protocol):
    name: str
    details: dict[str, Any]


class StoredDataset(Protocol):
    """A cataloged table: where it is and what the scan saw of it."""

    id: str
    location: str
    format: str
    fingerprint: str | None
    byte_size: int | None
    modified_at: datetime | None
    row_count: int | None  # as the scan counted it
    columns: Sequence[StoredColumn]


class WorkArea(Protocol):
    """The workspace folder: ``path("staged", name)`` is a path inside it (parents made)."""

    def path(self, *parts: str) -> Path: ...
