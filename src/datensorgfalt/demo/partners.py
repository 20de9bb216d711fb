"""Machine data of three customers, for learning together without sharing the rows.

Müller's tool shop makes the cutting punches and dies (Schneidstempel, Schneidplatten) that
three customers run in their own presses. Like the grinding-bead maker in the practice study
(seed 004: wear predicted from the customers' machine data through data spaces), Müller wants
to predict how fast these inserts wear, so that it can propose change intervals and the right
tool steel. Each customer logs, per insert, the operating hours, the press load, the sheet
material, the temperature at the tool and the wear measured at the change.

The wear follows one physical relationship everywhere (more hours, more load, harder sheet,
warmer tool: more wear), with a shift per customer (lubrication, press condition) and noise.
The customers differ in size (120, 400 and 1500 inserts) and in what they punch, so the small
one alone has too few rows, some materials hardly at all; together they have enough.

The files lie in ``.partner/`` beside Müller's data, not in it: they stand for the customers'
own machines. A hidden folder, so that Müller's scan does not take them as its own data (which
is the point of learning together: the rows never reach Müller).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from datensorgfalt.demo.formats import csv_bytes, de_number
from datensorgfalt.demo.landscape import Landscape

PARTNER_DIR = ".partner"
MACHINE_FILE = "maschinendaten.csv"
README = f"{PARTNER_DIR}/LIESMICH.txt"
HEADER = ("betriebsstunden", "last_prozent", "werkstoff", "blechdicke_mm", "temperatur",
          "verschleiss")
TARGET = "verschleiss"
#: wear in µm after 1000 operating hours at 60 % load and 40 °C, per sheet material
WEAR_RATE = {"DC01": 14.0, "DC04": 12.0, "S235JR": 18.0, "S355MC": 26.0, "1.4301": 38.0,
             "AlMg3": 9.0}
NOISE = 0.08  # spread of the wear measured at the change (log scale)
#: above this the insert is reground: "Verschleiß hoch"
HIGH_WEAR = 80.0


@dataclass(frozen=True)
class Partner:
    """One customer with its own presses and its own way of exporting data."""

    key: str
    name: str
    company: str
    rows: int
    factor: float  # how fast inserts wear there compared with the others
    materials: dict[str, float]  # what it punches (shares)
    hours: tuple[int, int]  # operating hours of an insert until it is changed
    load: tuple[float, float]  # mean and spread of the press load in % of nominal force
    temperature: float  # mean temperature at the tool in °C
    decimal_comma: bool  # German Excel export (";" and ",") or a controller export (",", ".")
    missing: float  # share of cells left empty in load, temperature and material

    @property
    def file(self) -> str:
        return f"{PARTNER_DIR}/{self.key}/{MACHINE_FILE}"


PARTNERS = (
    Partner("kunde_a", "Kunde A", "Höffner Gerätebau KG", 120, 1.05,
            {"1.4301": 0.4, "DC01": 0.3, "DC04": 0.15, "S235JR": 0.1, "AlMg3": 0.05},
            (80, 2200), (60.0, 13.0), 40.0, True, 0.05),
    Partner("kunde_b", "Kunde B", "Brüggemann Fördertechnik GmbH", 400, 1.0,
            {"S235JR": 0.4, "S355MC": 0.3, "DC01": 0.2, "1.4301": 0.1}, (100, 2500),
            (63.0, 14.0), 42.0, True, 0.03),
    Partner("kunde_c", "Kunde C", "Rüther Landtechnik GmbH", 1500, 0.95,
            {"S355MC": 0.3, "S235JR": 0.25, "DC01": 0.15, "1.4301": 0.15, "AlMg3": 0.1,
             "DC04": 0.05}, (50, 2600), (66.0, 14.0), 45.0, False, 0.02),
)


#: sheet thicknesses in mm the presses punch
THICKNESS = (0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 3.0)
#: sheets that stick to the punch when warm (adhesive wear): temperature counts more
STICKY = {"1.4301", "AlMg3"}
#: above this press load (% of nominal force) the edge chips and wear rises steeply
KNEE = 80.0


def wear(material: str, hours: float, load: float, thickness: float, temperature: float,
         factor: float) -> float:
    """Expected wear in µm: sub-linear in hours, stronger than linear in load and steep above
    the knee, thicker sheet = more, warmer = more (much more for sheets that stick)."""
    heat = 0.035 if material in STICKY else 0.01
    overload = 1 + 0.04 * max(0.0, load - KNEE)
    return (factor * WEAR_RATE[material] * (hours / 1000) ** 0.8 * (load / 60) ** 1.5
            * overload * (thickness / 1.5) ** 0.7 * math.exp(heat * (temperature - 40)))


def write_partners(land: Landscape) -> None:
    for partner in PARTNERS:
        rows = _rows(land.np_rng(f"partner-{partner.key}"), partner)
        land.write_bytes(partner.file, _csv(partner, rows))
    land.write_bytes(README, _readme().encode("utf-8"))


def _rows(rng: np.random.Generator, partner: Partner) -> list[list[object]]:
    materials = list(partner.materials)
    shares = np.array(list(partner.materials.values()))
    rows = []
    for _ in range(partner.rows):
        material = materials[rng.choice(len(materials), p=shares / shares.sum())]
        hours = float(rng.integers(partner.hours[0], partner.hours[1] + 1))
        load = float(np.clip(rng.normal(*partner.load), 25, 98))
        thickness = float(rng.choice(THICKNESS))
        temperature = float(np.clip(rng.normal(partner.temperature, 6), 15, 85))
        value = wear(material, hours, load, thickness, temperature, partner.factor)
        value = max(0.5, value * rng.lognormal(0, NOISE) + rng.normal(0, 1.0))
        row: list[object] = [int(hours), round(load, 1), material, thickness,
                             round(temperature, 1), round(value, 1)]
        for column in (1, 2, 4):  # a sensor or a person left a gap now and then
            if rng.random() < partner.missing:
                row[column] = None
        rows.append(row)
    return rows


def _csv(partner: Partner, rows: list[list[object]]) -> bytes:
    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return de_number(value, 1) if partner.decimal_comma else f"{value:.1f}"
        return str(value)

    text = [[cell(v) for v in row] for row in rows]
    if partner.decimal_comma:
        return csv_bytes(HEADER, text)
    lines = [",".join(HEADER)] + [",".join(row) for row in text]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _readme() -> str:
    lines = [
        "Maschinendaten dreier Kunden der Müller Umformtechnik GmbH",
        "",
        "Müllers Werkzeugbau liefert Schneidstempel und Schneidplatten. Die Kunden setzen sie",
        "in ihren eigenen Pressen ein. Wie schnell ein Einsatz verschleißt, hängt von den",
        "Betriebsstunden, der Last der Presse, dem Blech, seiner Dicke und der Temperatur ab.",
        "",
        "Jeder Ordner steht für den Rechner eines Kunden. In Wirklichkeit liegen diese Daten",
        "nicht bei Müller. Darum sind sie hier in einem versteckten Ordner: Müllers eigener",
        "Scan nimmt sie nicht in den Katalog auf.",
        "",
        "Gemeinsam lernen, ohne die Zeilen zu teilen:",
        "  datensorgfalt federated run --party \"Kunde A=.partner/kunde_a/maschinendaten.csv\" \\",
        "    --party \"Kunde B=.partner/kunde_b/maschinendaten.csv\" \\",
        "    --party \"Kunde C=.partner/kunde_c/maschinendaten.csv\" --target verschleiss",
        "",
        "Spalten: betriebsstunden (Stunden bis zum Wechsel), last_prozent (Presskraft in % der",
        "Nennkraft), werkstoff (Blech), blechdicke_mm, temperatur (°C am Werkzeug) und",
        "verschleiss (Abnutzung der Schneidkante in µm; ab "
        f"{HIGH_WEAR:.0f} µm gilt er als hoch, der Einsatz wird",
        "nachgeschliffen).",
        "",
    ]
    for partner in PARTNERS:
        style = "Semikolon und Dezimalkomma" if partner.decimal_comma else "Komma und Punkt"
        lines.append(f"{partner.name}: {partner.company}, {partner.rows} Einsätze, "
                     f"{partner.file} ({style})")
    return "\n".join(lines) + "\n"
