"""The workspace: a ``.datensorgfalt/`` folder holding the catalog and the settings."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from datensorgfalt.catalog.fresh import create_fresh_sqlite
from datensorgfalt.errors import NoWorkspace

if TYPE_CHECKING:
    from datensorgfalt.catalog import Catalog

FOLDER = ".datensorgfalt"
PRIVATE_UMASK = 0o077  # the workspace holds copies of personal data: for its owner only
SETTINGS_FILE = "settings.json"
ENV_DB = "DATENSORGFALT_DB"
ENV_WORKSPACE = "DATENSORGFALT_WORKSPACE"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def folder(self) -> Path:
        return self.root / FOLDER

    @property
    def settings(self) -> dict:
        path = self.folder / SETTINGS_FILE
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    @property
    def db_url(self) -> str:
        return os.environ.get(ENV_DB) or self.settings.get("db") or self.default_db_url()

    def default_db_url(self) -> str:
        return f"sqlite:///{self.folder / 'catalog.sqlite'}"

    def open_catalog(self) -> Catalog:
        from datensorgfalt.catalog import Catalog

        return Catalog.open(self.db_url)

    def path(self, *parts: str) -> Path:
        """A path inside the workspace folder (created on demand)."""
        target = self.folder.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target


def init_workspace(root: Path, db_url: str | None = None) -> Workspace:
    """Create ``root/.datensorgfalt`` with a migrated catalog. Safe to run twice."""
    workspace = Workspace(root.resolve())
    workspace.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    settings = workspace.settings
    db_url = db_url or os.environ.get(ENV_DB)
    if db_url:
        settings["db"] = db_url
    settings.setdefault("version", 1)
    url = settings.get("db") or workspace.default_db_url()
    if not create_fresh_sqlite(url):  # a new SQLite file needs no SQLAlchemy
        from datensorgfalt.catalog import Catalog

        Catalog.open(url).close()
    (workspace.folder / SETTINGS_FILE).write_text(json.dumps(settings, indent=2), "utf-8")
    make_private(workspace.folder)
    return workspace


def update_settings(workspace: Workspace, **values: object) -> dict:
    """Store ``values`` in the workspace settings (others kept); returns the new settings."""
    settings = workspace.settings | values
    path = workspace.folder / SETTINGS_FILE
    path.write_text(json.dumps(settings, indent=2), "utf-8")
    path.chmod(0o600)
    return settings


def make_private(folder: Path) -> None:
    """``folder`` and everything in it for its owner only (700 folders, 600 files)."""
    for path in (folder, *folder.rglob("*")):
        try:
            if not path.is_symlink():
                path.chmod(0o700 if path.is_dir() else 0o600)
        except OSError:
            pass


def _close(folder: Path) -> None:
    """A workspace made before folders were private: at least the folder itself is closed."""
    try:
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
    except OSError:
        pass


def find_workspace(start: Path | None = None) -> Workspace:
    """The workspace in ``start`` or its nearest parent (or ``DATENSORGFALT_WORKSPACE``)."""
    if os.environ.get(ENV_WORKSPACE):
        root = Path(os.environ[ENV_WORKSPACE])
        if (root / FOLDER).is_dir():
            _close(root / FOLDER)
            return Workspace(root.resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / FOLDER).is_dir():
            _close(folder / FOLDER)
            return Workspace(folder)
    raise NoWorkspace("error.no_workspace", path=str(here))
