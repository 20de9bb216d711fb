"""``datensorgfalt convert``: clean CSV out, plain words and JSON about what was found."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from datensorgfalt.services.scan.convert import convert
from tests.helpers.files import file_hashes

GERMAN_EXPORT = (
    "ERP-Export Umsatz\n"
    "\n"
    "Belegnr;Belegdatum;Kunde;Nettobetrag\n"
    "1001;02.01.2023;Müller GmbH;1.234,50\n"
    "1002;03.01.2023;\"Schön; Söhne\";99,00\n"
    "1003;04.01.2023;Groß AG;12,75\n"
)


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_convert_writes_clean_utf8_comma_csv(tmp_path):
    source = tmp_path / "in" / "erp.csv"
    source.parent.mkdir()
    source.write_bytes(GERMAN_EXPORT.encode("cp1252"))
    before = file_hashes(source.parent)
    result = convert(source, tmp_path / "out.csv")
    assert read_csv(tmp_path / "out.csv") == [
        ["Belegnr", "Belegdatum", "Kunde", "Nettobetrag"],
        ["1001", "02.01.2023", "Müller GmbH", "1.234,50"],
        ["1002", "03.01.2023", "Schön; Söhne", "99,00"],
        ["1003", "04.01.2023", "Groß AG", "12,75"],
    ]
    assert result["rows"] == 3
    assert result["dialect"]["encoding"] == "cp1252"
    assert file_hashes(source.parent) == before


def test_convert_without_header_names_columns(tmp_path):
    source = tmp_path / "roh.csv"
    source.write_text("".join(f"{i},{i * 1.5},2024-01-0{i % 9 + 1}\n" for i in range(10)))
    convert(source, tmp_path / "out.csv")
    assert read_csv(tmp_path / "out.csv")[0] == ["col_0", "col_1", "col_2"]


def test_cli_prints_german_summary(tmp_path, cli):
    source = tmp_path / "erp.csv"
    source.write_bytes(GERMAN_EXPORT.encode("cp1252"))
    result = cli("convert", str(source), str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    assert "Semikolon" in result.output
    assert "cp1252" in result.output
    assert "3 Zeilen" in result.output
    assert "übersprungen" in result.output


def test_cli_json_matches_service(tmp_path, cli):
    source = tmp_path / "erp.csv"
    source.write_bytes(GERMAN_EXPORT.encode("cp1252"))
    result = cli("convert", str(source), str(tmp_path / "a.csv"), "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    direct = convert(source, tmp_path / "b.csv")
    assert shown["dialect"] == direct["dialect"]
    assert shown["header"] == direct["header"]
    assert shown["rows"] == 3
    assert [i["code"] for i in shown["issues"]] == [i["code"] for i in direct["issues"]]


def test_cli_sheet_option(tmp_path, cli):
    book = openpyxl.Workbook()
    book.active.title = "Erstes"
    book.active.append(["a", "b"])
    book.active.append([1, 2])
    other = book.create_sheet("Preise")
    other.append(["Artikel", "Preis"])
    other.append(["Blech", 9.5])
    book.save(tmp_path / "b.xlsx")
    result = cli("convert", str(tmp_path / "b.xlsx"), str(tmp_path / "p.csv"), "--sheet", "Preise")
    assert result.exit_code == 0, result.output
    assert read_csv(tmp_path / "p.csv") == [["Artikel", "Preis"], ["Blech", "9.5"]]
    missing = cli("convert", str(tmp_path / "b.xlsx"), str(tmp_path / "x.csv"), "--sheet", "Nein")
    assert missing.exit_code == 1
    assert "Erstes, Preise" in missing.output


def test_cli_bad_input_is_a_german_error_and_english_with_lang(tmp_path, cli):
    empty = tmp_path / "leer.csv"
    empty.write_bytes(b"")
    result = cli("convert", str(empty), str(tmp_path / "out.csv"))
    assert result.exit_code == 1
    assert "Fehler" in result.output and "leer" in result.output
    result = cli("--lang", "en", "convert", str(empty), str(tmp_path / "out.csv"))
    assert result.exit_code == 1
    assert "empty" in result.output
    assert not (tmp_path / "out.csv").exists()


def test_cli_refuses_to_overwrite_the_original(tmp_path, cli):
    source = tmp_path / "erp.csv"
    source.write_bytes(GERMAN_EXPORT.encode("cp1252"))
    before = source.read_bytes()
    result = cli("convert", str(source), str(source))
    assert result.exit_code == 1
    assert source.read_bytes() == before


def test_cli_names_no_decimal_sign_when_there_is_none(tmp_path, cli):
    source = tmp_path / "liste.csv"
    source.write_text("Nr;Name\n1;Meier\n2;Schulz\n3;Koch\n", encoding="utf-8")
    result = cli("convert", str(source), str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    assert "„-“" not in result.output
    assert "keine Dezimalzahlen" in " ".join(result.output.split())
