"""Rights: set from the CLI or a YAML file, validated, shown in `catalog show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from datensorgfalt.services.privacy.rights import (
    RightsError,
    normalise_licence,
    set_rights,
    show_rights,
)
from datensorgfalt.workspace import init_workspace
from tests.helpers.people import write_people
from tests.helpers.scan import run_scan
from tests.helpers.shared import violations


@pytest.mark.parametrize(("typed", "stored"), [
    ("dl-de/by-2-0", "dl-by-de/2.0"), ("DL-DE/ZERO-2-0", "dl-zero-de/2.0"),
    ("cc-by/4.0", "cc-by/4.0"), ("CC BY 4.0", "cc-by/4.0"), ("proprietary", "other-closed"),
    ("http://dcat-ap.de/def/licenses/cc-zero", "cc-zero"),
])
def test_licence_vocabulary(typed: str, stored: str) -> None:
    assert normalise_licence(typed) == stored


def test_rights_set_partial_update_and_validation(catalog, tmp_path: Path) -> None:
    write_people(tmp_path / "share" / "kunden.csv")
    run_scan(catalog, tmp_path, tmp_path / "share")
    set_rights(catalog, "kunden.csv", licence="proprietary", source="own", owner="Vertrieb",
               restrictions=["nur intern", "Aufbewahrung: 10 Jahre"],
               legal_basis="Art. 6 Abs. 1 lit. b DSGVO", ai_training="no")
    set_rights(catalog, "kunden.csv", contact="vertrieb@firma.de")  # others stay
    shown = show_rights(catalog)[0]
    assert shown["licence"] == "other-closed" and shown["owner"] == "Vertrieb"
    assert shown["contact"] == "vertrieb@firma.de" and shown["ai_training_allowed"] is False
    assert shown["restrictions"] == {"items": ["nur intern", "Aufbewahrung: 10 Jahre"]}
    with pytest.raises(RightsError) as error:
        set_rights(catalog, "kunden.csv", licence="frei")
    assert "frei" in str(error.value) and "dl-de/by-2-0" in str(error.value)
    with pytest.raises(RightsError):
        set_rights(catalog, "kunden.csv", ai_training="vielleicht")
    assert show_rights(catalog)[0]["licence"] == "other-closed"


def test_rights_cli_set_import_show_and_catalog_show(cli, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    write_people(root / "daten" / "kunden.csv")
    write_people(root / "daten" / "lieferanten.csv")
    cli("scan", "daten", "--json", cwd=root)
    result = cli("rights", "set", "kunden.csv", "--licence", "dl-de/by-2-0", "--source", "partner",
                 "--restriction", "nur intern", "--ai-training", "yes", cwd=root)
    assert result.exit_code == 0 and "kunden.csv" in result.output
    shown = json.loads(cli("catalog", "show", "kunden.csv", "--json", cwd=root).output)
    assert shown["rights"]["licence"] == "dl-by-de/2.0"
    assert shown["rights"]["ai_training_allowed"] is True
    assert "Rechte" in cli("catalog", "show", "kunden.csv", cwd=root).output
    bad = cli("rights", "set", "kunden.csv", "--licence", "gratis", cwd=root)
    assert bad.exit_code == 1 and "gratis" in bad.output and "Fehler" in bad.output
    english = cli("--lang", "en", "rights", "set", "kunden.csv", "--source", "geklaut", cwd=root)
    assert english.exit_code == 1 and "unknown" in english.output
    entries = [{"dataset": "lieferanten.csv", "licence": "cc-by/4.0", "source": "open",
                "owner": "Einkauf", "ai_training": True},
               {"dataset": "kunden.csv", "legal_basis": "Art. 6 Abs. 1 lit. b DSGVO"}]
    (root / "rechte.yaml").write_text(yaml.safe_dump(entries), "utf-8")
    imported = cli("rights", "import", "rechte.yaml", "--json", cwd=root)
    assert imported.exit_code == 0, imported.output
    table = json.loads(cli("rights", "show", "--json", cwd=root).output)
    by_title = {row["title"]: row for row in table}
    assert by_title["lieferanten.csv"]["licence"] == "cc-by/4.0"
    assert by_title["kunden.csv"]["licence"] == "dl-by-de/2.0"  # kept
    assert by_title["kunden.csv"]["legal_basis"] == "Art. 6 Abs. 1 lit. b DSGVO"
    (root / "kaputt.yaml").write_text("- dataset: kunden.csv\n  licence: erfunden\n", "utf-8")
    failed = cli("rights", "import", "kaputt.yaml", cwd=root)
    assert failed.exit_code == 1 and "erfunden" in failed.output


def test_rights_from_the_cli_are_exported_in_dcat_and_validate(cli, tmp_path: Path,
                                                                dcat_shapes) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCAT, DCTERMS, RDFS

    from datensorgfalt.catalog import Catalog
    from datensorgfalt.services.sharing.dcat import export
    root = tmp_path / "ws"
    workspace = init_workspace(root)
    write_people(root / "daten" / "kunden.csv")
    cli("scan", "daten", "--json", cwd=root)
    assert cli("rights", "set", "kunden.csv", "--licence", "dl-de/zero-2-0", "--source", "own",
               "--legal-basis", "Art. 6 Abs. 1 lit. b DSGVO", "--access", "eingeschränkt",
               "--owner", "Vertrieb", "--contact", "vertrieb@firma.de", cwd=root).exit_code == 0
    catalog = Catalog.open(workspace.db_url)
    try:
        dataset = catalog.dataset("kunden.csv")
        text = export(catalog, "dcat-ttl", publisher="Müller Umformtechnik GmbH")
    finally:
        catalog.close()
    assert violations(text, dcat_shapes) == []
    graph = Graph().parse(data=text, format="turtle")
    node = URIRef(f"urn:datensorgfalt:dataset/{dataset.id}")
    distribution = graph.value(node, DCAT.distribution)
    assert str(graph.value(distribution, DCTERMS.license)) == \
        "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"
    assert str(graph.value(node, DCTERMS.accessRights)).endswith("/RESTRICTED")
    provenance = str(graph.value(graph.value(node, DCTERMS.provenance), RDFS.label))
    assert "DSGVO" in provenance
    assert cli("rights", "set", "kunden.csv", "--access", "geheim", cwd=root).exit_code == 1
