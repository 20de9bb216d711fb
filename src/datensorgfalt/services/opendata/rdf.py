"""Reading a DCAT-AP.de catalog file (Turtle, JSON-LD, RDF/XML) safely into plain entries.

Hostile input is refused before rdflib sees it: files above the size limit, text that is not
UTF-8 (or an XML encoding Python does not know), any DOCTYPE or ENTITY in RDF/XML (no external
entity is ever resolved, no entity is expanded), remote JSON-LD contexts (nothing is fetched
while parsing) and literals longer than the limit.
"""

from __future__ import annotations

import codecs
import json
import re
from functools import cache
from typing import Any

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.knowledge import load, path_of

MAX_CATALOG_BYTES = 50 * 1024 * 1024
MAX_LITERAL_CHARS = 100_000
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml",
             ".xml": "xml", ".owl": "xml"}


class OpenDataError(DatensorgfaltError):
    """An open-data catalog or distribution that cannot be read or fetched."""


def parse_catalog(data: bytes, name: str) -> Graph:
    """The RDF graph of ``data`` (format from the name, else from the first character)."""
    if len(data) > MAX_CATALOG_BYTES:
        raise OpenDataError("opendata.error.too_big", source=name,
                            mb=MAX_CATALOG_BYTES // (1024 * 1024))
    fmt = _format(data, name)
    text = _decoded(data, name, fmt)
    if fmt == "xml" and re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise OpenDataError("opendata.error.entity", source=name)
    if fmt == "json-ld":
        text = _local_contexts(text, name)
    try:
        graph = Graph().parse(data=text, format=fmt)
    except Exception as exc:  # every rdflib parser raises its own kinds
        raise OpenDataError("opendata.error.unreadable", source=name,
                            reason=str(exc).splitlines()[0][:200] if str(exc) else
                            type(exc).__name__) from exc
    for value in graph.objects():
        if isinstance(value, Literal) and len(str(value)) > MAX_LITERAL_CHARS:
            raise OpenDataError("opendata.error.literal", source=name, n=MAX_LITERAL_CHARS)
    return graph


def datasets_of(graph: Graph) -> list[dict[str, Any]]:
    """One plain entry per ``dcat:Dataset`` with an IRI, in a stable order."""
    found = sorted({s for s in graph.subjects(RDF.type, DCAT.Dataset) if isinstance(s, URIRef)})
    return [_dataset(graph, node) for node in found]


def _format(data: bytes, name: str) -> str:
    lowered = name.lower().split("?")[0]
    for suffix, fmt in _SUFFIXES.items():
        if lowered.endswith(suffix):
            return fmt
    start = data.lstrip()[:1]
    return {b"<": "xml", b"{": "json-ld", b"[": "json-ld"}.get(start, "turtle")


def _decoded(data: bytes, name: str, fmt: str) -> str:
    encoding = "utf-8"
    declared = _XML_DECLARATION.match(data) if fmt == "xml" else None
    if declared:
        encoding = declared.group(1).decode("ascii")
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise OpenDataError("opendata.error.encoding", source=name,
                                encoding=encoding) from exc
    try:
        text = data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise OpenDataError("opendata.error.encoding", source=name, encoding=encoding) from exc
    if declared:  # the text is decoded now; the parser must not decode it again
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    return text


def _local_contexts(text: str, name: str) -> str:
    """The JSON-LD document with each well-known remote ``@context`` (the bundled ones in
    ``knowledge/opendata/contexts.yaml``) replaced by its local copy; any other remote context
    is refused, so nothing is ever downloaded while parsing."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise OpenDataError("opendata.error.unreadable", source=name, reason=str(exc)) from exc
    document = _inline(document, load("opendata/contexts")["contexts"])
    if _has_remote_context(document):
        raise OpenDataError("opendata.error.remote_context", source=name)
    return json.dumps(document)


def _inline(node: Any, known: dict[str, str]) -> Any:
    if isinstance(node, list):
        return [_inline(v, known) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _inline(v, known) for k, v in node.items() if k != "@context"}
    if "@context" in node:
        context = node["@context"]
        parts = [_bundled(c, known) for c in (context if isinstance(context, list)
                                              else [context])]
        out["@context"] = parts if isinstance(context, list) else parts[0]
    return out


def _bundled(context: Any, known: dict[str, str]) -> Any:
    if isinstance(context, str) and context.strip() in known:
        return _context_file(known[context.strip()])
    return context


@cache
def _context_file(name: str) -> dict[str, Any]:
    return json.loads(path_of(f"opendata/contexts/{name}").read_text("utf-8"))["@context"]


def _has_remote_context(node: Any) -> bool:
    if isinstance(node, dict):
        context = node.get("@context")
        contexts = context if isinstance(context, list) else [context]
        if any(isinstance(c, str) for c in contexts):
            return True
        return any(_has_remote_context(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_remote_context(v) for v in node)
    return False


def _dataset(graph: Graph, node: URIRef) -> dict[str, Any]:
    distributions = [_distribution(graph, d) for d in graph.objects(node, DCAT.distribution)]
    distributions.sort(key=lambda d: (d["title"] or "", d["download_url"] or ""))
    licences = [d["licence"] for d in distributions if d["licence"]]
    licence = licences[0] if licences else _text(graph, node, DCTERMS.license)
    return {
        "iri": str(node),
        "title": _text(graph, node, DCTERMS.title) or str(node),
        "description": _text(graph, node, DCTERMS.description),
        "publisher": _agent(graph, graph.value(node, DCTERMS.publisher)),
        "themes": sorted(str(t) for t in graph.objects(node, DCAT.theme)),
        "keywords": sorted(str(k) for k in graph.objects(node, DCAT.keyword)),
        "spatial": sorted({str(s) for p in (DCTERMS.spatial, DCATDE.politicalGeocodingURI,
                                            DCATDE.geocodingDescription)
                           for s in graph.objects(node, p)}),
        "temporal": _temporal(graph, graph.value(node, DCTERMS.temporal)),
        "licence": licence,
        "attribution": next((d["attribution"] for d in distributions if d["attribution"]), None),
        "distributions": distributions,
    }


def _distribution(graph: Graph, node: Any) -> dict[str, Any]:
    return {
        "iri": str(node) if isinstance(node, URIRef) else None,
        "title": _text(graph, node, DCTERMS.title),
        "format": _format_name(graph.value(node, DCTERMS.format)),
        "media_type": _text(graph, node, DCAT.mediaType),
        "access_url": _text(graph, node, DCAT.accessURL),
        "download_url": _text(graph, node, DCAT.downloadURL),
        "licence": _text(graph, node, DCTERMS.license),
        "attribution": _text(graph, node, DCATDE.licenseAttributionByText),
        "byte_size": _text(graph, node, DCAT.byteSize),
    }


def _text(graph: Graph, node: Any, predicate: URIRef) -> str | None:
    values = list(graph.objects(node, predicate))
    if not values:
        return None
    german = [v for v in values if isinstance(v, Literal) and v.language in ("de", None)]
    return str((german or values)[0])


def _format_name(value: Any) -> str | None:
    """``.../file-type/CSV`` -> ``CSV``; a literal format stays as written."""
    if value is None:
        return None
    return str(value).rstrip("/").rsplit("/", 1)[-1]


def _agent(graph: Graph, node: Any) -> str | None:
    if node is None:
        return None
    return _text(graph, node, FOAF.name) or str(node)


def _temporal(graph: Graph, node: Any) -> dict[str, str | None] | None:
    if node is None:
        return None
    start = graph.value(node, DCAT.startDate) or graph.value(node, Namespace(
        "http://schema.org/").startDate)
    end = graph.value(node, DCAT.endDate) or graph.value(node, Namespace(
        "http://schema.org/").endDate)
    return {"start": start and str(start), "end": end and str(end)}
