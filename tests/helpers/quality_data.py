"""A customer table (number, name, postal code, city, net, gross, date) for the quality tests."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

CITIES = {"44135": "Dortmund", "45127": "Essen", "40210": "Düsseldorf", "50667": "Köln",
          "48143": "Münster", "33602": "Bielefeld"}


def customers(n: int = 300, seed: int = 1) -> list[list]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        plz = rng.choice(list(CITIES))
        net = round(rng.uniform(10, 1000), 2)
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(360))
        rows.append([f"K{i:05d}", f"Firma {i} GmbH", plz, CITIES[plz],
                     f"{net:.2f}".replace(".", ","), f"{net * 1.19:.2f}".replace(".", ","),
                     day.strftime("%d.%m.%Y")])
    return rows


HEADER = ["Kundennr", "Name", "PLZ", "Ort", "Netto", "Brutto", "Datum"]


def write_customers(path: Path, rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
