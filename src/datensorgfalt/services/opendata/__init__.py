"""Open data beside the company's own: DCAT-AP.de catalogs imported as external entries.

Entry points: ``import_catalog(workspace, catalog, source)`` reads a catalog file or URL
(Turtle, JSON-LD, RDF/XML; :mod:`.rdf` refuses hostile input) and stores each dataset as a
result of kind ``opendata`` keyed by its IRI, so importing again replaces, never doubles;
``open_entries(catalog, search)`` lists them; ``fetch_distribution(workspace, catalog, id, out)``
downloads one distribution (:mod:`.http`) and scans it like any file;
``import_weather(workspace, catalog, file)`` adds a DWD daily climate file (:mod:`.weather`),
``load_weather(catalog, id)`` gives its values back (for PoC features). Licences are explained by
:mod:`.licences`. Open data never becomes a ``Dataset`` row until it is fetched.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from datensorgfalt.catalog import Catalog, save_result
from datensorgfalt.services.opendata.http import download_bytes, download_file, is_url
from datensorgfalt.services.opendata.licences import explain_licence
from datensorgfalt.services.opendata.rdf import (
    MAX_CATALOG_BYTES,
    OpenDataError,
    datasets_of,
    parse_catalog,
)
from datensorgfalt.services.opendata.weather import (
    WeatherReport,
    import_weather,
    load_weather,
    read_dwd_daily,
)
from datensorgfalt.services.outputs import check_output, writing
from datensorgfalt.services.scan import scan
from datensorgfalt.workspace import Workspace

KIND = "opendata"
MAX_DOWNLOAD_BYTES = 500 * 1024 * 1024
DOWNLOAD_FOLDER = "offene-daten"

__all__ = ["KIND", "FetchReport", "ImportReport", "OpenDataError", "WeatherReport",
           "explain_licence", "fetch_distribution", "import_catalog", "import_weather",
           "load_weather", "open_entries", "read_dwd_daily"]


@dataclass
class ImportReport:
    source: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FetchReport:
    id: str
    url: str
    path: str
    bytes: int
    dataset_ids: list[str]
    scan: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def import_catalog(workspace: Workspace, catalog: Catalog, source: str) -> ImportReport:
    """Each dataset of the DCAT-AP.de catalog at ``source`` (a file or an http(s) URL) as an
    open-data entry; all or nothing."""
    data, name = _read_source(source)
    entries = [_entry(raw, source) for raw in datasets_of(parse_catalog(data, name))]
    if not entries:
        raise OpenDataError("opendata.error.no_datasets", source=name)
    known = {entry["id"] for entry in open_entries(catalog)}
    report = ImportReport(source=name, entries=[_explained(e) for e in entries])
    with catalog.session() as session:
        for entry in entries:
            save_result(session, KIND, entry, key=entry["iri"], replace=True)
            (report.updated if entry["id"] in known else report.added).append(entry["id"])
    return report


def open_entries(catalog: Catalog, search: str | None = None) -> list[dict[str, Any]]:
    """The imported open-data entries, by title; ``search`` keeps those whose title,
    description, keywords, publisher, themes or place contain every word of it."""
    entries = [_explained(result.payload) for result in catalog.results(KIND)]
    entries.sort(key=lambda e: (e["title"].casefold(), e["id"]))
    words = (search or "").casefold().split()
    return [e for e in entries if all(w in _haystack(e) for w in words)]


def open_entry(catalog: Catalog, id_or_prefix: str) -> dict[str, Any]:
    matches = [e for e in open_entries(catalog)
               if e["id"].startswith(id_or_prefix) or e["iri"] == id_or_prefix]
    if len(matches) != 1:
        raise OpenDataError("opendata.error.unknown_id" if not matches
                            else "opendata.error.ambiguous_id", id=id_or_prefix)
    return matches[0]


def fetch_distribution(workspace: Workspace, catalog: Catalog, id_or_prefix: str,
                       out: Path | None = None, *, overwrite: bool = False,
                       limit: int = MAX_DOWNLOAD_BYTES) -> FetchReport:
    """Downloads the first downloadable distribution of an open-data entry to ``out`` (default
    ``offene-daten/`` in the workspace root) and scans it into the catalog."""
    entry = open_entry(catalog, id_or_prefix)
    if "weather" in entry:  # came from a file already; its access URL is the DWD's folder
        raise OpenDataError("opendata.weather.error.fetch", id=entry["id"])
    url = next((d["download_url"] or d["access_url"] for d in entry["distributions"]
                if is_url(d["download_url"] or d["access_url"] or "")), None)
    if url is None:
        raise OpenDataError("opendata.error.no_url", id=entry["id"])
    target = check_output(out or workspace.root / DOWNLOAD_FOLDER / _file_name(url, entry),
                          overwrite=overwrite, catalog=catalog)
    with writing(target, workspace) as temporary:
        size = download_file(url, temporary, limit)
    report = scan(workspace, catalog, [target])
    dataset_ids = [d.id for d in catalog.datasets() if unquote(d.location).endswith(str(target))]
    with catalog.session() as session:
        stored = {k: v for k, v in entry.items() if k != "licence_info"}
        save_result(session, KIND, {**stored, "fetched": {"url": url, "path": str(target),
                                                         "dataset_ids": dataset_ids}},
                    key=entry["iri"], replace=True)
    return FetchReport(id=entry["id"], url=url, path=str(target), bytes=size,
                       dataset_ids=dataset_ids, scan={k: v for k, v in report.to_dict().items()
                                                      if k in ("new", "changed", "failed")})


def _read_source(source: str) -> tuple[bytes, str]:
    if is_url(source):
        return download_bytes(source, MAX_CATALOG_BYTES), source
    path = Path(source).expanduser()
    if not path.is_file():
        raise OpenDataError("opendata.error.no_file", source=source)
    if path.stat().st_size > MAX_CATALOG_BYTES:
        raise OpenDataError("opendata.error.too_big", source=source,
                            mb=MAX_CATALOG_BYTES // (1024 * 1024))
    return path.read_bytes(), path.name


def _entry(raw: dict[str, Any], source: str) -> dict[str, Any]:
    return {"id": "od-" + hashlib.sha256(raw["iri"].encode()).hexdigest()[:10],
            **raw, "open_data": True, "source": source}


def _explained(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with its licence explained in the current language (not stored: the
    language is the reader's)."""
    return {**entry, "licence_info": explain_licence(entry["licence"])}


def _haystack(entry: dict[str, Any]) -> str:
    parts = [entry["title"], entry.get("description") or "", entry.get("publisher") or "",
             *entry.get("keywords", []), *entry.get("themes", []), *entry.get("spatial", [])]
    return " ".join(parts).casefold()


def _file_name(url: str, entry: dict[str, Any]) -> str:
    name = Path(unquote(urlparse(url).path)).name
    return name if name and name not in (".", "..") else f"{entry['id']}.dat"
