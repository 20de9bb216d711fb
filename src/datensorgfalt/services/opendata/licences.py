"""Licence IRIs mapped to the DCAT-AP.de licence vocabulary (``knowledge/opendata/licences.yaml``)
and explained in one plain sentence: commercial use, attribution, share alike."""

from __future__ import annotations

from typing import Any

from datensorgfalt.services.knowledge import load, loc


def explain_licence(iri: str | None) -> dict[str, Any]:
    """``{"iri", "id", "name", "commercial", "attribution", "share_alike", "text"}``; ``id`` is
    None when the licence is not in the vocabulary (then the text says to ask the provider)."""
    known = load("opendata/licences")
    key = _vocabulary_key(iri or "", known)
    if key is None:
        return {"iri": iri, "id": None, "name": iri, "commercial": None, "attribution": None,
                "share_alike": None, "text": loc(known["unknown"])}
    entry = known["licences"][key]
    return {"iri": iri, "id": key, "name": entry["name"], "commercial": entry["commercial"],
            "attribution": entry["attribution"], "share_alike": entry["share_alike"],
            "text": loc(entry["text"])}


def _vocabulary_key(iri: str, known: dict[str, Any]) -> str | None:
    wanted = _plain(iri)
    if not wanted:
        return None
    base = _plain(known["base"])
    for key, entry in known["licences"].items():
        forms = [f"{base}/{key}", *entry.get("aliases", [])]
        if wanted in {_plain(form) for form in forms}:
            return key
    return None


def _plain(iri: str) -> str:
    """Scheme and trailing slash do not matter (portals write both ways)."""
    return iri.strip().removeprefix("https://").removeprefix("http://").rstrip("/").lower()
