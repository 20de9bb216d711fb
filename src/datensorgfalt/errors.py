"""Domain exceptions. Each carries a message key so the CLI can say it in plain words."""

from __future__ import annotations

from datensorgfalt.i18n import t


class DatensorgfaltError(Exception):
    """Base class: ``key`` names the text in locales/, ``values`` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(key)

    def __str__(self) -> str:
        return t(self.key, **self.values)


class NoWorkspace(DatensorgfaltError):
    """No ``.datensorgfalt/`` folder here or in any parent folder."""


class DatasetNotFound(DatensorgfaltError):
    """No dataset with this id (or id prefix) in the catalog."""


class CatalogUnavailable(DatensorgfaltError):
    """The catalog database cannot be opened or reached."""
