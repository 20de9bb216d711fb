"""Rights and usage of datasets: source, owner, licence (DCAT-AP.de vocabulary), restrictions,
legal basis and whether the data may train AI. Stored in the catalog's ``Rights`` rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from datensorgfalt.catalog import Catalog
from datensorgfalt.catalog.models import Rights
from datensorgfalt.catalog.serialize import rights_to_dict
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import os_reason
from datensorgfalt.services.knowledge import load

FIELDS = ("licence", "source", "owner", "contact", "restrictions", "legal_basis", "ai_training",
          "access")
ACCESS = {"public": "public", "öffentlich": "public", "offen": "public",
          "restricted": "restricted", "eingeschränkt": "restricted",
          "non_public": "non_public", "non-public": "non_public", "intern": "non_public",
          "nicht öffentlich": "non_public", "nicht-öffentlich": "non_public"}
YES = {"yes", "ja", "true", "1", "y", "j"}
NO = {"no", "nein", "false", "0", "n"}


class RightsError(DatensorgfaltError):
    """A licence, source or yes/no value is not one the tool knows."""


def licences() -> dict:
    """The licence vocabulary of DCAT-AP.de and the known data sources (a knowledge file)."""
    return load("privacy/licences")


def licence_ids() -> list[str]:
    return [entry["id"] for entry in licences()["licences"]]


def normalise_licence(value: str) -> str:
    """The DCAT-AP.de id for what a user typed (``dl-de/by-2-0`` -> ``dl-by-de/2.0``)."""
    text = value.strip().lower().removeprefix(licences()["base_uri"].lower()).strip("/")
    for entry in licences()["licences"]:
        if text == entry["id"].lower() or text in (a.lower() for a in entry.get("aliases", [])):
            return entry["id"]
    allowed = ", ".join(["dl-de/by-2-0", "dl-de/zero-2-0", "cc-by/4.0", "cc-zero", "proprietary",
                         *licence_ids()[5:9]])
    raise RightsError("rights.error.licence", value=value, allowed=allowed)


def normalise_source(value: str) -> str:
    text = value.strip().lower()
    aliases = {"eigen": "own", "eigene": "own", "offen": "open", "open data": "open",
               "gekauft": "purchased", "kauf": "purchased"}
    text = aliases.get(text, text)
    if text not in licences()["sources"]:
        raise RightsError("rights.error.source", value=value,
                          allowed=", ".join(licences()["sources"]))
    return text


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise RightsError("rights.error.ai_training", value=value)


def _restrictions(value: Any) -> dict[str, Any]:
    if value in (None, "", []):
        return {}
    if isinstance(value, dict):
        return value
    items = [value] if isinstance(value, str) else list(value)
    return {"items": [str(i) for i in items]}


def validated(values: dict[str, Any]) -> dict[str, Any]:
    """Only the given fields, checked and in their stored form."""
    clean: dict[str, Any] = {}
    if values.get("licence") is not None:
        clean["licence"] = normalise_licence(str(values["licence"]))
    if values.get("source") is not None:
        clean["source"] = normalise_source(str(values["source"]))
    for key in ("owner", "contact", "legal_basis"):
        if values.get(key) is not None:
            clean[key] = str(values[key])
    if values.get("restrictions") not in (None, [], ()):
        clean["restrictions"] = _restrictions(values["restrictions"])
    if values.get("ai_training") is not None:
        clean["ai_training_allowed"] = parse_yes_no(values["ai_training"])
    if values.get("access") is not None:
        access = ACCESS.get(str(values["access"]).strip().lower())
        if access is None:
            raise RightsError("rights.error.access", value=values["access"],
                              allowed="public, restricted, non_public")
        clean["access"] = access
    return clean


def set_rights(catalog: Catalog, selector: str, **values: Any) -> dict[str, Any]:
    dataset = catalog.dataset(selector)
    clean = validated(values)
    with catalog.session() as session:
        rights = session.get(Rights, dataset.id)
        if rights is None:
            rights = Rights(dataset_id=dataset.id, restrictions={})
            session.add(rights)
        restrictions = dict(rights.restrictions or {})
        restrictions.update(clean.pop("restrictions", {}))
        if "access" in clean:
            restrictions["access"] = clean.pop("access")  # read by the DCAT export
        rights.restrictions = restrictions
        for key, value in clean.items():
            setattr(rights, key, value)
        session.flush()
        return {"id": dataset.id, "title": dataset.title, **rights_to_dict(rights)}


def import_rights(catalog: Catalog, path: Path) -> list[dict[str, Any]]:
    """Rights from a YAML file: a list of entries (or ``datasets:`` list) with ``dataset``."""
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RightsError("rights.error.file", path=str(path),
                          reason=os_reason(exc) if isinstance(exc, OSError) else str(exc)) from exc
    entries = data.get("datasets", []) if isinstance(data, dict) else (data or [])
    checked = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("dataset"):
            raise RightsError("rights.error.entry", n=number)
        catalog.dataset(str(entry["dataset"]))  # fails early on an unknown dataset
        validated(entry)  # fails before anything is written
        checked.append(entry)
    return [set_rights(catalog, str(e["dataset"]), **{k: e.get(k) for k in FIELDS})
            for e in checked]


def show_rights(catalog: Catalog, selector: str | None = None) -> list[dict[str, Any]]:
    datasets = [catalog.dataset(selector)] if selector else catalog.datasets()
    shown = []
    for dataset in datasets:
        if dataset.rights is None and not selector:
            continue
        shown.append({"id": dataset.id, "title": dataset.title,
                      **(rights_to_dict(dataset.rights) or {})})
    return shown
