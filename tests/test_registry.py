"""The registry opens every table again from its catalog location."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook

from datensorgfalt.sources.registry import classify, open_location, open_tables
from tests.helpers.scan import make_tree


def _rows(source) -> list[dict]:
    return [row for batch in source.batches(2) for row in batch.to_pylist()]


def test_every_location_opens_its_own_table(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    book = Workbook()
    book.active.title = "Preise"
    book.active.append(["Artikelnr", "Preis"])
    book.active.append(["A-1", 9.5])
    other = book.create_sheet("Lager")
    other.append(["Artikelnr", "Bestand"])
    other.append(["A-1", 12])
    book.save(root / "liste.xlsx")
    (root / "mehrere.json").write_text(json.dumps(
        {"kunden": [{"nr": 1}], "auftraege": [{"nr": 7, "menge": 2}, {"nr": 8, "menge": 3}]}))
    (root / "export.csv").write_text("Nr;Betrag\n1;2,50\n2;3,75\n", "utf-8")
    for path in ("liste.xlsx", "mehrere.json", "vertrieb/auftraege.sqlite", "export.csv",
                 "vertrieb/umsatz.parquet", "vertrieb/log.jsonl"):
        tables = open_tables(root / path)
        for table in tables:
            again = open_location(table.location)
            assert again.location == table.location
            assert list(again.header) == list(table.header)
            assert _rows(again) == _rows(table)
    sheets = {t.location.rsplit("=", 1)[1]: t for t in open_tables(root / "liste.xlsx")}
    assert set(sheets) == {"Preise", "Lager"}
    assert open_location(sheets["Lager"].location).header == ["Artikelnr", "Bestand"]
    assert len(_rows(open_location(str(open_tables(root / "mehrere.json")[1].location)))) == 2


def test_classify(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "share")
    (root / "messwerte.txt").write_text("a;b;c\n1;2;3\n4;5;6\n7;8;9\n", "utf-8")
    (root / "ohne_endung").write_bytes((root / "vertrieb" / "auftraege.sqlite").read_bytes())
    assert classify(root / "messwerte.txt") == "table"
    assert classify(root / "anfragen" / "anfrage_1.txt") == "document"
    assert classify(root / "bilder" / "ok" / "ok_0.png") == "image"
    assert classify(root / "ohne_endung") == "table"  # SQLite found by its magic bytes
    assert classify(root / "vertrieb" / "umsatz.parquet") == "table"
