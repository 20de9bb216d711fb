"""DCAT-AP.de export: validates with pyshacl against the local "Spezifikation" profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from datensorgfalt.catalog.models import Rights
from datensorgfalt.services.sharing.dcat import export
from tests.conftest import SHARED
from tests.scan_helpers import make_tree, run_scan

PROFILE = SHARED / "conformance" / "dcat-ap-de"
SPEZIFIKATION = ("dcat-ap-de-imports.ttl", "dcat-ap-spec-german-messages.ttl",
                 "dcat-ap-spec-german-additions.ttl", "dcat-ap-de-deprecated.ttl",
                 "dcat-ap_2.1.1_shacl_shapes.ttl")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    graph = Graph()
    for name in SPEZIFIKATION:  # local files only: owl:imports are never fetched
        graph.parse(PROFILE / name, format="turtle")
    return graph


def violations(text: str, shapes: Graph) -> list[str]:
    data = Graph().parse(data=text, format="turtle")
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", do_owl_imports=False,
                            allow_warnings=True)
    return [str(report.value(result, SH.resultMessage)) + " @ "
            + str(report.value(result, SH.focusNode))
            for result in report.subjects(SH.resultSeverity, SH.Violation)]


def test_turtle_export_has_no_violations(catalog, tmp_path: Path, shapes: Graph) -> None:
    root = make_tree(tmp_path / "Müller Ärger share")
    run_scan(catalog, tmp_path, root)
    dataset = next(d for d in catalog.datasets() if d.title == "umsatz.parquet")
    with catalog.session() as session:
        session.add(Rights(dataset_id=dataset.id, source="ERP-Export", owner="Vertrieb",
                           contact="vertrieb@mueller-umformtechnik.de", licence="other-closed",
                           legal_basis="Art. 6 Abs. 1 lit. b DSGVO",
                           restrictions={"access": "restricted"}))
    text = export(catalog, "dcat-ttl", publisher="Müller Umformtechnik GmbH")
    assert violations(text, shapes) == []
    graph = Graph().parse(data=text, format="turtle")
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == len(catalog.datasets())
    node = URIRef(f"urn:datensorgfalt:dataset/{dataset.id}")
    distribution = graph.value(node, DCAT.distribution)
    assert graph.value(distribution, DCAT.byteSize).toPython() == dataset.byte_size
    assert str(graph.value(distribution, DCTERMS.license)) == \
        "http://dcat-ap.de/def/licenses/other-closed"
    assert str(graph.value(node, DCTERMS.accessRights)).endswith("/RESTRICTED")
    assert "DSGVO" in str(graph.value(graph.value(node, DCTERMS.provenance),
                                      URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert str(graph.value(distribution, DCTERMS["format"])).endswith("/PARQUET")


def test_a_broken_export_is_caught(catalog, tmp_path: Path, shapes: Graph) -> None:
    """The check can fail: a dataset without description is a violation."""
    run_scan(catalog, tmp_path, make_tree(tmp_path / "share"))
    graph = Graph().parse(data=export(catalog), format="turtle")
    graph.remove((None, DCTERMS.description, None))
    assert violations(graph.serialize(format="turtle"), shapes)


def test_export_cli_jsonld(cli, tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    cli("scan", str(root), cwd=tmp_path)
    out = tmp_path / "katalog.jsonld"
    result = cli("catalog", "export", "--format", "dcat-jsonld", "--out", str(out), cwd=tmp_path)
    assert result.exit_code == 0 and "(8 Datensätze)" in " ".join(result.stdout.split())
    assert isinstance(json.loads(out.read_text("utf-8")), list | dict)
    bad = cli("catalog", "export", "--format", "rdf-xml", cwd=tmp_path)
    assert bad.exit_code == 1 and "Unbekanntes Exportformat" in bad.stderr
