"""Bad input becomes a finding with a clear message; the scan goes on; originals stay as they
were. Permission problems are simulated (the tests run as root, who may read everything): the
fingerprinting ``open`` is replaced by one that raises PermissionError for one file."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from datensorgfalt.engine import fingerprint
from datensorgfalt.sources.locations import file_location, path_of
from tests.helpers.files import file_hashes
from tests.helpers.scan import SALES, run_scan


def _codes(catalog) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = {}
    for dataset in catalog.datasets():
        codes[dataset.title] = {f.code for f in dataset.findings}
    return codes


def _encrypted_workbook(path: Path) -> None:
    """A real password-protected workbook (msoffcrypto-tool encrypts like Excel does)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    book = Workbook()
    book.active.append(["Name", "Gehalt"])
    book.active.append(["Erika Muster", 4200])
    plain = io.BytesIO()
    book.save(plain)
    plain.seek(0)
    with open(path, "wb") as target:
        OOXMLFile(plain).encrypt("geheim", target)


def _bad_tree(root: Path) -> Path:
    root.mkdir()
    pq.write_table(SALES, root / "gut.parquet")
    (root / "leer.csv").write_bytes(b"")
    (root / "binaer.csv").write_bytes(bytes(range(256)) * 40)
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>" * 200)
    (root / "abgeschnitten.xlsx").write_bytes(good.getvalue()[:150])
    _encrypted_workbook(root / "passwort.xlsx")
    (root / "kaputt.parquet").write_bytes(b"PAR1" + b"\x00" * 100)
    (root / "kaputt.json").write_text('[{"a": 1}, {"a": ', "utf-8")
    return root


def test_bad_files_become_findings_and_scan_goes_on(catalog, tmp_path: Path) -> None:
    root = _bad_tree(tmp_path / "share")
    before = file_hashes(root)
    report = run_scan(catalog, tmp_path, root)
    assert report.exit_code == 1 and report.failed == 6 and report.new == 1
    codes = _codes(catalog)
    assert codes["gut.parquet"] == set()
    assert codes["leer.csv"] == {"empty-file"}
    assert len(codes["binaer.csv"]) == 1 and len(codes["abgeschnitten.xlsx"]) == 1
    assert codes["passwort.xlsx"] == {"encrypted"}
    assert codes["kaputt.parquet"] == {"parquet-broken"}
    assert codes["kaputt.json"] == {"json-broken"}
    broken = {d.title: d for d in catalog.datasets()}
    assert broken["leer.csv"].status == "error" and broken["leer.csv"].kind == "unreadable"
    messages = [f["message"] for f in report.failures]
    assert any("leer (0 Byte)" in m for m in messages)
    assert file_hashes(root) == before


def test_failures_in_english(cli, tmp_path: Path) -> None:
    root = _bad_tree(tmp_path / "share")
    result = cli("--lang", "en", "scan", str(root), cwd=tmp_path)
    assert result.exit_code == 1
    assert "The file is empty (0 bytes)." in result.stdout


def test_permission_denied_is_a_finding(catalog, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "share"
    root.mkdir()
    pq.write_table(SALES, root / "gesperrt.parquet")
    pq.write_table(SALES, root / "offen.parquet")
    real_open = open

    def guarded_open(path, *args, **kwargs):
        if Path(path).name == "gesperrt.parquet":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(fingerprint, "open", guarded_open, raising=False)
    report = run_scan(catalog, tmp_path, root)
    assert report.failed == 1 and report.new == 1
    assert _codes(catalog)["gesperrt.parquet"] == {"permission-denied"}
    monkeypatch.undo()
    again = run_scan(catalog, tmp_path, root)  # rights fixed: read on the next scan
    assert again.changed == 1 and again.failed == 0


def test_file_vanishing_mid_scan(catalog, tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "share"
    root.mkdir()
    for name in ("a.parquet", "b.parquet", "c.parquet"):
        pq.write_table(SALES, root / name)
    real = fingerprint.sha256_file

    def vanish_b(path: Path) -> str:
        if path.name == "a.parquet":
            (root / "b.parquet").unlink()
        return real(path)

    monkeypatch.setattr(fingerprint, "sha256_file", vanish_b)  # also in the reading process
    report = run_scan(catalog, tmp_path, root)
    assert report.new == 2 and report.failed == 1
    assert report.failures[0]["code"] == "file-vanished"
    assert {d.title for d in catalog.datasets()} == {"a.parquet", "c.parquet"}


def test_symlink_loops_and_odd_names(catalog, tmp_path: Path) -> None:
    root = tmp_path / "share"
    (root / "ordner").mkdir(parents=True)
    os.symlink(root, root / "ordner" / "zurück")  # a loop back to the top
    os.symlink(root / "ordner", root / "ordner" / "selbst")
    odd = ["Übersicht Ärger.parquet", "zeilen\numbruch.parquet",
           os.fsdecode(b"kaputt\xff\xfename.parquet")]
    buffer = io.BytesIO()
    pq.write_table(SALES, buffer)
    for name in odd:
        (root / "ordner" / name).write_bytes(buffer.getvalue())
    report = run_scan(catalog, tmp_path, root)
    assert report.ok, report.failures
    locations = {d.location for d in catalog.datasets() if d.kind == "table"}
    assert locations == {file_location(root / "ordner" / name) for name in odd}
    assert {path_of(loc) for loc in locations} == {root / "ordner" / name for name in odd}
    titles = {d.title for d in catalog.datasets() if d.kind == "table"}
    assert "kaputt\ufffd\ufffdname.parquet" in titles and "Übersicht Ärger.parquet" in titles


def test_missing_target_is_reported(catalog, tmp_path: Path) -> None:
    report = run_scan(catalog, tmp_path, tmp_path / "gibt-es-nicht")
    assert report.exit_code == 1 and report.failures[0]["code"] == "file-vanished"


def test_cli_with_odd_names(cli, tmp_path: Path) -> None:
    root = tmp_path / "share"
    root.mkdir()
    buffer = io.BytesIO()
    pq.write_table(SALES, buffer)
    (root / os.fsdecode(b"Ums\xe4tze\nalt.parquet")).write_bytes(buffer.getvalue())
    (root / os.fsdecode(b"leer \xff.csv")).write_bytes(b"")
    result = cli("scan", str(root), cwd=tmp_path)
    assert result.exit_code == 1 and "1 neu" in result.stdout
    listed = cli("catalog", "list", cwd=tmp_path)
    assert listed.exit_code == 0 and "Ums\ufffdtze" in listed.stdout


def test_repaired_file_is_read_and_then_skipped(catalog, tmp_path: Path) -> None:
    import sqlite3

    root = tmp_path / "share"
    root.mkdir()
    database = root / "auftraege.sqlite"
    database.write_bytes(b"SQLite format 3\x00" + b"\x00" * 50)  # truncated database
    first = run_scan(catalog, tmp_path, root)
    assert first.failed == 1
    database.unlink()
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE auftraege (nr INTEGER)")
    connection.close()
    second = run_scan(catalog, tmp_path, root)
    assert second.changed == 1 and second.failed == 0
    assert [d.title for d in catalog.datasets()] == ["auftraege.sqlite (auftraege)"]
    third = run_scan(catalog, tmp_path, root)
    assert (third.unchanged, third.changed) == (1, 0)
