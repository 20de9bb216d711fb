"""Open data: DCAT-AP.de catalogs imported beside the company's own data, licences explained,
hostile RDF refused with nothing stored, distributions fetched from a loopback HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from datensorgfalt.services.opendata import OpenDataError, fetch_distribution
from datensorgfalt.workspace import find_workspace
from tests.helpers import shared

DATASET = URIRef("http://www.w3.org/ns/dcat#Dataset")
CC0 = "http://dcat-ap.de/def/licenses/cc-zero"
TURTLE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://example.org/ds/pegel#dataset> a dcat:Dataset ;
  dct:title "Pegelstände Rhein" ; dct:description "Tägliche Wasserstände." ;
  dcat:keyword "Wasser" ;
  dcat:distribution <https://example.org/ds/pegel#csv> .
<https://example.org/ds/pegel#csv> a dcat:Distribution ;
  dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
  dcat:downloadURL <{url}> ;
  dct:license <{licence}> .
"""
RDFXML = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
 <dcat:Dataset rdf:about="https://example.org/ds/luft">
  <dct:title>Luftqualität</dct:title>
  <dcat:distribution><dcat:Distribution rdf:about="https://example.org/ds/luft#d">
   <dct:license rdf:resource="https://creativecommons.org/licenses/by/4.0/"/>
   <dcat:accessURL rdf:resource="https://example.org/luft.csv"/>
  </dcat:Distribution></dcat:distribution>
 </dcat:Dataset>
</rdf:RDF>
"""
JSONLD = {
    "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
    "@graph": [{"@id": "https://example.org/ds/strom", "@type": "dcat:Dataset",
                "dct:title": "Strompreise", "dcat:distribution": {
                    "@id": "https://example.org/ds/strom#d", "@type": "dcat:Distribution",
                    "dct:license": {"@id": "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"},
                    "dcat:downloadURL": {"@id": "https://example.org/strom.csv"}}}],
}
XXE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file://{path}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
 <dcat:Dataset rdf:about="https://example.org/ds/x"><dct:title>&secret;</dct:title></dcat:Dataset>
</rdf:RDF>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def root(cli, tmp_path: Path) -> Path:
    assert cli("init", cwd=tmp_path).exit_code == 0
    return tmp_path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server for the files in its folder: (base URL, folder)."""
    folder = tmp_path / "web"
    folder.mkdir()
    handler = partial(_QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    httpd.shutdown()
    httpd.server_close()


def _open(cli, root: Path, *args: str) -> list[dict]:
    result = cli("catalog", "list", "--open", *args, "--json", cwd=root)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _import(cli, root: Path, source: str | Path):
    return cli("opendata", "import", str(source), "--json", cwd=root)


@pytest.mark.parametrize("name", ["example-simple.ttl", "example-advanced.ttl"])
def test_the_dcat_ap_de_examples_import_with_their_licence(cli, root: Path, name: str) -> None:
    if not shared.shapes_available():
        pytest.skip(shared.MISSING)
    source = shared.PROFILE / name
    expected = len(set(Graph().parse(source).subjects(RDF.type, DATASET)))
    for _ in range(2):  # importing twice adds nothing twice
        result = _import(cli, root, source)
        assert result.exit_code == 0, result.output
    entries = _open(cli, root)
    assert len(entries) == expected
    assert len({e["iri"] for e in entries}) == len(entries)
    for entry in entries:
        assert entry["open_data"] is True
        assert entry["licence_info"]["id"] == "dl-by-de/2.0"
        assert entry["licence_info"]["commercial"] is True
        assert entry["licence_info"]["attribution"] is True
        assert entry["distributions"] and entry["distributions"][0]["access_url"]
    own = json.loads(cli("catalog", "list", "--json", cwd=root).output)
    assert own == []  # kept apart from the company's own data


def test_turtle_rdfxml_and_jsonld_map_their_licences(cli, root: Path) -> None:
    (root / "a.ttl").write_text(TURTLE.format(url="https://example.org/p.csv", licence=CC0))
    (root / "b.rdf").write_text(RDFXML)
    (root / "c.jsonld").write_text(json.dumps(JSONLD))
    for name in ("a.ttl", "b.rdf", "c.jsonld"):
        assert _import(cli, root, root / name).exit_code == 0
    licences = {e["title"]: e["licence_info"] for e in _open(cli, root)}
    assert licences["Pegelstände Rhein"]["id"] == "cc-zero"
    assert licences["Pegelstände Rhein"]["attribution"] is False
    assert licences["Luftqualität"]["id"] == "cc-by/4.0"
    assert licences["Strompreise"]["id"] == "dl-zero-de/2.0"
    assert [e["title"] for e in _open(cli, root, "--search", "wasser")] == ["Pegelstände Rhein"]
    english = json.loads(cli("--lang", "en", "catalog", "list", "--open", "--json",
                             cwd=root).output)
    assert all(e["licence_info"]["text"].startswith(("Commercial", "Free", "Public"))
               for e in english)
    table = cli("catalog", "list", "--open", cwd=root)
    assert "Pegelstände" in table.output and "3 offene Datensätze" in table.output


def test_hostile_rdf_is_refused_and_nothing_stored(cli, root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "geheim.txt"
    secret.write_text("STRENG-GEHEIM-4711")
    huge = "x" * 200_000
    files = {
        "xxe.rdf": XXE.format(path=secret).encode(),
        "klingon.rdf": RDFXML.replace('encoding="utf-8"', 'encoding="x-klingon"').encode(),
        "latin.ttl": TURTLE.format(url="https://e.org/a", licence=CC0).encode("latin-1"),
        "huge.ttl": TURTLE.replace("Tägliche Wasserstände.", huge).format(
            url="https://e.org/a", licence=CC0).encode(),
        "broken.ttl": b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> dcat:x ",
        "remote.jsonld": json.dumps({**JSONLD, "@context": "https://example.org/ctx"}).encode(),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
        result = _import(cli, root, root / name)
        assert result.exit_code == 1, (name, result.output)
        assert "Fehler:" in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert _open(cli, root) == []
    database = root / ".datensorgfalt" / "catalog.sqlite"
    assert b"STRENG-GEHEIM" not in database.read_bytes()


def test_rdflib_itself_does_not_resolve_external_entities(tmp_path: Path) -> None:
    """Defence in depth: even past our DOCTYPE guard, rdflib's XML parser reads no local file."""
    secret = tmp_path / "geheim.txt"
    secret.write_text("STRENG-GEHEIM-4711")
    try:
        graph = Graph().parse(data=XXE.format(path=secret), format="xml")
    except Exception:  # refusing is as good as not resolving
        return
    assert "STRENG-GEHEIM" not in graph.serialize(format="nt")


def test_import_from_url_and_fetch_scans_the_file(cli, root: Path, server) -> None:
    base, folder = server
    (folder / "pegel.csv").write_text("Datum;Pegel\n2026-01-01;312\n2026-01-02;318\n")
    (folder / "katalog.ttl").write_text(TURTLE.format(url=f"{base}/pegel.csv", licence=CC0))
    assert _import(cli, root, f"{base}/katalog.ttl").exit_code == 0
    entry = _open(cli, root)[0]
    fetched = cli("opendata", "fetch", entry["id"][:6], "--json", cwd=root)
    assert fetched.exit_code == 0, fetched.output
    report = json.loads(fetched.output)
    target = Path(report["path"])
    assert target.read_text() == (folder / "pegel.csv").read_text()
    assert target.parent == root / "offene-daten"
    own = json.loads(cli("catalog", "list", "--json", cwd=root).output)
    assert [d["id"] for d in own] == report["dataset_ids"] and len(own) == 1
    again = cli("opendata", "fetch", entry["id"], cwd=root)
    assert again.exit_code == 1 and "Fehler:" in again.output  # no silent overwrite


def test_fetch_offline_says_so_in_one_sentence(cli, root: Path, server) -> None:
    base, folder = server
    (folder / "katalog.ttl").write_text(
        TURTLE.format(url="http://127.0.0.1:9/pegel.csv", licence=CC0))
    assert _import(cli, root, f"{base}/katalog.ttl").exit_code == 0
    entry = _open(cli, root)[0]
    result = cli("opendata", "fetch", entry["id"], cwd=root)
    assert result.exit_code == 1
    assert "offline" in result.output and len(result.output.strip().splitlines()) == 1
    assert not (root / "offene-daten" / "pegel.csv").exists()


def test_fetch_stops_at_the_size_limit(cli, root: Path, server) -> None:
    base, folder = server
    (folder / "gross.csv").write_text("a;b\n" + "1;2\n" * 5000)
    (folder / "katalog.ttl").write_text(TURTLE.format(url=f"{base}/gross.csv", licence=CC0))
    assert _import(cli, root, f"{base}/katalog.ttl").exit_code == 0
    entry = _open(cli, root)[0]
    workspace = find_workspace(root)
    catalog = workspace.open_catalog()
    try:
        with pytest.raises(OpenDataError, match="größer als"):
            fetch_distribution(workspace, catalog, entry["id"], limit=1024 * 1024 // 1000)
    finally:
        catalog.close()
    assert not (root / "offene-daten" / "gross.csv").exists()


REMOTE_CONTEXT = {
    "@context": ["https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld",
                 {"dcatde": "http://dcat-ap.de/def/dcatde/"}],
    "@graph": [{"@id": "https://example.org/ds/radwege", "@type": "Dataset",
                "title": ["Radwege im Kreis"], "keyword": ["Verkehr"],
                "dcatde:politicalGeocodingLevelURI": {
                    "@id": "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"},
                "datasetDistribution": [{
                    "@id": "https://example.org/ds/radwege#csv", "@type": "Distribution",
                    "licence": "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
                    "accessUrl": ["https://example.org/radwege.csv"]}]}],
}


def test_jsonld_with_the_well_known_dcat_ap_context_is_read_without_network(
        cli, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("a JSON-LD context was to be downloaded")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    (root / "radwege.jsonld").write_text(json.dumps(REMOTE_CONTEXT))
    result = _import(cli, root, root / "radwege.jsonld")
    assert result.exit_code == 0, result.output
    entry = next(e for e in _open(cli, root) if e["title"] == "Radwege im Kreis")
    assert entry["licence_info"]["id"] == "dl-by-de/2.0"
    assert entry["distributions"][0]["access_url"] == "https://example.org/radwege.csv"
    # a remote context nobody bundled is still refused, not fetched
    unknown = dict(REMOTE_CONTEXT, **{"@context": "https://example.org/context.jsonld"})
    (root / "fremd.jsonld").write_text(json.dumps(unknown))
    assert _import(cli, root, root / "fremd.jsonld").exit_code == 1
