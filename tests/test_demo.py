"""The demo company: deterministic, complete, and the planted problems really are in the files."""

from __future__ import annotations

import csv
import email
import json
import math
import re
import sqlite3
import zipfile
from collections import Counter, defaultdict
from datetime import date, datetime
from email import policy
from pathlib import Path

import holidays
import numpy as np
import openpyxl
import pytest
from PIL import Image, ImageFilter
from schwifty import IBAN
from stdnum.de import idnr

from datensorgfalt.demo import load_planted
from datensorgfalt.demo.personal import sv_nummer_is_valid
from tests.helpers.files import file_hashes

ERP = "vertrieb/erp_umsatz_2021-2025.csv"
LAYOUT = [
    ERP,
    "archiv/erp_umsatz_kopie.csv",
    "vertrieb/kundenliste.xlsx",
    "vertrieb/preisliste_2025.xlsx",
    "vertrieb/alt/preisliste_2023.xlsx",
    *[f"produktion/sensoren/presse_0{n}.csv" for n in range(1, 5)],
    "produktion/wartung/stoerungen.csv",
    "qualitaet/pruefprotokolle.csv",
    "anfragen/zuordnung.csv",
    "personal/mitarbeiter.xlsx",
    "datenbank/auftraege.sqlite",
    "archiv/leer.csv",
    "archiv/kaputt.xlsx",
    "GEPFLANZT.md",
    ".demo/planted.json",
]
IBAN_PATTERN = re.compile(r"\bDE\d{2}(?: ?\d{4}){4} ?\d{2}\b")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture(scope="module")
def root(demo_company: Path) -> Path:
    return demo_company


@pytest.fixture(scope="module")
def planted(root: Path) -> dict[str, dict]:
    return load_planted(root)


def files_on_disk(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def de_float(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def sheet_rows(path: Path, sheet: str | None = None) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list((book[sheet] if sheet else book.active).iter_rows(values_only=True))
    book.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- determinism and layout -------------------------------------------------------------


def test_every_file_of_the_layout_exists(root: Path) -> None:
    for rel in LAYOUT:
        assert (root / rel).is_file(), rel
    assert sum((root / f).stat().st_size for f in files_on_disk(root)) < 30 * 1024 * 1024


def test_file_times_are_fixed(root: Path, planted) -> None:
    def mtime(rel: str) -> datetime:
        return datetime.fromtimestamp((root / rel).stat().st_mtime).astimezone()

    assert mtime(ERP).date() == date(2026, 1, 5)
    assert mtime("vertrieb/alt/preisliste_2023.xlsx").date() == date(2024, 10, 15)
    assert mtime("produktion/sensoren/presse_01.csv").date() <= date(2026, 1, 1)
    assert planted["outdated-price-list"]["mtime"].startswith("2024-10-15")


def test_xlsx_zip_entries_carry_a_fixed_date(root: Path) -> None:
    with zipfile.ZipFile(root / "vertrieb/kundenliste.xlsx") as book:
        assert {info.date_time for info in book.infolist()} == {(2026, 1, 5, 8, 0, 0)}


# --- sales ------------------------------------------------------------------------------


def test_erp_export_is_german_cp1252_csv(root: Path) -> None:
    raw = (root / ERP).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    header = text.splitlines()[0]
    assert header == ("Belegnr;Belegdatum;Kundennr;Kunde;Artikelnr;Artikel;Menge;Einzelpreis;"
                      "Nettobetrag;Bruttobetrag")
    rows = read_csv(root / ERP, "cp1252")
    assert any("ü" in r["Kunde"] for r in rows) and any("ä" in r["Artikel"] for r in rows)
    assert all(re.fullmatch(r"\d\d\.\d\d\.20\d\d", r["Belegdatum"]) for r in rows)
    assert all(re.fullmatch(r"\d+,\d\d", r["Einzelpreis"]) for r in rows)
    assert any("." in r["Nettobetrag"] for r in rows)  # thousands separator
    for r in rows[:500]:
        net = de_float(r["Nettobetrag"])
        assert net == pytest.approx(int(r["Menge"]) * de_float(r["Einzelpreis"]), abs=0.01)
        assert de_float(r["Bruttobetrag"]) == pytest.approx(net * 1.19, abs=0.01)


def test_sales_history_suits_a_forecast(root: Path) -> None:
    rows = read_csv(root / ERP, "cp1252")
    days = [datetime.strptime(r["Belegdatum"], "%d.%m.%Y").date() for r in rows]
    # five years, as exported: 1 Jan 2021 is a holiday, Saturday 2 Jan may pass without an
    # order, Monday 4 Jan is the first full working day; 31 Dec is closed, 30 Dec 2025 a Tuesday
    assert date(2021, 1, 2) <= min(days) <= date(2021, 1, 4) and max(days) == date(2025, 12, 30)
    closed = holidays.country_holidays("DE", subdiv="NW", years=range(2021, 2026))
    assert not [d for d in days if d.weekday() == 6 or d in closed]
    per_day = Counter(days)
    working = [d for d in per_day if d.weekday() < 5]
    assert 20 <= len(rows) / len(working) <= 40
    net_by_year = defaultdict(float)
    for r, d in zip(rows, days, strict=True):
        net_by_year[d.year] += de_float(r["Nettobetrag"])
    assert net_by_year[2021] < net_by_year[2022] < net_by_year[2023] < net_by_year[2024] \
        < net_by_year[2025]

    def mean_lines(select) -> float:
        chosen = [n for d, n in per_day.items() if select(d)]
        return sum(chosen) / len(chosen)

    assert mean_lines(lambda d: d.weekday() == 0) > 1.2 * mean_lines(lambda d: d.weekday() == 4)
    assert mean_lines(lambda d: d.month == 10) > 1.3 * mean_lines(lambda d: d.month == 8)


def test_copy_in_archive_is_identical(root: Path) -> None:
    assert (root / "archiv/erp_umsatz_kopie.csv").read_bytes() == (root / ERP).read_bytes()


def test_order_database_matches_export(root: Path) -> None:
    rows = read_csv(root / ERP, "cp1252")
    with sqlite3.connect(root / "datenbank/auftraege.sqlite") as db:
        lines = db.execute("SELECT count(*), round(sum(nettobetrag), 2) FROM auftragspositionen")
        count, total = lines.fetchone()
        orders = db.execute("SELECT count(*) FROM auftraege").fetchone()[0]
        customers = db.execute("SELECT count(*) FROM kunden").fetchone()[0]
    assert count == len(rows)
    assert total == pytest.approx(sum(de_float(r["Nettobetrag"]) for r in rows), abs=0.5)
    assert orders == len({r["Belegnr"] for r in rows})
    assert customers == len(sheet_rows(root / "vertrieb/kundenliste.xlsx"))


# --- planted problems -------------------------------------------------------------------


def test_same_customer_twice_with_different_spelling(root: Path, planted) -> None:
    rows = sheet_rows(root / "vertrieb/kundenliste.xlsx")
    entry = planted["duplicate-customer"]
    first, second = (rows[i - 1] for i in entry["rows"])
    assert {first["Firma"], second["Firma"]} == {"Schmidt Metallbau GmbH",
                                                "Schmitt Metallbau GmbH"}
    assert first["Kundennr"] != second["Kundennr"]
    for column in ("Straße", "PLZ", "Ort"):
        assert first[column] == second[column]
    sold_to = {r["Kunde"] for r in read_csv(root / ERP, "cp1252")}
    assert {"Schmidt Metallbau GmbH", "Schmitt Metallbau GmbH"} <= sold_to


def test_one_article_number_for_two_articles(root: Path, planted) -> None:
    book = openpyxl.load_workbook(root / "vertrieb/preisliste_2025.xlsx")
    names = set()
    for sheet, row in planted["article-number-clash"]["price_list_excel_rows"].items():
        assert book[sheet].cell(row, 1).value == "BT-1040"
        names.add(book[sheet].cell(row, 2).value)
    assert len(names) == 2
    rows = read_csv(root / ERP, "cp1252")
    assert {r["Artikel"] for r in rows if r["Artikelnr"] == "BT-1040"} == names
    for row in planted["article-number-clash"]["erp_rows"]:
        assert rows[row - 1]["Artikel"] == "Lochblech 40 x 40 mm"


def test_price_list_has_a_title_block_and_several_sheets(root: Path, planted) -> None:
    book = openpyxl.load_workbook(root / "vertrieb/preisliste_2025.xlsx")
    assert book.sheetnames == ["Biegeteile", "Stanzteile", "Tiefziehteile", "Baugruppen"]
    sheet = book["Biegeteile"]
    header_row = planted["title-block"]["header_excel_row"]
    assert header_row > 2 and "Preisliste" in sheet["A1"].value
    assert sheet.cell(header_row, 1).value == "Artikelnr"
    assert book["Stanzteile"]["A1"].value == "Artikelnr"


def test_typos_among_many_correct_values(root: Path, planted) -> None:
    customers = sheet_rows(root / "vertrieb/kundenliste.xlsx")
    cities = Counter(r["Ort"] for r in customers)
    assert cities["Dortmnud"] == 1 and cities["Dortmund"] >= 8
    assert customers[planted["typos-customer-city"]["rows"][0] - 1]["Ort"] == "Dortmnud"
    checks = read_csv(root / "qualitaet/pruefprotokolle.csv", "utf-8-sig")
    machines = Counter(r["Maschine"] for r in checks)
    assert machines["Prese 3"] == 1 and machines["Presse 3"] > 100
    erp = read_csv(root / ERP, "cp1252")
    for typo in planted["typos-erp"]["typos"]:
        assert erp[typo["row"] - 1][typo["column"]] == typo["value"] != typo["correct"]
        assert sum(r[typo["column"]] == typo["value"] for r in erp) == 1
        assert sum(r[typo["column"]] == typo["correct"] for r in erp) > 20


def test_sensor_gap_of_several_weeks(root: Path, planted) -> None:
    stamps = [datetime.fromisoformat(r["Zeitstempel"])
              for r in read_csv(root / "produktion/sensoren/presse_02.csv")]
    steps = [(b - a).total_seconds() / 3600 for a, b in zip(stamps, stamps[1:], strict=False)]
    assert Counter(steps).most_common(1)[0][0] == 1
    big = [i for i, step in enumerate(steps) if step > 1]
    assert len(big) == 1 and steps[big[0]] >= 3 * 7 * 24
    assert planted["sensor-gap"]["rows"] == [big[0] + 1, big[0] + 2]
    others = read_csv(root / "produktion/sensoren/presse_01.csv")
    assert len(others) == 365 * 24


def test_unit_change_celsius_to_kelvin(root: Path, planted) -> None:
    rows = read_csv(root / "produktion/sensoren/presse_03.csv")
    first = planted["unit-change"]["first_row"]
    before = [de_float(r["Temperatur_C"]) for r in rows[: first - 1]]
    after = [de_float(r["Temperatur_C"]) for r in rows[first - 1:]]
    assert max(before) < 80 and min(after) > 250
    assert rows[first - 1]["Zeitstempel"].startswith("2025-09-01")


def test_failures_are_preceded_by_rising_vibration(root: Path, planted) -> None:
    failures = planted["failures-with-precursor"]["failures"]
    log = read_csv(root / "produktion/wartung/stoerungen.csv")
    assert len(failures) >= 3
    for failure in failures:
        at = datetime.fromisoformat(failure["failure_at"])
        assert log[failure["failure_log_row"] - 1]["Beginn"] == f"{at:%d.%m.%Y %H:%M}"
        lead = failure["vibration_rises_hours_before"]
        running = [
            (datetime.fromisoformat(r["Zeitstempel"]), de_float(r["Vibration_mm_s"]))
            for r in read_csv(root / failure["sensor_file"])
            if de_float(r["Strom_A"]) > 10
        ]
        last_day = [v for t, v in running if 0 < (at - t).total_seconds() / 3600 <= 24]
        week_before = [v for t, v in running
                       if lead < (at - t).total_seconds() / 3600 <= lead + 7 * 24]
        assert np.mean(last_day) > np.mean(week_before) + 1.0, failure


def test_inspection_dates_in_two_formats_and_placeholders(root: Path, planted) -> None:
    rows = read_csv(root / "qualitaet/pruefprotokolle.csv", "utf-8-sig")
    iso = set(planted["mixed-date-formats"]["rows"])
    by_value = planted["placeholders"]["rows_by_value"]
    for number, row in enumerate(rows, start=1):
        if number in by_value["0000-00-00"]:
            assert row["Prüfdatum"] == "0000-00-00"
        elif number in iso:
            assert re.fullmatch(r"2025-\d\d-\d\d", row["Prüfdatum"])
        else:
            assert re.fullmatch(r"\d\d\.\d\d\.2025", row["Prüfdatum"])
    assert len(iso) > 100
    for value in ("n/a", "-"):
        assert [i for i, r in enumerate(rows, 1) if r["Istwert_mm"] == value] == by_value[value]


# --- personal data ----------------------------------------------------------------------


def test_personal_data_in_customer_list_and_hr_list(root: Path, planted) -> None:
    customers = sheet_rows(root / "vertrieb/kundenliste.xlsx")
    ibans = [r["IBAN"] for r in customers if r["IBAN"]]
    assert len(ibans) > 40 and all(IBAN(i).country_code == "DE" for i in ibans)  # raises if bad
    assert all(EMAIL_PATTERN.fullmatch(r["E-Mail"]) for r in customers if r["E-Mail"])
    staff = sheet_rows(root / "personal/mitarbeiter.xlsx")
    assert len(staff) == 45
    for person in staff:
        IBAN(person["IBAN"])
        assert idnr.is_valid(person["Steuer-ID"]), person["Steuer-ID"]
        assert sv_nummer_is_valid(person["SV-Nummer"]), person["SV-Nummer"]
        assert isinstance(person["Geburtsdatum"], datetime)
    assert {"rk", "ev"} <= {p["Konfession"] for p in staff}
    for row in planted["personal-data-hr"]["rows"]:
        assert re.search(r"Krankheit|Bandscheibe|Diabetes", staff[row - 1]["Bemerkung"])


def test_some_customer_cells_are_blank(root: Path, planted) -> None:
    customers = sheet_rows(root / "vertrieb/kundenliste.xlsx")
    for column, rows in planted["missing-values-customers"]["rows_by_column"].items():
        assert [i for i, r in enumerate(customers, 1) if r[column] is None] == rows


def test_workbooks_open_with_calamine_except_the_broken_one(root: Path) -> None:
    from python_calamine import CalamineWorkbook

    for path in sorted(root.rglob("*.xlsx")):
        if path.name == "kaputt.xlsx":
            with pytest.raises(Exception, match="(?i)zip"):
                CalamineWorkbook.from_path(str(path))
            continue
        book = CalamineWorkbook.from_path(str(path))
        assert all(len(book.get_sheet_by_name(name).to_python()) > 5 for name in book.sheet_names)


def test_requests_are_real_emails_with_personal_data_and_labels(root: Path, planted) -> None:
    labels = read_csv(root / "anfragen/zuordnung.csv")
    assert len(labels) >= 150 and 4 <= len({r["Schlüssel"] for r in labels}) <= 6
    kinds = Counter(Path(r["Datei"]).suffix for r in labels)
    assert kinds[".eml"] > 50 and kinds[".txt"] > 30
    ibans = 0
    for row in labels:
        path = root / "anfragen" / row["Datei"]
        if path.suffix == ".eml":
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            assert message["From"].addresses[0].addr_spec
            assert message["Date"].datetime.year in (2024, 2025)
            text = message.get_content()
        else:
            text = path.read_text("utf-8")
        assert EMAIL_PATTERN.search(text) and re.search(r"\d{5} \w", text)
        for found in IBAN_PATTERN.findall(text):
            IBAN(found)
            ibans += 1
    assert ibans == len(planted["personal-data-requests"]["files_with_iban"]) > 5


def test_request_wording_predicts_the_key(root: Path) -> None:
    """A tiny naive Bayes on words must beat always guessing the most common key."""
    labels = read_csv(root / "anfragen/zuordnung.csv")
    texts = []
    for row in labels:
        path = root / "anfragen" / row["Datei"]
        if path.suffix == ".eml":
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            text = f"{message['Subject']} {message.get_content()}"
        else:
            text = path.read_text("utf-8")
        texts.append((re.findall(r"[a-zäöüß]{4,}", text.lower()), row["Schlüssel"]))
    train, test = texts[::2], texts[1::2]
    counts: dict[str, Counter] = defaultdict(Counter)
    for words, key in train:
        counts[key].update(words)
    vocabulary = {w for c in counts.values() for w in c}

    def predict(words: list[str]) -> str:
        def score(key: str) -> float:
            total = sum(counts[key].values()) + len(vocabulary)
            return sum(math.log((counts[key][w] + 1) / total) for w in words if w in vocabulary)

        return max(counts, key=score)

    accuracy = sum(predict(words) == key for words, key in test) / len(test)
    majority = Counter(key for _, key in test).most_common(1)[0][1] / len(test)
    assert accuracy > majority + 0.25


def test_no_personal_data_in_sensor_logs(root: Path) -> None:
    customers = sheet_rows(root / "vertrieb/kundenliste.xlsx")
    surnames = {str(r["Ansprechpartner"]).split()[-1] for r in customers}
    for n in range(1, 5):
        text = (root / f"produktion/sensoren/presse_0{n}.csv").read_text("utf-8")
        assert not EMAIL_PATTERN.search(text) and not IBAN_PATTERN.search(text)
        assert not any(name in text for name in surnames)
        lines = text.splitlines()
        assert lines[0] == "Zeitstempel;Vibration_mm_s;Temperatur_C;Strom_A"
        number = r"-?\d+,\d\d"
        pattern = re.compile(rf"2025-\d\d-\d\d \d\d:00:00;{number};{number};{number}")
        assert all(pattern.fullmatch(line) for line in lines[1:])


# --- images and mess --------------------------------------------------------------------


def _local_contrast(path: Path) -> float:
    image = Image.open(path)
    sharp = np.asarray(image, dtype=float)
    blurred = np.asarray(image.filter(ImageFilter.GaussianBlur(6)), dtype=float)
    return float(np.abs(sharp - blurred)[6:-6, 6:-6].max())


def test_images_open_and_defects_are_visible_but_too_few(root: Path, planted) -> None:
    folder = root / "bilder/pruefung"
    ok, defect = sorted((folder / "ok").glob("*.png")), sorted((folder / "defekt").glob("*.png"))
    assert len(ok) == 240 and len(defect) == 12 < planted["few-defect-images"]["needed_per_label"]
    for path in ok + defect:
        with Image.open(path) as image:
            assert image.size == (64, 64)
    assert min(map(_local_contrast, defect)) > max(map(_local_contrast, ok))


def test_the_mess(root: Path) -> None:
    assert (root / "archiv/leer.csv").stat().st_size == 0
    broken = root / "archiv/kaputt.xlsx"
    assert broken.read_bytes()[:2] == b"PK"
    with pytest.raises(zipfile.BadZipFile):
        openpyxl.load_workbook(broken)
    old = sheet_rows(root / "vertrieb/alt/preisliste_2023.xlsx", "Biegeteile")
    new = openpyxl.load_workbook(root / "vertrieb/preisliste_2025.xlsx")["Biegeteile"]
    assert old[0]["Preis (EUR)"] < new.cell(6, 5).value


# --- planted list and CLI ---------------------------------------------------------------


def test_planted_list_is_complete_and_points_at_real_files(root: Path, planted) -> None:
    for entry in planted.values():
        assert entry["what"] and entry["found_by"]
        for rel in entry["files"]:
            assert (root / rel).exists(), (entry["id"], rel)
    markdown = (root / "GEPFLANZT.md").read_text("utf-8")
    assert all(f"## {key}" in markdown for key in planted)


def test_cli_json_gives_the_manifest_and_the_same_bytes(root: Path, cli, tmp_path: Path) -> None:
    """Determinism through the real command: same seed, byte-identical files (xlsx too)."""
    result = cli("demo", str(tmp_path / "firma"), "--json")
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.output)
    assert manifest["company"]["name"] == "Müller Umformtechnik GmbH"
    assert manifest["files"] == files_on_disk(root)
    assert manifest["planted"] == list(load_planted(root).values())
    assert file_hashes(tmp_path / "firma") == file_hashes(root)


def test_cli_prints_where_things_are_and_other_seed_differs(root: Path, cli, tmp_path) -> None:
    target = tmp_path / "andere"
    result = cli("demo", str(target), "--seed", "7")
    assert result.exit_code == 0, result.output
    flat = result.output.replace("\n", "")
    assert str(target.resolve()) in flat and "GEPFLANZT.md" in flat
    assert ".partner/LIESMICH.txt" in flat  # the customers' machine data for learning together
    assert (target / ERP).read_bytes() != (root / ERP).read_bytes()
    assert (target / ".demo/planted.json").is_file()
    (target / "notizen.txt").write_text("meins")
    cli("demo", str(target))  # back to seed 42 in the same folder: no leftovers of seed 7
    assert file_hashes(target) == {**file_hashes(root), "notizen.txt": file_hashes(target)[
        "notizen.txt"]}


def test_cli_demo_refuses_a_file_as_target(cli, tmp_path: Path) -> None:
    target = tmp_path / "datei"
    target.write_text("x")
    result = cli("demo", str(target))
    assert result.exit_code == 1
    assert "Fehler" in result.output and "Beispieldaten" in result.output
