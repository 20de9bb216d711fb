"""Nothing leaked: personal values masked in the catalog, a private workspace, and ``forget``
erasing a dataset and everything derived from it (grep through the whole workspace)."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

from datensorgfalt.catalog import save_result
from datensorgfalt.workspace import Workspace
from tests.helpers.people import HEADER, PEOPLE, write_people

ITEMS = [("Schraube M8", 120), ("Mutter M8", 80), ("Unterlegscheibe", 45), ("Winkel 90", 12)]


def _workspace(root: Path, cli) -> Path:
    assert cli("init", cwd=root).exit_code == 0
    write_people(root / "daten" / "kunden.csv", [row for row in PEOPLE for _ in range(3)])
    with (root / "daten" / "lager.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Artikel", "Bestand"])
        writer.writerows(ITEMS * 4)
    for args in (("scan", "daten"), ("quality",), ("privacy",)):
        result = cli(*args, "--json", cwd=root)
        assert result.exit_code in (0, 1), result.output
    return root


def _dataset(cli, root: Path, title: str) -> str:
    listed = json.loads(cli("catalog", "list", "--json", cwd=root).output)
    return next(d["id"] for d in listed if d["title"] == title)


def _forms(value: str) -> list[bytes]:
    """How a value can sit in a file: as UTF-8 and as JSON text with escapes."""
    return [value.encode("utf-8"), json.dumps(value)[1:-1].encode("ascii")]


def _hits(folder: Path, values: list[str]) -> list[tuple[str, str]]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [(str(path), v) for v in values if any(f in data for f in _forms(v))]
    return found


PERSONAL = [v for row in PEOPLE for v in row[1:] if len(v) >= 5]  # names, e-mails, IBANs ...


def test_personal_values_are_masked_in_the_catalog_and_in_quality_show(tmp_path, cli):
    root = _workspace(tmp_path, cli)
    catalog_files = root / ".datensorgfalt"
    assert not [hit for hit in _hits(catalog_files, PERSONAL) if "catalog.sqlite" in hit[0]]
    shown = json.loads(cli("quality", "show", _dataset(cli, root, "kunden.csv"), "--json",
                           cwd=root).output)
    text = json.dumps(shown, ensure_ascii=False)
    assert not [v for v in PERSONAL if v in text]
    assert shown["result"]["columns"]["IBAN"]["masked"] is True
    stock = json.loads(cli("quality", "show", _dataset(cli, root, "lager.csv"), "--json",
                           cwd=root).output)
    assert "Schraube M8" in [v for v, _ in stock["result"]["columns"]["Artikel"]["top"]]


def test_values_stored_before_masking_are_masked_when_shown(tmp_path, cli):
    root = _workspace(tmp_path, cli)
    dataset = _dataset(cli, root, "kunden.csv")
    catalog = Workspace(root).open_catalog()
    try:
        with catalog.session() as session:  # a catalog written by an older version
            save_result(session, "quality", {"rows": 1, "columns": {
                "E-Mail": {"type": "text", "top": [["anna.schmidt@example.de", 3]],
                           "values": ["anna.schmidt@example.de"]}}, "findings": []},
                        dataset_id=dataset)
    finally:
        catalog.close()
    shown = cli("quality", "show", dataset, "--json", cwd=root).output
    assert "anna.schmidt@example.de" not in shown and "an******de" in shown


def test_workspace_is_private(tmp_path, cli):
    root = _workspace(tmp_path, cli)
    folder = root / ".datensorgfalt"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_forget_leaves_no_value_of_the_dataset_in_the_workspace(tmp_path, cli):
    root = _workspace(tmp_path, cli)
    original = root / "daten" / "kunden.csv"
    before = original.read_bytes()
    inside = cli("protect", "kunden.csv", "--out", ".datensorgfalt/kopie", "-k", "2", cwd=root)
    outside = cli("protect", "kunden.csv", "--out", "weitergabe", "-k", "2", cwd=root)
    assert inside.exit_code == 0 and outside.exit_code == 0, inside.output + outside.output
    dataset = _dataset(cli, root, "kunden.csv")
    workspace = root / ".datensorgfalt"
    assert _hits(workspace, PERSONAL)  # the quality and privacy results quote examples
    result = cli("forget", dataset, "--json", cwd=root)
    assert result.exit_code == 0, result.output
    receipt = json.loads(result.output)
    assert _hits(workspace, PERSONAL) == []
    values = [v for row in PEOPLE for v in row if len(v) >= 4]
    assert _hits(workspace, values) == []
    assert not list((workspace / "staged").glob(f"{dataset}-*"))
    assert original.read_bytes() == before
    assert any("weitergabe" in p for p in receipt["outside_kept"])
    assert (root / "weitergabe").exists()
    saved = json.loads(Path(receipt["path"]).read_text("utf-8"))
    assert saved["datasets"][0]["id"] == dataset and saved["catalog_rows"]["datasets"] >= 2
    listed = json.loads(cli("catalog", "list", "--json", cwd=root).output)
    assert [d["title"] for d in listed if d["kind"] == "table"] == ["lager.csv"]
    assert "Schraube M8" in json.dumps(cli("quality", "show", "lager.csv", "--json",
                                           cwd=root).output)


def test_vanished_original_takes_its_copies_along_and_forget_all_vanished(tmp_path, cli):
    root = _workspace(tmp_path, cli)
    dataset = _dataset(cli, root, "kunden.csv")
    staged = root / ".datensorgfalt" / "staged"
    assert list(staged.glob(f"{dataset}-*"))
    (root / "daten" / "kunden.csv").unlink()
    assert cli("scan", "daten", "--json", cwd=root).exit_code == 0
    assert not list(staged.glob(f"{dataset}-*"))
    result = cli("forget", "--all-vanished", cwd=root)
    assert result.exit_code == 0, result.output
    assert "kunden.csv" in result.output and "Quittung" in result.output
    assert _hits(root / ".datensorgfalt", PERSONAL) == []
    usage = cli("forget", cwd=root)
    assert usage.exit_code == 1 and "--all-vanished" in usage.output



def test_texts_of_removed_documents_and_of_a_vanished_folder_are_deleted(tmp_path, cli):
    import shutil

    assert cli("init", cwd=tmp_path).exit_code == 0
    letters = tmp_path / "daten" / "briefe"
    letters.mkdir(parents=True)
    for index, name in enumerate(("Annegret Vollmerhaus", "Bertram Quandtfeld", "Cordula Zierl")):
        (letters / f"brief{index}.txt").write_text(
            f"Sehr geehrte Frau Müller, anbei die Rechnung. Mit freundlichen Grüßen {name}",
            "utf-8")
    assert cli("scan", "daten", "--json", cwd=tmp_path).exit_code == 0
    texts = tmp_path / ".datensorgfalt" / "text"
    assert _hits(texts, ["Bertram Quandtfeld"])
    (letters / "brief1.txt").unlink()
    assert cli("scan", "daten", "--json", cwd=tmp_path).exit_code == 0
    assert not _hits(texts, ["Bertram Quandtfeld"]) and _hits(texts, ["Cordula Zierl"])
    shutil.rmtree(letters)
    assert cli("scan", "daten", "--json", cwd=tmp_path).exit_code == 0
    assert not _hits(texts, ["Annegret Vollmerhaus", "Cordula Zierl"])


def test_cell_values_quoted_by_findings_about_personal_columns_are_masked(tmp_path, cli):
    """An invalid IBAN is still an account holder's number: the finding counts it and names
    its row, but neither the catalog nor ``quality show`` prints it."""
    assert cli("init", cwd=tmp_path).exit_code == 0
    broken = ["DE89370400440532013001", "DE02120300000000202052", "DE44500105175407324932"]
    good = [row[HEADER.index("IBAN")] for row in PEOPLE]
    (tmp_path / "daten").mkdir()
    with (tmp_path / "daten" / "konten.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Konto", "IBAN"])
        writer.writerows([(f"K{i}", iban) for i, iban in enumerate(good * 4 + broken)])
    for args in (("scan", "daten"), ("quality",)):
        assert cli(*args, "--json", cwd=tmp_path).exit_code in (0, 1)
    shown = json.loads(cli("quality", "show", _dataset(cli, tmp_path, "konten.csv"), "--json",
                           cwd=tmp_path).output)
    codes = {f["code"]: f for f in shown["result"]["findings"]}
    assert "invalid-iban" in codes, codes
    assert codes["invalid-iban"]["evidence"]["count"] == len(broken)
    text = json.dumps(shown, ensure_ascii=False)
    assert not [iban for iban in broken if iban in text]
    assert not [hit for hit in _hits(tmp_path / ".datensorgfalt", broken)
                if "catalog.sqlite" in hit[0]]
