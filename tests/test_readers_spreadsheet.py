"""Spreadsheets: xlsx with title block and notes, several sheets, xls, ods, broken files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from datensorgfalt.sources.base import ReadError
from datensorgfalt.sources.spreadsheet import open_workbook


def rows_of(source) -> list[list[str]]:
    return [list(r.values()) for b in source.batches() for r in b.to_pylist()]


def price_book(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Umformteile"
    sheet["A1"] = "Preisliste 2025"
    sheet["A2"] = "Müller Umformtechnik GmbH, gültig ab 01.01.2025"
    sheet.append([])
    sheet.append([None, "Artikelnr", "Artikel", "Preis"])  # table starts in column B
    for i in range(12):
        sheet.append([None, f"U-{100 + i}", f"Blech {i}", 10.5 + i])
    sheet["G5"] = "Hinweis: Preise netto"  # a note beside the table
    sheet.append([])
    sheet.append([None, "Alle Preise zzgl. MwSt."])
    second = book.create_sheet("Zubehör")
    second.append(["Artikelnr", "Artikel", "Preis", "Lieferbar"])
    second.append(["Z-1", "Schraube", 0.1, True])
    second.append(["Z-2", "Mutter", 0.05, False])
    book.create_sheet("Leer")
    book.save(path)
    return path


def test_table_below_a_title_block_and_beside_notes(tmp_path):
    sources = open_workbook(price_book(tmp_path / "preise.xlsx"))
    assert [s.name for s in sources] == ["Umformteile", "Zubehör", "Leer"]
    first = sources[0]
    assert first.header == ["Artikelnr", "Artikel", "Preis"]
    rows = rows_of(first)
    assert len(rows) == 12
    assert rows[0] == ["U-100", "Blech 0", "10.5"]
    assert first.dialect["top_row"] == 4
    assert first.dialect["left_column"] == 2
    assert first.location.endswith("preise.xlsx#sheet=Umformteile")
    assert any(i.code == "cells-outside-table" for i in first.issues)


def test_every_sheet_is_its_own_table(tmp_path):
    sources = open_workbook(price_book(tmp_path / "preise.xlsx"))
    second = sources[1]
    assert second.header == ["Artikelnr", "Artikel", "Preis", "Lieferbar"]
    assert rows_of(second) == [
        ["Z-1", "Schraube", "0.1", "true"],
        ["Z-2", "Mutter", "0.05", "false"],
    ]
    assert second.location.endswith("#sheet=Zubeh%C3%B6r")
    assert sources[2].header == []
    assert any(i.code == "empty-sheet" for i in sources[2].issues)


def test_dates_become_iso_text(tmp_path):
    from datetime import datetime

    book = openpyxl.Workbook()
    book.active.append(["Name", "Geburtsdatum", "Eintritt"])
    book.active.append(["Anna", datetime(1980, 5, 17), datetime(2020, 1, 2, 8, 30)])
    book.save(tmp_path / "p.xlsx")
    (source,) = open_workbook(tmp_path / "p.xlsx")
    assert rows_of(source) == [["Anna", "1980-05-17", "2020-01-02 08:30:00"]]


def test_xls_written_with_xlwt(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Daten")
    for j, name in enumerate(["Kundennr", "Kunde", "Umsatz"]):
        sheet.write(2, j, name)
    sheet.write(0, 0, "Kundenliste")
    for i in range(5):
        sheet.write(3 + i, 0, 1000 + i)
        sheet.write(3 + i, 1, f"Kunde {i}")
        sheet.write(3 + i, 2, 1.25 * i)
    book.save(str(tmp_path / "alt.xls"))
    (source,) = open_workbook(tmp_path / "alt.xls")
    assert source.format == "xls"
    assert source.header == ["Kundennr", "Kunde", "Umsatz"]
    assert rows_of(source)[1] == ["1001", "Kunde 1", "1.25"]


def test_ods_written_with_odfpy(tmp_path):
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Lager")
    for values in [["Teil", "Bestand"], ["Blech", "12"], ["Rohr", "7"]]:
        row = TableRow()
        for value in values:
            if value.isdigit():
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "lager.ods"))
    (source,) = open_workbook(tmp_path / "lager.ods")
    assert source.format == "ods"
    assert source.header == ["Teil", "Bestand"]
    assert rows_of(source) == [["Blech", "12"], ["Rohr", "7"]]


def test_truncated_xlsx_is_a_clear_error(tmp_path):
    whole = price_book(tmp_path / "ganz.xlsx").read_bytes()
    broken = tmp_path / "kaputt.xlsx"
    broken.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ReadError) as caught:
        open_workbook(broken)
    assert caught.value.key == "readers.error.corrupt"
    assert "kaputt.xlsx" in str(caught.value)


def test_garbage_named_xlsx_is_a_clear_error(tmp_path):
    path = tmp_path / "falsch.xlsx"
    path.write_text("das ist keine Arbeitsmappe", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        open_workbook(path)
    assert caught.value.key == "readers.error.corrupt"


def test_password_protected_xlsx(tmp_path):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = price_book(tmp_path / "offen.xlsx")
    encrypted = tmp_path / "geschuetzt.xlsx"
    with plain.open("rb") as source, encrypted.open("wb") as target:
        ooxml.OOXMLFile(source).encrypt("geheim", target)
    with pytest.raises(ReadError) as caught:
        open_workbook(encrypted)
    assert caught.value.key == "readers.error.encrypted"
    assert "Passwort" in str(caught.value)


def test_empty_and_vanished_workbooks(tmp_path):
    empty = tmp_path / "leer.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(ReadError) as caught:
        open_workbook(empty)
    assert caught.value.key == "readers.error.empty"
    with pytest.raises(ReadError) as caught:
        open_workbook(tmp_path / "weg.xlsx")
    assert caught.value.key == "readers.error.vanished"


def test_workbook_is_not_modified(tmp_path):
    path = price_book(tmp_path / "preise.xlsx")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for source in open_workbook(path):
        rows_of(source)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
