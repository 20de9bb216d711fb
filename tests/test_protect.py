"""Protected copies: original untouched, keyed pseudonyms, k reached, no identifier left."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import yaml
from sqlalchemy import select

from datensorgfalt.catalog.models import Link, Result
from datensorgfalt.services.privacy.protect.kanon import anonymise, risk
from datensorgfalt.services.privacy.protect.protected_copy import protect
from datensorgfalt.services.privacy.protect.secret import load_or_create_key
from datensorgfalt.services.privacy.protect.treatments import pseudonym
from datensorgfalt.workspace import Workspace, init_workspace
from tests.helpers.files import file_hashes
from tests.helpers.people import HEADER, PEOPLE, write_people
from tests.helpers.scan import run_scan

FIRST = ["Anna", "Jürgen", "Fatma", "Heinz", "Petra", "Klaus", "Sabine", "Ingrid"]
LAST = ["Schmidt", "Becker", "Yilmaz", "Müller", "Wagner", "Hoffmann", "Krüger", "Lehmann",
        "Schulze", "Kowalski", "Neumann", "Schwarz", "Zimmermann", "Braun", "Hartmann", "Lange",
        "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Köhler", "Herrmann", "Walter"]


def staff_rows(n: int = 300) -> list[tuple]:
    rng = random.Random(7)
    rows = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        rows.append((f"P{1000 + i}", first, last, f"{first.lower()}.{last.lower()}{i}@firma.de",
                     f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1950, 2000)}",
                     f"{rng.choice(['44', '45', '58', '59'])}{rng.randint(100, 999)}",
                     rng.choice(["Rücken", "Grippe", "keine", "Migräne"])))
    return rows


STAFF_HEADER = ["Personalnr", "Vorname", "Nachname", "E-Mail", "Geburtsdatum", "PLZ", "Diagnose"]


def test_protect_writes_new_dataset_and_never_touches_the_original(catalog, tmp_path) -> None:
    root = tmp_path / "share"
    write_people(root / "personal.csv", staff_rows(), STAFF_HEADER, encoding="utf-8")
    run_scan(catalog, tmp_path, root)
    before = file_hashes(root)
    original = (root / "personal.csv").read_bytes()
    workspace = Workspace(tmp_path)
    report = protect(workspace, catalog, "personal.csv", tmp_path / "sicher", k=5)
    assert (root / "personal.csv").read_bytes() == original and file_hashes(root) == before
    assert report.k["after"] >= 5 and report.k["before"] == 1
    assert report.k["information_loss"] > 0
    assert report.risk_before["unique_share"] > report.risk_after["unique_share"] == 0
    output = report.path.read_text("utf-8")
    for row in staff_rows():
        for value in (row[0], row[1], row[2], row[3], row[4]):  # id, names, e-mail, birth
            assert f";{value};" not in f";{output.replace(chr(10), ';')};", value
    with report.path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    qis = report.k["quasi_identifiers"]
    assert set(qis) == {"Geburtsdatum", "PLZ"}
    assert risk({q: [r[q] for r in rows] for q in qis}, qis)["k"] >= 5  # measured on the file
    assert report.l_diversity == {"Diagnose": report.l_diversity["Diagnose"]}
    copy = catalog.dataset(report.dataset_id)
    assert copy.row_count == len(rows) and copy.details["protected_from"] == report.original_id
    with catalog.session() as session:
        link = session.scalars(select(Link).where(Link.source_id == copy.id)).one()
        assert (link.kind, link.target_id) == ("derived_from", report.original_id)
        stored = session.scalars(select(Result).where(Result.kind == "protect")).one()
        assert stored.payload["k"]["after"] == report.k["after"]
        assert stored.payload["plan"]["columns"]["E-Mail"]["treatment"] == "pseudonym"
    assert yaml.safe_load(report.plan_path.read_text("utf-8"))["k"] == 5


def test_same_value_same_pseudonym_across_datasets_other_key_differs(catalog, tmp_path) -> None:
    root = tmp_path / "share"
    write_people(root / "kunden.csv")
    write_people(root / "kunden_2024.csv", [PEOPLE[1], PEOPLE[0]], HEADER)
    run_scan(catalog, tmp_path, root)
    workspace = Workspace(tmp_path)
    first = protect(workspace, catalog, "kunden.csv", tmp_path / "a", k=1)
    second = protect(workspace, catalog, "kunden_2024.csv", tmp_path / "b", k=1)

    def column(path: Path, name: str) -> list[str]:
        with path.open(encoding="utf-8") as handle:
            return [r[name] for r in csv.DictReader(handle, delimiter=";")]

    assert column(first.path, "IBAN")[:2] == list(reversed(column(second.path, "IBAN")))
    assert column(first.path, "Kundennr")[0] == column(second.path, "Kundennr")[1]
    key = load_or_create_key(workspace.path("secret.key"))
    other = load_or_create_key(tmp_path / "anderer.key")
    assert pseudonym("Anna Schmidt", key) == pseudonym("  anna  schmidt ", key)
    assert pseudonym("Anna Schmidt", key) != pseudonym("Anna Schmidt", other)
    assert pseudonym("DE89 3704 0044 0532 0130 00", key, "IBAN") == pseudonym(
        "DE89370400440532013000", key, "IBAN")


def test_plan_file_changes_treatments(catalog, tmp_path) -> None:
    root = tmp_path / "share"
    write_people(root / "kunden.csv")
    run_scan(catalog, tmp_path, root)
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump({"columns": {"Vorname": "keep", "E-Mail": {"treatment": "mask"},
                                                "Geburtsdatum": {"treatment": "generalise",
                                                                 "level": 2}},
                                    "quasi_identifiers": []}), "utf-8")
    report = protect(Workspace(tmp_path), catalog, "kunden.csv", tmp_path / "out", plan_file=plan)
    with report.path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert rows[0]["Vorname"] == "Anna" and rows[0]["E-Mail"] == "a***@***.de"
    assert rows[0]["Geburtsdatum"] == "1980" and "Straße" not in rows[0]


def test_greedy_generalisation_reaches_k() -> None:
    rng = random.Random(1)
    columns = {"PLZ": [f"{rng.randint(10000, 99999)}" for _ in range(500)],
               "Alter": [str(rng.randint(18, 80)) for _ in range(500)]}
    kinds = {"PLZ": "POSTAL_CODE", "Alter": "AGE"}
    for k in (2, 5, 10):
        result = anonymise(columns, ["PLZ", "Alter"], kinds, k)
        assert risk(result.columns, ["PLZ", "Alter"], result.rows)["k"] >= k
        assert result.suppressed <= 25


def test_cli_protect_json_and_plan(cli, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root)
    write_people(root / "daten" / "kunden.csv")
    cli("scan", "daten", "--json", cwd=root)
    result = cli("protect", "kunden.csv", "--out", "sicher", "--k", "2", "--json", cwd=root)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["k"]["target"] == 2 and Path(data["path"]).is_file()
    assert (root / ".datensorgfalt" / "secret.key").stat().st_mode & 0o077 == 0
    plan = cli("protect", "kunden.csv", "--write-plan", "plan.yaml", cwd=root)
    assert plan.exit_code == 0 and yaml.safe_load((root / "plan.yaml").read_text())["columns"]
    bad = root / "bad.yaml"
    bad.write_text("columns: {Vorname: verbrennen}", "utf-8")
    failed = cli("protect", "kunden.csv", "--out", "x", "--plan", "bad.yaml", cwd=root)
    assert failed.exit_code == 1 and "verbrennen" in failed.output


def test_free_text_column_gets_placeholders(catalog, tmp_path) -> None:
    root = tmp_path / "share"
    extra = ["", " Dringend!", " Es geht um die Lieferung vom Montag.", " Danke."]
    notes = [(f"T-{i}", f"Herr Jürgen Becker bittet um Rückruf unter 0221 123456{i % 10}."
              + extra[i % 4]) for i in range(12)]
    write_people(root / "notizen.csv", notes, ["Ticket", "Bemerkung"], encoding="utf-8")
    run_scan(catalog, tmp_path, root)
    report = protect(Workspace(tmp_path), catalog, "notizen.csv", tmp_path / "out")
    assert report.plan["columns"]["Bemerkung"]["treatment"] == "text"
    output = report.path.read_text("utf-8")
    assert "Becker" not in output and "0221" not in output
    assert "Herr [PERSON] bittet um Rückruf unter [PHONE]." in output
