"""Hourly sensor logs of four presses for 2025, and the maintenance log of their failures."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import holidays

from datensorgfalt.demo.formats import csv_bytes, de_number
from datensorgfalt.demo.landscape import Landscape

SENSOR_DIR = "produktion/sensoren"
FAILURE_FILE = "produktion/wartung/stoerungen.csv"
SENSOR_HEADER = ("Zeitstempel", "Vibration_mm_s", "Temperatur_C", "Strom_A")
FAILURE_HEADER = (
    "Nr", "Maschine", "Beginn", "Ende", "Stillstand_h", "Art", "Ursache", "Maßnahme",
)
START = datetime(2025, 1, 1)
HOURS = 365 * 24
SENSOR_MTIME = datetime(2025, 12, 31, 23, 59, tzinfo=UTC)
GAP = (datetime(2025, 6, 2), datetime(2025, 6, 30))  # presse_02 logger was broken
UNIT_CHANGE = datetime(2025, 9, 1)  # presse_03 firmware update: Kelvin from here on
PLANNED_SERVICE = (date(2025, 2, 15), date(2025, 7, 26), date(2025, 12, 13))


@dataclass(frozen=True)
class Press:
    number: int
    vibration: float  # mm/s when new
    current: float  # A when running
    wear: float  # mm/s more per 1000 operating hours

    @property
    def file(self) -> str:
        return f"{SENSOR_DIR}/presse_{self.number:02d}.csv"

    @property
    def label(self) -> str:
        return f"Presse {self.number}"


@dataclass(frozen=True)
class Failure:
    press: int
    start: datetime
    lead_hours: int  # vibration rises this many hours before the failure
    downtime_hours: int
    kind: str
    cause: str
    action: str


PRESSES = (
    Press(1, 2.1, 41.0, 0.9),
    Press(2, 2.4, 44.0, 1.1),
    Press(3, 1.9, 36.0, 0.7),
    Press(4, 2.8, 29.0, 1.2),
)
BREAKDOWNS = (
    Failure(1, datetime(2025, 3, 18, 10), 96, 30, "Ausfall", "Lagerschaden Hauptantrieb",
            "Lager getauscht, Welle geprüft"),
    Failure(3, datetime(2025, 5, 13, 11), 60, 16, "Ausfall", "Schwungradlager defekt",
            "Lager und Dichtungen erneuert"),
    Failure(2, datetime(2025, 8, 21, 9), 120, 44, "Ausfall", "Pleuellager ausgeschlagen",
            "Pleuellager ersetzt, Stößel neu eingestellt"),
    Failure(1, datetime(2025, 10, 7, 14), 72, 20, "Ausfall", "Kupplungsbremse verschlissen",
            "Bremsbeläge und Kupplungslamellen getauscht"),
    Failure(4, datetime(2025, 11, 25, 8), 84, 26, "Ausfall", "Lagerschaden Exzenterwelle",
            "Exzenterwelle ausgebaut, Lager getauscht"),
)
SMALL_STOPS = (
    ("Materialstau im Zuführgerät", "Band gerichtet, Zuführung neu eingestellt"),
    ("Blechdoppelkontrolle hat ausgelöst", "Doppelblech entfernt"),
    ("Werkzeugbruch Stempel", "Stempel ersetzt"),
    ("Schmierung Störmeldung", "Schmierstoff nachgefüllt"),
    ("Lichtvorhang defekt", "Lichtvorhang neu justiert"),
    ("Materialstau im Zuführgerät", "Zuführung gereinigt"),
)


def write_sensor_logs(land: Landscape) -> None:
    stops = BREAKDOWNS + _small_stops(land.rng("small-stops"))
    for press in PRESSES:
        rows = _press_rows(land.rng(f"press-{press.number}"), press, stops)
        land.write_bytes(press.file, csv_bytes(SENSOR_HEADER, rows, newline="\n"),
                         mtime=SENSOR_MTIME)
    ordered = sorted(stops, key=lambda f: f.start)
    land.write_bytes(FAILURE_FILE, csv_bytes(FAILURE_HEADER, _failure_rows(ordered)))
    _record(land, ordered)


def _running(moment: datetime, closed: holidays.HolidayBase) -> bool:
    return moment.weekday() < 5 and moment.date() not in closed and 6 <= moment.hour < 22


def _small_stops(rng: random.Random) -> tuple[Failure, ...]:
    closed = holidays.country_holidays("DE", subdiv="NW", years=2025)
    result = []
    for cause, action in SMALL_STOPS:
        while True:
            start = START + timedelta(hours=rng.randrange(HOURS - 48))
            press = rng.randint(1, 4)
            if _running(start, closed) and _quiet(press, start):
                result.append(Failure(press, start, 0, rng.randint(1, 3), "Störung", cause,
                                      action))
                break
    return tuple(result)


def _quiet(press: int, start: datetime) -> bool:
    """Far from every breakdown of the same press and outside the logger gap."""
    far = all(
        abs((start - f.start).total_seconds()) > 10 * 86400 for f in BREAKDOWNS if f.press == press
    )
    return far and not (press == 2 and GAP[0] - timedelta(days=2) <= start <= GAP[1])


def _press_rows(rng: random.Random, press: Press, stops: tuple[Failure, ...]) -> list[list[str]]:
    closed = holidays.country_holidays("DE", subdiv="NW", years=2025)
    mine = [f for f in stops if f.press == press.number]
    rows, temperature, wear_hours = [], 16.0, rng.uniform(200, 1500)
    for hour in range(HOURS):
        moment = START + timedelta(hours=hour)
        if moment.hour == 0 and moment.date() in PLANNED_SERVICE:
            wear_hours = 0.0
        down = next((f for f in mine if f.start <= moment < _end(f)), None)
        if down and moment == down.start + timedelta(hours=down.downtime_hours - 1):
            wear_hours = 0.0 if down.kind == "Ausfall" else wear_hours
        running = _running(moment, closed) and down is None
        wear_hours += 1.0 if running else 0.0
        extra = sum(_precursor(f, moment) for f in mine)
        ambient = 17.0 + 6.0 * math.sin(2 * math.pi * (hour / HOURS - 0.3))
        target = ambient + (24.0 + 3.0 * extra if running else 0.0)
        temperature += 0.35 * (target - temperature) + rng.gauss(0, 0.25)
        vibration, current = _vibration_current(rng, press, running, down, wear_hours, extra)
        if GAP[0] <= moment < GAP[1] and press.number == 2:
            continue
        shown = temperature + 273.15 if press.number == 3 and moment >= UNIT_CHANGE else temperature
        rows.append([f"{moment:%Y-%m-%d %H:%M:%S}", de_number(vibration), de_number(shown),
                     de_number(current)])
    return rows


def _vibration_current(
    rng: random.Random, press: Press, running: bool, down: Failure | None,
    wear_hours: float, extra: float,
) -> tuple[float, float]:
    if down is not None:
        return 0.0, 0.0
    if not running:
        return max(0.0, 0.25 + 0.1 * extra + rng.gauss(0, 0.05)), 1.1 + rng.gauss(0, 0.08)
    wear = press.wear * wear_hours / 1000.0
    vibration = press.vibration + wear + extra + rng.gauss(0, 0.18)
    current = press.current * (1 + 0.03 * wear + 0.04 * extra) + rng.gauss(0, 1.0)
    return max(0.0, vibration), current


def _precursor(failure: Failure, moment: datetime) -> float:
    """Extra vibration in mm/s: grows from 0 to about 4.5 over the lead time."""
    if failure.lead_hours == 0:
        return 0.0
    ahead = (failure.start - moment).total_seconds() / 3600
    if not 0 < ahead <= failure.lead_hours:
        return 0.0
    return 4.5 * (1 - ahead / failure.lead_hours) ** 1.3


def _end(failure: Failure) -> datetime:
    return failure.start + timedelta(hours=failure.downtime_hours)


def _failure_rows(stops: list[Failure]) -> list[list[str]]:
    return [
        [
            f"S25-{index:03d}", f"Presse {f.press}", f"{f.start:%d.%m.%Y %H:%M}",
            f"{_end(f):%d.%m.%Y %H:%M}", str(f.downtime_hours), f.kind, f.cause, f.action,
        ]
        for index, f in enumerate(stops, start=1)
    ]


def _record(land: Landscape, stops: list[Failure]) -> None:
    land.plant("failures-with-precursor", failures=[
        {
            "sensor_file": PRESSES[f.press - 1].file, "machine": f"Presse {f.press}",
            "failure_at": f.start.isoformat(sep=" "), "vibration_rises_hours_before": f.lead_hours,
            "downtime_hours": f.downtime_hours, "failure_log_row": index,
        }
        for index, f in enumerate(stops, start=1) if f.kind == "Ausfall"
    ], minor_stops_without_precursor=[
        index for index, f in enumerate(stops, start=1) if f.kind == "Störung"
    ])
    gap_start = int((GAP[0] - START).total_seconds() // 3600)
    land.plant(
        "sensor-gap", gap_from=GAP[0].isoformat(sep=" "), gap_until=GAP[1].isoformat(sep=" "),
        missing_hours=int((GAP[1] - GAP[0]).total_seconds() // 3600),
        rows=[gap_start, gap_start + 1],
    )
    first = int((UNIT_CHANGE - START).total_seconds() // 3600) + 1
    land.plant("unit-change", changed_from=UNIT_CHANGE.isoformat(sep=" "), first_row=first,
               rows=[first - 1, first], offset=273.15)
    land.plant("wear-trend", planned_service=[d.isoformat() for d in PLANNED_SERVICE],
               wear_mm_s_per_1000_operating_hours={p.file: p.wear for p in PRESSES})
