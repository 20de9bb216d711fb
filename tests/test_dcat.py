"""DCAT-AP.de export: validates with pyshacl against the local "Spezifikation" profile."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from datensorgfalt.catalog.models import Rights
from datensorgfalt.services.sharing.dcat import export
from tests.helpers.scan import make_tree, run_scan
from tests.helpers.shared import violations


def test_turtle_export_has_no_violations(catalog, tmp_path: Path, dcat_shapes: Graph) -> None:
    root = make_tree(tmp_path / "Müller Ärger share")
    run_scan(catalog, tmp_path, root)
    dataset = next(d for d in catalog.datasets() if d.title == "umsatz.parquet")
    with catalog.session() as session:
        session.add(Rights(dataset_id=dataset.id, source="ERP-Export", owner="Vertrieb",
                           contact="vertrieb@mueller-umformtechnik.de", licence="other-closed",
                           legal_basis="Art. 6 Abs. 1 lit. b DSGVO",
                           restrictions={"access": "restricted"}))
    text = export(catalog, "dcat-ttl", publisher="Müller Umformtechnik GmbH")
    assert violations(text, dcat_shapes) == []
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


def test_a_broken_export_is_caught(catalog, tmp_path: Path, dcat_shapes: Graph) -> None:
    """The check can fail: a dataset without description is a violation."""
    run_scan(catalog, tmp_path, make_tree(tmp_path / "share"))
    graph = Graph().parse(data=export(catalog), format="turtle")
    graph.remove((None, DCTERMS.description, None))
    assert violations(graph.serialize(format="turtle"), dcat_shapes)


def test_export_cli_jsonld(cli, tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    cli("scan", str(root), cwd=tmp_path)
    out = tmp_path / "katalog.jsonld"
    result = cli("catalog", "export", "--format", "dcat-jsonld", "--out", str(out), cwd=tmp_path)
    assert result.exit_code == 0 and "(8 Datensätze)" in " ".join(result.stdout.split())
    assert isinstance(json.loads(out.read_text("utf-8")), list | dict)
    bad = cli("catalog", "export", "--format", "rdf-xml", cwd=tmp_path)
    assert bad.exit_code == 1 and "Unbekanntes Exportformat" in bad.stderr
