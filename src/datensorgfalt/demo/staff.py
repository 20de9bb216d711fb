"""The HR list of all 45 employees (full of personal data, some of it special categories)."""

from __future__ import annotations

import random
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from datensorgfalt.demo import personal
from datensorgfalt.demo.company import NRW_CITIES, Person, faker, person, phone
from datensorgfalt.demo.formats import xlsx_bytes
from datensorgfalt.demo.landscape import Landscape

HR_FILE = "personal/mitarbeiter.xlsx"
HR_HEADER = (
    "Personalnr", "Nachname", "Vorname", "Geburtsdatum", "Straße", "PLZ", "Ort", "Telefon",
    "Eintritt", "Abteilung", "Tätigkeit", "Wochenstunden", "Konfession", "Schwerbehinderung",
    "IBAN", "Steuer-ID", "SV-Nummer", "Bemerkung",
)
#: (department, job, head count) - 45 in total.
DEPARTMENTS = (
    ("Geschäftsführung", "Geschäftsführer/in", 2),
    ("Vertrieb", "Vertriebsinnendienst", 4),
    ("Verwaltung", "Kaufmännische/r Angestellte/r", 4),
    ("Konstruktion", "Konstrukteur/in", 3),
    ("Produktion", "Maschinen- und Anlagenführer/in", 16),
    ("Produktion", "Werkzeugmechaniker/in", 5),
    ("Produktion", "Schichtleiter/in", 3),
    ("Qualität", "Qualitätsprüfer/in", 3),
    ("Instandhaltung", "Industriemechaniker/in", 3),
    ("Lager und Versand", "Fachkraft Lagerlogistik", 2),
)
HOME_TOWNS = ("Iserlohn", "Hagen", "Menden", "Lüdenscheid", "Arnsberg", "Dortmund")
CONFESSIONS = ("rk", "ev", "--", "--", "rk", "ev", "ak")
SPECIAL_COLUMNS = {"Konfession": "religion", "Schwerbehinderung": "health",
                   "Bemerkung": "health (free text, some rows)"}
#: Free-text remarks; the first three reveal health data (Art. 9 DSGVO).
HEALTH_REMARKS = (
    "Bandscheibenvorfall 2024 – kein schweres Heben",
    "Wiedereingliederung nach Krankheit bis 31.03.2026",
    "Diabetes, Pausen nach Bedarf",
)
OTHER_REMARKS = ("Staplerschein vorhanden", "Ersthelfer", "Sicherheitsbeauftragter",
                 "Ausbilder nach AEVO")


def write_hr_list(land: Landscape) -> None:
    rng = land.rng("staff")
    fake = faker(land.seed, "staff")
    book = Workbook()
    sheet = book.active
    sheet.title = "Mitarbeiter"
    sheet.append(list(HR_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    number = 1001
    remarks = _remarks(rng)
    towns = {c[0]: c for c in NRW_CITIES if c[0] in HOME_TOWNS}
    for department, job, count in DEPARTMENTS:
        for _ in range(count):
            someone: Person = person(fake, rng)
            if number == 1001:
                someone = Person("Herr", "Thomas", "Müller")
            born = date(rng.randint(1962, 2005), rng.randint(1, 12), rng.randint(1, 28))
            town, low, high, _ = towns[rng.choice(HOME_TOWNS)]
            sheet.append([
                number, someone.last_name, someone.first_name, born,
                f"{fake.street_name()} {rng.randint(1, 120)}", f"{rng.randint(low, high):05d}",
                town, phone(rng, town, mobile=rng.random() < 0.6),
                date(max(born.year + 17, rng.randint(1995, 2025)), rng.randint(1, 12), 1),
                department, job, _hours(rng, department),
                rng.choice(CONFESSIONS), "ja" if rng.random() < 0.07 else "nein",
                personal.iban(rng), personal.steuer_id(rng),
                personal.sv_nummer(rng, born, someone.last_name, someone.female),
                remarks.get(number - 1000),
            ])
            for column in (4, 9):
                sheet.cell(sheet.max_row, column).number_format = "DD.MM.YYYY"
            number += 1
    land.write_bytes(HR_FILE, xlsx_bytes(book))
    health_rows = sorted(row for row, text in remarks.items() if text in HEALTH_REMARKS)
    land.plant("personal-data-hr", rows=health_rows, employees=number - 1001,
               special_categories=SPECIAL_COLUMNS)


def _hours(rng: random.Random, department: str) -> int:
    if department in ("Geschäftsführung", "Produktion"):
        return 40
    return rng.choice((40, 40, 40, 35, 30, 20))


def _remarks(rng: random.Random) -> dict[int, str]:
    """Data row -> remark; rows are chosen at random among the 45 employees."""
    texts = HEALTH_REMARKS + OTHER_REMARKS
    return dict(zip(rng.sample(range(1, 46), len(texts)), texts, strict=True))
