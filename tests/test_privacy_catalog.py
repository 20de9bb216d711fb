"""The privacy scan records results and findings in the catalog; `privacy text` prints JSON lines;
the demo company's personal data is found and its sensor logs and price lists stay quiet."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datensorgfalt.catalog.models import Result
from datensorgfalt.services.privacy.column_kinds import classify_table
from datensorgfalt.services.privacy.detect import scan_privacy
from datensorgfalt.workspace import Workspace, init_workspace
from tests.helpers.people import HEADER, PEOPLE, write_people
from tests.helpers.scan import run_scan


def write_lookalikes(path: Path) -> Path:
    rows = [(f"{4711 + i}-{i:04d}", f"A{100000000 + i * 7919}", f"45000{i:05d}",
             f"{i % 9},{i % 7}5",
             f"{20 + i % 5},{i % 10}", f"Schulz Blechbearbeitung GmbH Werk {i % 3}",
             f"Industriestraße {i % 40 + 1}") for i in range(60)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Artikelnr", "Teilenummer", "Auftragsnr", "Vibration_mm_s",
                         "Temperatur_C", "Lieferant", "Lieferant_Strasse"])
        writer.writerows(rows)
    return path


def test_column_verdicts_personal_and_lookalikes(tmp_path: Path) -> None:
    people = {name: [row[i] for row in PEOPLE] for i, name in enumerate(HEADER)}
    verdicts = classify_table(people)
    kinds = {name: vd.kinds for name, vd in verdicts.items()}
    assert kinds == {"Kundennr": ["CUSTOMER_ID"], "Vorname": ["FIRST_NAME", "PERSON"],
                     "Nachname": ["LAST_NAME", "PERSON"], "E-Mail": ["EMAIL"], "Telefon": ["PHONE"],
                     "Straße": ["ADDRESS"], "PLZ": ["POSTAL_CODE"],
                     "Geburtsdatum": ["DATE_OF_BIRTH"], "IBAN": ["IBAN"]}
    assert all("Anna" not in e for vd in verdicts.values() for e in vd.examples)
    path = write_lookalikes(tmp_path / "teile.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    table = {name: [r[i] for r in rows[1:]] for i, name in enumerate(rows[0])}
    assert {n: vd.kinds for n, vd in classify_table(table).items() if vd.kinds} == {}


def test_scan_stores_result_and_findings(catalog, tmp_path: Path) -> None:
    root = tmp_path / "share"
    write_people(root / "kunden.csv")
    write_lookalikes(root / "teile.csv")
    run_scan(catalog, tmp_path, root)
    report = scan_privacy(None, catalog)
    by_title = {d["title"]: d for d in report.datasets}
    assert set(by_title["kunden.csv"]["kinds"]) >= {"EMAIL", "IBAN", "PHONE", "DATE_OF_BIRTH"}
    assert by_title["teile.csv"]["kinds"] == []
    customers = catalog.dataset("kunden.csv")
    findings = catalog.findings(customers.id, sources=["privacy"])
    assert {f.column_name for f in findings} == set(HEADER)
    iban = next(f for f in findings if f.column_name == "IBAN")
    assert iban.severity == "error" and iban.code == "personal-data"
    assert iban.evidence["kinds"] == ["IBAN"] and iban.evidence["confidence"] >= 0.9
    assert not catalog.findings(catalog.dataset("teile.csv").id, sources=["privacy"])
    scan_privacy(None, catalog)  # a rerun replaces, it does not pile up
    assert len(catalog.findings(customers.id, sources=["privacy"])) == len(findings)
    with catalog.session() as session:
        results = session.scalars(select(Result).where(Result.kind == "privacy",
                                                       Result.dataset_id == customers.id)).all()
        assert len(results) == 1
        assert results[0].payload["columns"]["E-Mail"]["count"] == len(PEOPLE)


def test_unreadable_dataset_gets_a_finding_and_the_run_goes_on(catalog, tmp_path: Path) -> None:
    root = tmp_path / "share"
    write_people(root / "kunden.csv")
    write_people(root / "weg.csv")
    run_scan(catalog, tmp_path, root)
    (root / "weg.csv").unlink()
    report = scan_privacy(None, catalog)
    assert [f["title"] for f in report.failed] == ["weg.csv"]
    assert report.datasets and report.datasets[0]["title"] == "kunden.csv"
    finding = catalog.findings(catalog.dataset("weg.csv").id, sources=["privacy"])[0]
    assert finding.code == "privacy-unreadable"


def test_cli_privacy_and_text_json_lines(cli, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    write_people(root / "daten" / "kunden.csv")
    assert cli("scan", "daten", "--json", cwd=root).exit_code == 0
    result = cli("privacy", "--json", cwd=root)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["datasets"][0]["columns"]["IBAN"]["kinds"] == ["IBAN"]
    text = "Bitte Herrn Jürgen Becker anrufen: 0221 1234567, j.becker@web.de"
    (root / "notiz.txt").write_text(text, "utf-8")
    lines = cli("privacy", "text", "notiz.txt", "--json", cwd=root).output.splitlines()
    entities = [json.loads(line) for line in lines]
    assert [(e["type"], e["text"]) for e in entities] == [
        ("PERSON", "Jürgen Becker"), ("PHONE", "0221 1234567"), ("EMAIL", "j.becker@web.de")]
    assert all(text[e["start"]:e["end"]] == e["text"] and 0 < e["score"] <= 1 for e in entities)
    piped = cli("privacy", "text", "-", "--json", cwd=root, input=text)
    assert piped.output.splitlines() == lines
    missing = cli("privacy", "text", "gibtsnicht.txt", cwd=root)
    assert missing.exit_code == 1 and "Fehler" in missing.output


@pytest.mark.slow
def test_demo_company_personal_data_found_without_false_alarms(demo_company, tmp_path) -> None:
    from datensorgfalt.catalog import Catalog
    from datensorgfalt.demo import load_planted

    root = demo_company
    catalog = Catalog.open(f"sqlite:///{tmp_path / 'c.sqlite'}")
    workspace = Workspace(tmp_path)
    workspace.folder.mkdir(exist_ok=True)
    from datensorgfalt.services.scan.runner import scan

    scan(workspace, catalog, [root / "vertrieb" / "kundenliste.xlsx",
                              root / "personal" / "mitarbeiter.xlsx",
                              root / "anfragen", root / "produktion" / "sensoren",
                              root / "vertrieb" / "preisliste_2025.xlsx"])
    report = {d["title"]: d for d in scan_privacy(None, catalog).datasets}
    planted = load_planted(root)
    same = {"BIRTH_DATE": "DATE_OF_BIRTH", "RELIGION": "SPECIAL_CATEGORY",
            "HEALTH": "SPECIAL_CATEGORY"}
    for key, prefix in (("personal-data-customers", "kundenliste"),
                        ("personal-data-hr", "mitarbeiter")):
        found = next(d for t, d in report.items() if t.startswith(prefix))["columns"]
        for column, kinds in planted[key]["columns"].items():
            assert {same.get(k, k) for k in kinds} <= set(found[column]["kinds"]), column
    staff = next(d for t, d in report.items() if t.startswith("mitarbeiter"))
    assert set(staff["special_categories"]) == {"religion", "health"}
    mails = report["anfragen"]
    assert len(mails["documents"]) >= 0.9 * mails["documents_checked"]
    assert set(planted["personal-data-requests"]["kinds"]) <= set(mails["kinds"])
    with_iban = {Path(p).name for p, d in mails["documents"].items() if "IBAN" in d["kinds"]}
    assert with_iban == {Path(p).name for p in planted["personal-data-requests"]["files_with_iban"]}
    quiet = [d for t, d in report.items() if t.startswith(("presse", "preisliste"))]
    assert quiet and all(d["kinds"] == [] for d in quiet), [d["kinds"] for d in quiet]
    catalog.close()


def test_cli_text_hostile_input(cli, tmp_path: Path) -> None:
    (tmp_path / "leer.txt").write_bytes(b"")
    (tmp_path / "binaer.bin").write_bytes(bytes(range(256)) * 200)
    text = "Grüße von Jürgen Weiß, Tel. 0221 1234567"
    (tmp_path / "cp1252.txt").write_bytes(text.encode("cp1252"))
    assert cli("privacy", "text", "leer.txt", "--json", cwd=tmp_path).output == ""
    assert cli("privacy", "text", "-", "--json", cwd=tmp_path, input="").output == ""
    assert cli("privacy", "text", "binaer.bin", "--json", cwd=tmp_path).exit_code == 0
    lines = cli("privacy", "text", "cp1252.txt", "--json", cwd=tmp_path).output.splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["Jürgen Weiß", "0221 1234567"]
    english = cli("--lang", "en", "privacy", "text", "leer.txt", cwd=tmp_path)
    assert "No personal data" in english.output


def test_privacy_lists_many_datasets_and_documents_briefly(cli, tmp_path: Path) -> None:
    """Hundreds of letters must not fill the terminal: 20 datasets (and 20 documents of one
    folder of letters), then a count; --json lists them all."""
    root = tmp_path / "firma"
    letters, notes = root / "daten" / "anfragen", root / "daten" / "notizen"
    letters.mkdir(parents=True)
    notes.mkdir()
    for i in range(25):  # alike: one dataset with 25 documents
        (letters / f"anfrage_{i}.txt").write_text(
            f"Guten Tag,\nbitte rufen Sie mich an. Mein Name ist Max Mustermann, E-Mail "
            f"max{i}@beispiel.de, Telefon 0231 {4711 + i}.\n", encoding="utf-8")
    for i in range(24):  # each a dataset of its own
        (notes / f"notiz_{i}.txt").write_text(
            f"Guten Tag,\nbitte rufen Sie mich an. Mein Name ist Max Mustermann{i}, "
            f"E-Mail max{i}@beispiel.de\n", encoding="utf-8")
    assert cli("init", cwd=root).exit_code == 0
    assert cli("scan", "daten", cwd=root).exit_code == 0
    listed = json.loads(cli("privacy", "--json", cwd=root).output)
    personal = [d for d in listed["datasets"] if d["kinds"]]
    folder = max(personal, key=lambda d: len(d["documents"]))
    assert len(folder["documents"]) == 25 and len(personal) == 25  # all of them
    shown = cli("privacy", cwd=root).output
    assert sum("(ds-" in line for line in shown.splitlines()) == 20
    assert "… und 5 weitere Datensätze mit personenbezogenen Daten" in shown
    assert "… und 5 weitere Dokumente" in shown  # the folder has the most findings: shown
    assert "25 Datensätze geprüft, 25 mit personenbezogenen Daten" in shown
    assert "max3@beispiel.de" not in shown  # masked
