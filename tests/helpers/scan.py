"""Small real files of every format the scan reads, made in the test's temp folder."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image

from datensorgfalt.catalog import Catalog
from datensorgfalt.services.scan.runner import ScanReport, scan
from datensorgfalt.workspace import Workspace

SALES = pa.table({
    "Kundennr": [1001, 1002, 1003, 1004, 1005, 1006],
    "Nettobetrag": [10.5, 20.25, 30.0, 12.0, 99.9, 5.5],
    "E-Mail": ["a@firma.de", "b@firma.de", "c@firma.de", "d@firma.de", "e@firma.de",
               "f@firma.de"],
    "IBAN": ["DE89370400440532013000"] * 6,
})


def make_tree(root: Path) -> Path:
    """A small company share: tables of several formats, a copy, documents, images."""
    (root / "vertrieb").mkdir(parents=True)
    (root / "archiv").mkdir()
    (root / "anfragen").mkdir()
    pq.write_table(SALES, root / "vertrieb" / "umsatz.parquet")
    pq.write_table(SALES, root / "archiv" / "umsatz_kopie.parquet")
    (root / "vertrieb" / "kunden.json").write_text(json.dumps(
        [{"Kunde": "Müller GmbH", "PLZ": "45127"}, {"Kunde": "Schmidt KG", "PLZ": "44135"}]),
        "utf-8")
    (root / "vertrieb" / "log.jsonl").write_text('{"a": 1}\n{"a": 2}\n{"a": 3}\n', "utf-8")
    with sqlite3.connect(root / "vertrieb" / "auftraege.sqlite") as connection:
        connection.execute("CREATE TABLE auftraege (nr INTEGER, kunde TEXT, datum TEXT)")
        connection.execute("CREATE TABLE kunden (nr INTEGER, name TEXT)")
        connection.executemany("INSERT INTO auftraege VALUES (?, ?, ?)",
                               [(i, f"K{i}", f"2025-01-0{i % 9 + 1}") for i in range(20)])
    connection.close()
    (root / "anfragen" / "anfrage_1.txt").write_text(
        "Sehr geehrte Damen und Herren,\nwir bitten um ein Angebot für 500 Flansche. "
        "Mit freundlichen Grüßen\nMax Mustermann, Tel. 0201 123456\n", "utf-8")
    (root / "anfragen" / "request_2.txt").write_text(
        "Dear Sir or Madam,\nplease send us an offer for the parts. Thank you and kind "
        "regards\nJane Doe\n", "utf-8")
    for label, count in (("ok", 4), ("defekt", 2)):
        folder = root / "bilder" / label
        folder.mkdir(parents=True)
        for index in range(count):
            Image.new("L", (16, 12), color=index * 20).save(folder / f"{label}_{index}.png")
    return root


def run_scan(catalog: Catalog, root: Path, *targets: Path | str) -> ScanReport:
    workspace = Workspace(root)
    workspace.folder.mkdir(exist_ok=True)
    return scan(workspace, catalog, list(targets) or [root])


def dataset_count(db: Path) -> int:
    """Datasets in a SQLite catalog another process is writing (0 while it cannot be read)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM datasets").fetchone()[0]
    except sqlite3.Error:
        return 0
