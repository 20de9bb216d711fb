"""The workspace and catalog the app serves, opened once and kept open."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from datensorgfalt.catalog import Catalog
from datensorgfalt.workspace import Workspace, find_workspace


class Opened:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._catalogs: dict[str, Catalog] = {}

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

    def close(self) -> None:
        for catalog in self._catalogs.values():
            catalog.close()
        self._catalogs.clear()
