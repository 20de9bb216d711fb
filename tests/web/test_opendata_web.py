"""Open data in the web app's catalog: listed apart from the company's own data, marked as
open data, found by the search, and the same in the JSON twin (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.web.conftest import Browsing

CATALOG = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://example.org/ds/baustellen> a dcat:Dataset ;
  dct:title "Baustellen im Märkischen Kreis" ;
  dct:publisher [ foaf:name "Kreisverwaltung" ] ;
  dcat:distribution [ a dcat:Distribution ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dcat:downloadURL <https://example.org/baustellen.csv> ;
    dct:license <http://dcat-ap.de/def/licenses/dl-by-de/2.0> ] .
"""


def test_catalog_shows_open_data_apart_and_searchable(browsing: Browsing, cli,
                                                      tmp_path: Path) -> None:
    b, page, server = browsing, browsing.page, browsing.server
    root = server.root
    source = tmp_path / "kreis.ttl"
    source.write_text(CATALOG, "utf-8")
    assert cli("opendata", "import", str(source), "-w", str(root)).exit_code == 0
    weather = next((root / ".demo" / "offene-daten").glob("produkt_klima_tag_*.txt"))
    assert cli("opendata", "weather", str(weather), "-w", str(root)).exit_code == 0

    page.goto(server.base + "/katalog")
    own = page.locator("#datasets").inner_text()
    assert "Baustellen" not in own and "DWD" not in own  # never mixed with own data
    section = page.locator("#open-data")
    assert section.get_by_role("heading").inner_text().startswith("Offene Daten")
    rows = page.locator("#open-datasets tbody tr")
    assert rows.count() >= 2
    baustellen = rows.filter(has_text="Baustellen im Märkischen Kreis")
    assert "offene Daten" in baustellen.inner_text()
    assert "Quelle muss genannt werden" in baustellen.inner_text()
    b.shot("katalog-offene-daten")

    page.get_by_label("Suche").fill("wetter")
    page.get_by_role("button", name="Filtern").click()
    assert rows.count() == 1 and "Deutscher Wetterdienst" in rows.first.inner_text()

    status, body, _ = server.get("/katalog.json?q=baustellen")
    assert status == 200
    data = json.loads(body)
    assert [e["title"] for e in data["open_data"]] == ["Baustellen im Märkischen Kreis"]
    assert data["open_data"][0]["open_data"] and data["open_data"][0]["licence"] == \
        "dl-by-de/2.0"
    assert data["open_count"] >= 2
    assert all(not d.get("open_data") for d in data["datasets"])


def test_readiness_asks_the_land_once_and_names_help_for_it(browsing: Browsing) -> None:
    page, server = browsing.page, browsing.server
    settings = server.root / ".datensorgfalt" / "settings.json"
    stored = json.loads(settings.read_text())
    if stored.pop("land", None):  # another test may have set it: ask again
        settings.write_text(json.dumps(stored))
    page.goto(server.base + "/reifegrad")
    page.get_by_label("Zu Ihrem Betrieb (einmalig)").select_option("NW")
    page.locator("input[name='q_S1']").first.check()  # an assessment needs an answer
    page.locator("#save-answers").click()
    assert json.loads(settings.read_text())["land"] == "NW"
    assert page.locator("#company-land").count() == 0  # asked once
    offers = page.locator("#help-offers li")
    assert offers.count() >= 1
    regional = ("Ruhr-OWL", "Lingen.Münster.Osnabrück", "ML2R", "Maschinelles Lernen")
    assert any(name in page.locator("#help-offers").inner_text() for name in regional)
    assert "Stand des Hilfe-Verzeichnisses" in page.content()
