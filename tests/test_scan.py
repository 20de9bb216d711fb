"""The scan fills the catalog: every format, semantic types, copies, incremental rescans."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pyarrow.parquet as pq

from datensorgfalt.catalog.models import Link
from datensorgfalt.catalog.store import dataset_id_for
from datensorgfalt.sources.locations import file_location
from tests.helpers.files import file_hashes
from tests.helpers.scan import SALES, make_tree, run_scan


def _by_title(catalog) -> dict:
    return {d.title: d for d in catalog.datasets()}


def test_scan_catalogs_every_format(catalog, tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    before = file_hashes(root)
    report = run_scan(catalog, tmp_path, root)
    assert report.ok and report.exit_code == 0
    titles = _by_title(catalog)
    assert {"umsatz.parquet", "umsatz_kopie.parquet", "kunden.json", "log.jsonl",
            "auftraege.sqlite (auftraege)", "auftraege.sqlite (kunden)", "anfragen",
            "bilder"} <= set(titles)
    sales = titles["umsatz.parquet"]
    assert sales.row_count == 6 and sales.column_count == 4 and sales.format == "parquet"
    assert sales.id == dataset_id_for(file_location(root / "vertrieb" / "umsatz.parquet"))
    assert sales.byte_size == (root / "vertrieb" / "umsatz.parquet").stat().st_size
    meanings = {c.name: (c.inferred_type, c.semantic_type) for c in sales.columns}
    assert meanings == {"Kundennr": ("integer", "identifier"), "Nettobetrag": ("decimal", "amount"),
                        "E-Mail": ("text", "email"), "IBAN": ("text", "iban")}
    orders = titles["auftraege.sqlite (auftraege)"]
    assert orders.row_count == 20 and orders.location.endswith("auftraege.sqlite#table=auftraege")
    assert file_hashes(root) == before, "originals must never change"


def test_document_and_image_folders(catalog, tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    run_scan(catalog, tmp_path, root)
    titles = _by_title(catalog)
    docs = titles["anfragen"]
    assert docs.kind == "documents" and docs.details["count"] == 2
    languages = {Path(d["path"]).name: d["language"] for d in docs.details["documents"]}
    assert languages == {"anfrage_1.txt": "de", "request_2.txt": "en"}
    for entry in docs.details["documents"]:
        text = Path(entry["text_path"])
        assert ".datensorgfalt/text/" in str(text) and "Angebot" in text.read_text() or \
            "offer" in text.read_text()
    images = titles["bilder"]
    assert images.kind == "images"
    assert images.details["labels"] == {"ok": 4, "defekt": 2}
    assert images.details["formats"] == {"PNG": 6} and images.details["sizes"] == {"16x12": 6}


def test_copies_are_linked_and_reported(catalog, tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    (root / "dritte_kopie.parquet").write_bytes((root / "vertrieb" / "umsatz.parquet").read_bytes())
    report = run_scan(catalog, tmp_path, root)
    assert [c["places"] for c in report.copies] == [3]
    with catalog.session() as session:
        links = session.query(Link).filter_by(kind="copy_of").all()
    assert len(links) == 2 and len({link.target_id for link in links}) == 1
    finding = next(f for f in catalog.findings() if f.code == "same-data-elsewhere")
    assert "Gleiche Daten an 3 Orten" in finding.message


def test_incremental_rescan(catalog, tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    first = run_scan(catalog, tmp_path, root)
    units = first.new
    assert units == 7 and first.changed == first.unchanged == first.deleted == 0
    second = run_scan(catalog, tmp_path, root)
    assert (second.new, second.changed, second.unchanged, second.deleted) == (0, 0, units, 0)

    time.sleep(0.01)
    pq.write_table(SALES.slice(0, 3), root / "vertrieb" / "umsatz.parquet")  # changed
    (root / "vertrieb" / "log.jsonl").unlink()  # deleted
    touched = root / "vertrieb" / "kunden.json"  # same bytes, new mtime: unchanged
    os.utime(touched, (time.time() + 5, time.time() + 5))
    third = run_scan(catalog, tmp_path, root)
    assert (third.new, third.changed, third.unchanged, third.deleted) == (0, 1, units - 2, 1)
    titles = _by_title(catalog)
    assert titles["umsatz.parquet"].row_count == 3
    assert "log.jsonl" not in titles
    gone = [d for d in catalog.datasets(include_deleted=True) if d.title == "log.jsonl"]
    assert gone[0].status == "deleted"
    assert [c["places"] for c in third.copies] == []  # no longer the same data


def test_scan_cli_json_matches_catalog(cli, tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    result = cli("scan", str(root), "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["new"] == 7 and report["ok"] is True
    assert (tmp_path / ".datensorgfalt" / "catalog.sqlite").exists()
    listed = json.loads(cli("catalog", "list", "--json", cwd=tmp_path).stdout)
    assert len(listed) == report["datasets"]
    again = json.loads(cli("scan", str(root), "--json", cwd=tmp_path).stdout)
    assert again["unchanged"] == 7


def test_scan_cli_creates_workspace_and_prints_counts(cli, tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    result = cli("scan", str(root), cwd=tmp_path)
    assert result.exit_code == 0
    assert "Arbeitsbereich" in result.stderr and "angelegt" in result.stderr
    assert "7 neu" in result.stdout and "Gleiche Daten an 2 Orten" in result.stdout
    english = cli("--lang", "en", "scan", str(root), cwd=tmp_path)
    assert "7 unchanged" in english.stdout
