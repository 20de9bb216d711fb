"""The catalog as DCAT-AP.de 2.0 (Turtle or JSON-LD), built with rdflib.

Every node gets the exact class the DCAT-AP.de shapes ask for (``foaf:Agent``, ``vcard:Kind``,
``dct:LicenseDocument`` ...), and every term from a controlled vocabulary carries its
``skos:inScheme``, so the export validates against the local shape files without fetching
the vocabularies from the internet.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from datensorgfalt.catalog.models import Dataset, Link
from datensorgfalt.catalog.store import Catalog
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
FILE_TYPES = URIRef("http://publications.europa.eu/resource/authority/file-type")
ACCESS_RIGHTS = URIRef("http://publications.europa.eu/resource/authority/access-right")
LANGUAGES = URIRef("http://publications.europa.eu/resource/authority/language")
LICENCES = URIRef("http://dcat-ap.de/def/licenses")
HASH_ALGORITHMS = URIRef("http://dcat-ap.de/def/hashAlgorithms")
FILE_TYPE = {"csv": "CSV", "tsv": "TSV", "txt": "TXT", "dat": "TXT", "xlsx": "XLSX",
             "xlsm": "XLSX", "xls": "XLS", "ods": "ODS", "parquet": "PARQUET", "json": "JSON",
             "jsonl": "JSON", "sqlite": "SQL", "postgresql": "SQL", "pdf": "PDF",
             "docx": "DOCX", "eml": "TXT", "png": "PNG", "jpeg": "JPEG", "jpg": "JPEG",
             "tiff": "TIFF", "gif": "GIF", "bmp": "BMP", "webp": "WEBP"}
LANGUAGE = {"de": "DEU", "en": "ENG"}
ACCESS = {"public": "PUBLIC", "restricted": "RESTRICTED", "non_public": "NON_PUBLIC"}
FORMATS = {"turtle": "turtle", "dcat-ttl": "turtle", "jsonld": "json-ld", "dcat-jsonld": "json-ld"}


class UnknownExportFormat(DatensorgfaltError):
    """The export format is not one of dcat-ttl, dcat-jsonld."""


def export(catalog: Catalog, fmt: str = "dcat-ttl", publisher: str | None = None,
           base: str = "urn:datensorgfalt:") -> str:
    """The active datasets of the catalog as DCAT-AP.de text in ``fmt``."""
    if fmt not in FORMATS:
        raise UnknownExportFormat("dcat.unknown_format", fmt=fmt)
    return build_graph(catalog, publisher, base).serialize(format=FORMATS[fmt])


def build_graph(catalog: Catalog, publisher: str | None = None,
                base: str = "urn:datensorgfalt:") -> Graph:
    graph = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                       ("adms", ADMS), ("spdx", SPDX), ("skos", SKOS), ("dcatde", DCATDE)):
        graph.bind(prefix, ns)
    name = publisher or t("dcat.default_publisher")
    agent = URIRef(base + "publisher")
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, RDF.type, FOAF.Organization))
    graph.add((agent, FOAF.name, Literal(name)))
    root = URIRef(base + "catalog")
    graph.add((root, RDF.type, DCAT.Catalog))
    graph.add((root, DCTERMS.title, Literal(t("dcat.catalog_title", publisher=name), "de")))
    graph.add((root, DCTERMS.description,
               Literal(t("dcat.catalog_description", publisher=name), "de")))
    graph.add((root, DCTERMS.publisher, agent))
    copies = _copies(catalog)
    for dataset in catalog.datasets():
        if dataset.status != "active":
            continue
        node = _dataset(graph, dataset, base, agent, name)
        graph.add((root, DCAT.dataset, node))
        if dataset.id in copies:
            graph.add((node, DCTERMS.relation, URIRef(base + "dataset/" + copies[dataset.id])))
    return graph


def _copies(catalog: Catalog) -> dict[str, str]:
    with catalog.session() as session:
        return {link.source_id: link.target_id
                for link in session.query(Link).filter_by(kind="copy_of")}


def _dataset(graph: Graph, dataset: Dataset, base: str, agent: URIRef, name: str) -> URIRef:
    node = URIRef(base + "dataset/" + dataset.id)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.title, Literal(dataset.title)))
    graph.add((node, DCTERMS.description, Literal(_description(dataset), "de")))
    graph.add((node, DCTERMS.identifier, Literal(dataset.id)))
    graph.add((node, DCTERMS.publisher, agent))
    identifier = BNode()
    graph.add((node, ADMS.identifier, identifier))
    graph.add((identifier, RDF.type, ADMS.Identifier))
    graph.add((identifier, SKOS.notation, Literal(dataset.location)))
    if dataset.modified_at:
        graph.add((node, DCTERMS.modified, _datetime(dataset.modified_at)))
    for keyword in _keywords(dataset):
        graph.add((node, DCAT.keyword, Literal(keyword)))
    for language in dataset.details.get("languages", {}) if dataset.kind == "documents" else ():
        if language in LANGUAGE:
            graph.add((node, DCTERMS.language,
                       _term(graph, f"{LANGUAGES}/{LANGUAGE[language]}", LANGUAGES)))
    _contact(graph, node, dataset, name)
    _rights(graph, node, dataset)
    graph.add((node, DCAT.distribution, _distribution(graph, dataset, base)))
    return node


def _description(dataset: Dataset) -> str:
    if dataset.kind == "documents":
        return t("dcat.describe_documents", n=dataset.details.get("count", 0))
    if dataset.kind == "images":
        labels = ", ".join(dataset.details.get("labels", {})) or "-"
        return t("dcat.describe_images", n=dataset.details.get("count", 0), labels=labels)
    if dataset.kind == "table":
        return t("dcat.describe_table", format=dataset.format.upper(),
                 rows=dataset.row_count if dataset.row_count is not None else "?",
                 columns=dataset.column_count or 0)
    return t("dcat.describe_other", format=dataset.format.upper())


def _keywords(dataset: Dataset) -> list[str]:
    words = {dataset.format} | {c.semantic_type for c in dataset.columns if c.semantic_type}
    return sorted(w for w in words if w)


def _contact(graph: Graph, node: URIRef, dataset: Dataset, name: str) -> None:
    contact = BNode()
    graph.add((node, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    rights = dataset.rights
    graph.add((contact, VCARD.fn, Literal((rights and rights.owner) or name)))
    if rights and rights.contact:
        if "@" in rights.contact:
            graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + rights.contact.strip())))
        else:
            graph.add((contact, VCARD.note, Literal(rights.contact)))


def _rights(graph: Graph, node: URIRef, dataset: Dataset) -> None:
    rights = dataset.rights
    restrictions = (rights.restrictions if rights else None) or {}
    access = ACCESS.get(str(restrictions.get("access", "non_public")).lower(), "NON_PUBLIC")
    statement = _term(graph, f"{ACCESS_RIGHTS}/{access}", ACCESS_RIGHTS)
    graph.add((statement, RDF.type, DCTERMS.RightsStatement))
    graph.add((node, DCTERMS.accessRights, statement))
    if rights is None:
        return
    parts = [part for part in (rights.source and t("dcat.provenance_source", source=rights.source),
                               rights.legal_basis and t("dcat.legal_basis",
                                                        basis=rights.legal_basis))
             if part]
    if parts:
        provenance = BNode()
        graph.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
        graph.add((provenance, RDFS.label, Literal(" ".join(parts), "de")))
        graph.add((node, DCTERMS.provenance, provenance))


def _distribution(graph: Graph, dataset: Dataset, base: str) -> URIRef:
    node = URIRef(base + "distribution/" + dataset.id)
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(dataset.title)))
    graph.add((node, DCAT.accessURL, URIRef(_iri(dataset.location))))
    for fmt in dataset.format.split(","):
        code = FILE_TYPE.get(fmt.strip().lower())
        if code:
            term = _term(graph, f"{FILE_TYPES}/{code}", FILE_TYPES)
            graph.add((term, RDF.type, DCTERMS.MediaTypeOrExtent))
            graph.add((node, DCTERMS["format"], term))
            break
    if dataset.byte_size is not None:
        graph.add((node, DCAT.byteSize, Literal(dataset.byte_size, datatype=XSD.decimal)))
    if dataset.modified_at:
        graph.add((node, DCTERMS.modified, _datetime(dataset.modified_at)))
    licence = dataset.rights.licence if dataset.rights else None
    if licence:
        term = _term(graph, _licence_iri(licence), LICENCES)
        graph.add((term, RDF.type, DCTERMS.LicenseDocument))
        graph.add((node, DCTERMS.license, term))
    sha = dataset.details.get("sha256")
    if sha and not dataset.details.get("part"):
        checksum = BNode()
        graph.add((node, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm,
                   _term(graph, f"{HASH_ALGORITHMS}/sha256", HASH_ALGORITHMS)))
        graph.add((checksum, SPDX.checksumValue, Literal(sha, datatype=XSD.hexBinary)))
    return node


def _term(graph: Graph, iri: str, scheme: URIRef) -> URIRef:
    term = URIRef(iri)
    graph.add((term, SKOS.inScheme, scheme))
    return term


def _licence_iri(licence: str) -> str:
    if re.match(r"^https?://", licence):
        return licence
    return f"{LICENCES}/{licence.strip('/')}"


def _iri(location: str) -> str:
    """Locations are already percent-encoded URIs; make sure nothing illegal slipped in."""
    return re.sub(r"[\s<>\"{}|\\^`]", lambda m: f"%{ord(m.group()):02X}", location)


def _datetime(value: datetime) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def export_summary(text: str, fmt: str) -> dict[str, Any]:
    graph = Graph().parse(data=text, format=FORMATS[fmt])
    return {"datasets": len(set(graph.subjects(RDF.type, DCAT.Dataset))), "format": fmt}


def export_dataset(catalog: Catalog, dataset_id: str, fmt: str = "dcat-ttl",
                   base: str = "urn:datensorgfalt:", location: str | None = None) -> str:
    """The DCAT record of one dataset: the dataset with everything it points to (its
    distribution, publisher, contact, terms), other datasets left out. ``location`` replaces
    the dataset's own place (a record sent to a partner does not tell the sender's paths)."""
    if fmt not in FORMATS:
        raise UnknownExportFormat("dcat.unknown_format", fmt=fmt)
    graph = build_graph(catalog, base=base)
    node = URIRef(base + "dataset/" + dataset_id)
    out = Graph(namespace_manager=graph.namespace_manager)
    old = catalog.dataset(dataset_id).location
    todo, seen = [node], set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for _, predicate, value in graph.triples((subject, None, None)):
            out.add((subject, predicate, _moved(value, old, location)))
            other_dataset = (value, RDF.type, DCAT.Dataset) in graph and value != node
            if isinstance(value, URIRef | BNode) and not other_dataset:
                todo.append(value)
    return out.serialize(format=FORMATS[fmt])


def _moved(value: Any, old: str, new: str | None) -> Any:
    if new is None:
        return value
    if value == Literal(old):
        return Literal(new)
    if value == URIRef(_iri(old)):
        return URIRef(_iri(new))
    return value
