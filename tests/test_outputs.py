"""The output guard: nothing written over a file read, an original or an earlier output; no
temporary file left behind; formula-like text cells neutralised in every CSV written."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from datensorgfalt.services.outputs import (
    OutputRefused,
    check_output,
    neutralise,
    neutralise_frame,
    writing,
)
from datensorgfalt.workspace import Workspace, init_workspace
from tests.helpers.files import file_hashes
from tests.helpers.people import PEOPLE, write_people


def _workspace_with_people(root: Path, cli) -> Path:
    init_workspace(root)
    write_people(root / "daten" / "kunden.csv")
    assert cli("scan", "daten", "--json", cwd=root).exit_code == 0
    return root / "daten" / "kunden.csv"


def _stray(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith((".part", ".tmp", ".partial"))]


def test_convert_into_an_existing_folder_is_one_sentence_and_leaves_nothing(tmp_path, cli):
    source = write_people(tmp_path / "personal.csv")
    (tmp_path / "ziel").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    result = cli("convert", str(source), str(tmp_path / "ziel"))
    assert result.exit_code == 1
    assert "ist ein Ordner" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not list((tmp_path / "ziel").iterdir())


def test_existing_output_needs_overwrite(tmp_path, cli):
    source = write_people(tmp_path / "personal.csv")
    out = tmp_path / "sauber.csv"
    out.write_text("meine Notizen", "utf-8")
    refused = cli("convert", str(source), str(out))
    assert refused.exit_code == 1 and "--overwrite" in refused.output
    assert out.read_text("utf-8") == "meine Notizen"
    done = cli("convert", str(source), str(out), "--overwrite")
    assert done.exit_code == 0, done.output
    assert "Anna" in out.read_text("utf-8")
    assert not _stray(tmp_path)


def test_no_command_writes_over_a_cataloged_original(tmp_path, cli):
    root = tmp_path / "ws"
    original = _workspace_with_people(root, cli)
    other = write_people(tmp_path / "anderes.csv")
    before = file_hashes(root / "daten")
    dataset = json.loads(cli("catalog", "list", "--json", cwd=root).output)[0]["id"]
    attempts = [
        ("convert", str(other), str(original), "--overwrite"),
        ("quality", "show", dataset, "--cells", str(original), "--overwrite"),
        ("catalog", "export", "--out", str(original), "--overwrite"),
    ]
    assert cli("quality", "--json", cwd=root).exit_code == 0
    for args in attempts:
        result = cli(*args, cwd=root)
        assert result.exit_code == 1, (args, result.output)
        assert "Original" in result.output and "Traceback" not in result.output, args
    assert file_hashes(root / "daten") == before
    assert not _stray(tmp_path)


def test_report_keeps_an_earlier_report_without_overwrite(tmp_path, cli):
    root = tmp_path / "ws"
    init_workspace(root)
    out = tmp_path / "abgabe"
    out.mkdir()
    (out / "bericht.pdf").write_bytes(b"%PDF-1.4 frueherer Bericht")
    result = cli("report", "--out", str(out), cwd=root)
    assert result.exit_code == 1 and "--overwrite" in result.output
    assert (out / "bericht.pdf").read_bytes() == b"%PDF-1.4 frueherer Bericht"
    assert not (out / "bericht.html").exists()


def test_check_output_reasons(tmp_path):
    read = tmp_path / "eingabe.csv"
    read.write_text("a\n1\n", "utf-8")
    with pytest.raises(OutputRefused, match="liest"):
        check_output(tmp_path / "." / "eingabe.csv", reads=[read], overwrite=True)
    with pytest.raises(OutputRefused, match="Ordner"):
        check_output(tmp_path)
    assert check_output(tmp_path / "neu" / "x.csv") == (tmp_path / "neu" / "x.csv").absolute()


def test_unwritable_place_is_one_sentence(tmp_path):
    with pytest.raises(OutputRefused, match="kann nicht geschrieben"), \
            writing(Path("/proc/datensorgfalt-nope.csv")) as temporary:
        temporary.write_text("x")


def test_an_interrupted_write_leaves_neither_target_nor_temporary(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    target = tmp_path / "ws" / "out.csv"
    for interrupt in (KeyboardInterrupt, RuntimeError):
        with pytest.raises(interrupt), writing(target, workspace) as temporary:
            temporary.write_text("halb", "utf-8")
            raise interrupt()
        assert not target.exists()
        assert not _stray(tmp_path)
    with writing(target, workspace) as temporary:
        temporary.write_text("ganz", "utf-8")
    assert target.read_text("utf-8") == "ganz" and not _stray(tmp_path)


def test_formula_cells_are_neutralised_but_numbers_stay():
    assert neutralise("=HYPERLINK(\"http://x\")") == ("'=HYPERLINK(\"http://x\")", True)
    for text in ("+49 170 1234", "@SUMME(A1)", "\tx", "\rx", "-x"):
        assert neutralise(text) == ("'" + text, True)
    for plain in ("-5", "+3,5", "-1.25e3", "-1.234,56", "-", -5, 3.5, "Anna", "", None):
        assert neutralise(plain) == (plain, False)
    import pandas as pd

    frame, changed = neutralise_frame(pd.DataFrame({"a": ["=1+1", "ok"], "b": [-5, 2]}))
    assert changed == 1 and frame["a"].tolist() == ["'=1+1", "ok"]
    assert frame["b"].tolist() == [-5, 2]


def test_convert_neutralises_formulas_and_says_so_once(tmp_path, cli):
    source = tmp_path / "eingabe.csv"
    source.write_text("Name;Betrag;Notiz\n=cmd|'/c calc'!A1;-5;@SUMME(A1)\nAnna;3;ok\n",
                      "utf-8")
    result = cli("convert", str(source), str(tmp_path / "aus.csv"))
    assert result.exit_code == 0, result.output
    assert result.output.count("Apostroph") == 1
    with (tmp_path / "aus.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1] == ["'=cmd|'/c calc'!A1", "-5", "'@SUMME(A1)"]


def _two_table_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        for table in ("kunden", "lieferanten"):
            db.execute(f"CREATE TABLE {table} (Kundennr TEXT, Vorname TEXT, Nachname TEXT, "
                       "Email TEXT, PLZ TEXT, Geburtsdatum TEXT)")
            db.executemany(f"INSERT INTO {table} VALUES (?,?,?,?,?,?)",
                           [(f"{table[0]}{p[0]}", p[1], p[2], p[3], p[6], p[7]) for p in PEOPLE])
    db.close()


def test_each_table_of_one_database_gets_its_own_protected_copy(tmp_path, cli):
    root = tmp_path / "ws"
    init_workspace(root)
    _two_table_database(root / "daten" / "firma.sqlite")
    assert cli("scan", "daten", "--json", cwd=root).exit_code == 0
    datasets = json.loads(cli("catalog", "list", "--json", cwd=root).output)
    tables = [d for d in datasets if d["kind"] == "table"]
    assert len(tables) == 2
    copies = {}
    for dataset in tables:
        result = cli("protect", dataset["id"], "--out", "sicher", "--k", "1", "--json", cwd=root)
        assert result.exit_code == 0, result.output
        copies[dataset["id"]] = json.loads(result.output)
    paths = {Path(c["path"]).name for c in copies.values()}
    assert paths == {"firma_kunden_geschuetzt.csv", "firma_lieferanten_geschuetzt.csv"}
    ws = Workspace(root)
    catalog = ws.open_catalog()
    try:
        for original, report in copies.items():
            copy = catalog.dataset(report["dataset_id"])
            assert copy.details["protected_from"] == original
    finally:
        catalog.close()
    again = cli("protect", tables[0]["id"], "--out", "sicher", "--k", "1", cwd=root)
    assert again.exit_code == 0, again.output  # a re-run replaces its own copy


def test_protect_refuses_a_k_that_leaves_nothing(tmp_path, cli):
    root = tmp_path / "ws"
    _workspace_with_people(root, cli)
    before = len(json.loads(cli("catalog", "list", "--json", cwd=root).output))
    result = cli("protect", "kunden.csv", "--out", "sicher", "--k", "1000", cwd=root)
    assert result.exit_code == 1 and "leer" in result.output
    assert not (root / "sicher").exists() or not list((root / "sicher").iterdir())
    assert len(json.loads(cli("catalog", "list", "--json", cwd=root).output)) == before


def test_protection_report_beside_the_copy_holds_counts_only(tmp_path, cli):
    root = tmp_path / "ws"
    _workspace_with_people(root, cli)
    result = cli("protect", "kunden.csv", "--out", "sicher", "--k", "2", "--quasi", "PLZ",
                 "--quasi", "Geburtsdatum", "--json", cwd=root)
    assert result.exit_code == 0, result.output
    side = next((root / "sicher").glob("*_bericht.json"))
    text = side.read_text("utf-8")
    for person in PEOPLE:
        for value in person:
            assert value not in text, value
    report = json.loads(text)
    assert report["rows"] > 0 and "smallest_group_sizes" in report["risk_before"]


def test_protected_copy_neutralises_formulas(tmp_path, cli):
    root = tmp_path / "ws"
    init_workspace(root)
    table = root / "daten" / "artikel.csv"
    table.parent.mkdir(parents=True)
    table.write_text("Artikel;Menge\n=HYPERLINK(\"http://x\");-5\nSchraube;3\n", "utf-8")
    assert cli("scan", "daten", "--json", cwd=root).exit_code == 0
    result = cli("protect", "artikel.csv", "--out", "sicher", cwd=root)
    assert result.exit_code == 0, result.output
    assert result.output.count("Apostroph") == 1
    with (root / "sicher" / "artikel_geschuetzt.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", "-5"]
