"""The demo company, scanned: every file cataloged, the broken ones as findings, the copy
linked, and the DCAT-AP.de export of this catalog free of SHACL violations."""

from __future__ import annotations

from pathlib import Path

import pytest

from datensorgfalt.catalog.models import Link
from datensorgfalt.services.sharing.dcat import export
from datensorgfalt.sources.locations import file_location
from tests.helpers.files import file_hashes
from tests.helpers.scan import run_scan
from tests.helpers.shared import violations

NOT_DATA = {"GEPFLANZT.md"}  # the planted list for people; .demo/ is hidden


@pytest.fixture
def demo(demo_company: Path) -> Path:
    """The shared demo company (generated once per test run; the scan only reads it)."""
    return demo_company


def _covered(catalog) -> set[str]:
    """File locations the catalog accounts for (tables by source, folders by member)."""
    covered = set()
    for dataset in catalog.datasets():
        covered.add(dataset.details.get("source", dataset.location))
        root = dataset.location.split("#", 1)[0]
        for entry in dataset.details.get("documents", []):
            covered.add(root + "/" + entry["path"])
    return covered


@pytest.mark.slow
def test_demo_scan(demo: Path, catalog, tmp_path: Path,
                   request: pytest.FixtureRequest) -> None:
    before = file_hashes(demo)
    report = run_scan(catalog, tmp_path, demo)
    assert report.exit_code == 1 and report.failed == 2
    assert {f["location"].rsplit("/", 1)[1] for f in report.failures} == \
        {"leer.csv", "kaputt.xlsx"}
    by_title = {d.title: d for d in catalog.datasets()}
    assert {f.code for f in by_title["leer.csv"].findings} == {"empty-file"}
    assert by_title["kaputt.xlsx"].status == "error"

    covered = _covered(catalog)
    images = by_title["pruefung"]
    for path in sorted(p for p in demo.rglob("*") if p.is_file()):
        relative = path.relative_to(demo)
        if relative.parts[0].startswith(".") or path.name in NOT_DATA:
            continue
        if relative.parts[0] == "bilder":
            continue
        assert file_location(path) in covered, f"{relative} fehlt im Katalog"
    # the customers' machine data (learning together) stands for their machines, not Müller's
    assert not [d.location for d in catalog.datasets() if "/.partner/" in d.location]
    image_count = sum(1 for p in (demo / "bilder").rglob("*.png"))
    assert images.kind == "images" and images.details["count"] == image_count
    assert set(images.details["labels"]) == {"ok", "defekt"}
    assert images.details["labels"]["defekt"] < images.details["labels"]["ok"]

    erp = by_title["erp_umsatz_2021-2025.csv"]
    copy = by_title["erp_umsatz_kopie.csv"]
    with catalog.session() as session:
        links = session.query(Link).filter_by(kind="copy_of").all()
    assert [(link.source_id, link.target_id) for link in links] == [(erp.id, copy.id)] or \
        [(link.source_id, link.target_id) for link in links] == [(copy.id, erp.id)]
    meanings = {c.name: c.semantic_type for c in erp.columns}
    assert meanings["Belegdatum"] == "date" and meanings["Nettobetrag"] == "amount"
    assert meanings["Menge"] == "quantity" and meanings["Kundennr"] == "identifier"
    assert erp.dialect["encoding"].lower() in ("cp1252", "windows-1252")
    staff = by_title["mitarbeiter.xlsx (Mitarbeiter)"]
    assert "iban" in {c.semantic_type for c in staff.columns}
    requests = by_title["anfragen"]
    assert requests.kind == "documents" and requests.details["languages"].get("de", 0) > 100
    assert file_hashes(demo) == before

    again = run_scan(catalog, tmp_path, demo)
    assert again.new == 0 and again.changed == 0 and again.unchanged == report.new

    # last: without ../shared the test ends here as skipped, after every check above ran
    shapes = request.getfixturevalue("dcat_shapes")
    assert violations(export(catalog, "dcat-ttl", publisher="Müller Umformtechnik GmbH"),
                      shapes) == []
