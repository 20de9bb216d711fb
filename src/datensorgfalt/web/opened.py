"""The workspace and catalog the app serves, opened once and kept open, and the read model
computed once per state of the catalog (the pages read it far more often than it changes)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from datensorgfalt.catalog import Catalog
from datensorgfalt.workspace import Workspace, find_workspace


class Opened:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._catalogs: dict[str, Catalog] = {}
        self._cache: dict[str, tuple[Any, Any]] = {}

    def workspace(self) -> Workspace:
        """The workspace (raises ``NoWorkspace`` with its German sentence before a scan)."""
        return find_workspace(self.root)

    def has_workspace(self) -> bool:
        with suppress(Exception):
            self.workspace()
            return True
        return False

    def both(self) -> tuple[Workspace, Catalog]:
        workspace = self.workspace()
        url = workspace.db_url
        if url not in self._catalogs:
            self._catalogs[url] = workspace.open_catalog()
        return workspace, self._catalogs[url]

    def cached(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` again only when the catalog changed since (a SQLite catalog: its
        files' size and time; any other database is read every time)."""
        version = self._version()
        kept = self._cache.get(name)
        if version is not None and kept is not None and kept[0] == version:
            return kept[1]
        value = compute()
        # after: a computation that stores its result (use cases) does not void itself
        self._cache[name] = (self._version(), value)
        return value

    def _version(self) -> tuple | None:
        workspace = self.workspace()
        url = workspace.db_url
        if not url.startswith("sqlite:///"):
            return None
        base = Path(url.removeprefix("sqlite:///"))
        stats = []
        for path in (base, base.with_name(base.name + "-wal")):
            with suppress(OSError):
                stat = path.stat()
                stats.append((stat.st_size, stat.st_mtime_ns))
        return (url, *stats)

    def close(self) -> None:
        for catalog in self._catalogs.values():
            catalog.close()
        self._catalogs.clear()
        self._cache.clear()
