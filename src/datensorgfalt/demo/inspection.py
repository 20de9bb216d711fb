"""Quality-inspection records of 2025: two date formats, placeholders and a typo."""

from __future__ import annotations

import random
from datetime import date, timedelta

from datensorgfalt.demo.company import Article
from datensorgfalt.demo.formats import csv_bytes, de_number
from datensorgfalt.demo.landscape import Landscape

INSPECTION_FILE = "qualitaet/pruefprotokolle.csv"
INSPECTION_HEADER = (
    "Prüfnr", "Prüfdatum", "Artikelnr", "Maschine", "Merkmal", "Sollwert_mm", "Istwert_mm",
    "Toleranz_mm", "Ergebnis", "Prüfer",
)
FEATURES = (("Länge", 120.0, 0.2), ("Breite", 40.0, 0.15), ("Bohrung Ø", 8.5, 0.05),
            ("Biegewinkel", 90.0, 0.5), ("Blechdicke", 1.5, 0.05))
INSPECTORS = ("KH", "SB", "MW", "TL")  # initials only
TABLET_FROM = date(2025, 7, 1)  # from here on the new tablet app writes yyyy-mm-dd
PLACEHOLDERS = {"Istwert_mm": ("n/a", "-"), "Prüfdatum": ("0000-00-00",)}
PLACEHOLDER_COUNTS = {"n/a": 9, "-": 7, "0000-00-00": 5}
TYPO = ("Presse 3", "Prese 3")


def write_inspections(land: Landscape, articles: list[Article]) -> None:
    rng = land.rng("inspection")
    rows: list[list[str]] = []
    iso_rows: list[int] = []
    day = date(2025, 1, 2)
    while day <= date(2025, 12, 19):
        if day.weekday() < 5:
            for _ in range(rng.randint(3, 8)):
                tablet = day >= TABLET_FROM and rng.random() < 0.45
                rows.append(_row(rng, len(rows) + 1, day, articles, tablet))
                if tablet:
                    iso_rows.append(len(rows))
        day += timedelta(days=1)
    placeholder_rows = _plant_placeholders(rng, rows)
    typo_row = _plant_typo(rng, rows)
    land.write_bytes(INSPECTION_FILE, csv_bytes(INSPECTION_HEADER, rows, encoding="utf-8-sig"))
    iso_rows = [r for r in iso_rows if r not in placeholder_rows["0000-00-00"]]
    land.plant("mixed-date-formats", rows=iso_rows, formats=["%d.%m.%Y", "%Y-%m-%d"],
               iso_from=TABLET_FROM.isoformat(), total_rows=len(rows))
    land.plant("placeholders", rows_by_value=placeholder_rows,
               rows=sorted(r for rs in placeholder_rows.values() for r in rs))
    land.plant("typos-inspection", rows=[typo_row], value=TYPO[1], correct=TYPO[0],
               correct_count=sum(r[3] == TYPO[0] for r in rows))


def _row(
    rng: random.Random, number: int, day: date, articles: list[Article], tablet: bool,
) -> list[str]:
    feature, nominal, tolerance = rng.choice(FEATURES)
    deviation = rng.gauss(0, tolerance * 0.45)
    actual = nominal + deviation
    result = "i.O." if abs(deviation) <= tolerance else "n.i.O."
    return [
        f"P25-{number:05d}",
        f"{day:%Y-%m-%d}" if tablet else f"{day:%d.%m.%Y}",
        rng.choice(articles).number,
        f"Presse {rng.randint(1, 4)}",
        feature,
        de_number(nominal),
        de_number(actual, 3),
        de_number(tolerance),
        result,
        rng.choice(INSPECTORS),
    ]


def _plant_placeholders(rng: random.Random, rows: list[list[str]]) -> dict[str, list[int]]:
    taken: set[int] = set()
    found: dict[str, list[int]] = {}
    for column, values in PLACEHOLDERS.items():
        index = INSPECTION_HEADER.index(column)
        for value in values:
            chosen = rng.sample([i for i in range(len(rows)) if i not in taken],
                                PLACEHOLDER_COUNTS[value])
            for i in chosen:
                rows[i][index] = value
                if column == "Istwert_mm":
                    rows[i][8] = ""
            taken.update(chosen)
            found[value] = sorted(i + 1 for i in chosen)
    return found


def _plant_typo(rng: random.Random, rows: list[list[str]]) -> int:
    candidates = [i for i, r in enumerate(rows) if r[3] == TYPO[0]]
    chosen = rng.choice(candidates)
    rows[chosen][3] = TYPO[1]
    return chosen + 1
