"""The description a person writes for a dataset (kept in the dataset's details)."""

from __future__ import annotations

from typing import Any

from datensorgfalt.catalog import Catalog
from datensorgfalt.catalog.models import Dataset
from datensorgfalt.errors import DatensorgfaltError

MAX_LENGTH = 4000


class DescriptionTooLong(DatensorgfaltError):
    """A description longer than :data:`MAX_LENGTH` characters."""


def describe(catalog: Catalog, selector: str, text: str) -> dict[str, Any]:
    """Save ``text`` as the description of the dataset; empty text removes it."""
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise DescriptionTooLong("describe.error.long", n=MAX_LENGTH)
    dataset = catalog.dataset(selector)
    with catalog.session() as session:
        stored = session.get(Dataset, dataset.id)
        details = dict(stored.details or {})
        if text:
            details["description"] = text
        else:
            details.pop("description", None)
        stored.details = details
    return {"id": dataset.id, "title": dataset.title, "description": text or None}
