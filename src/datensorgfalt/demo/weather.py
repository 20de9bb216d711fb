"""Daily weather in the DWD climate file layout (``produkt_klima_tag_*.txt``), for the demo
and the tests.

The values are synthetic (a seasonal temperature with day-to-day persistence, showery
precipitation, sunshine that drops on wet days, a few days without readings as ``-999``); the
layout is the DWD's: semicolon, values padded with spaces, quality flags ``QN_3``/``QN_4``, the
closing ``eor`` column. The station number 99999 is not a real DWD station: the demo says
plainly that its weather is made up.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from datensorgfalt.demo.landscape import Landscape
from datensorgfalt.demo.sales import FIRST_DAY, LAST_DAY

DEMO_STATION = 99999
DEMO_FROM, DEMO_TO = FIRST_DAY, LAST_DAY  # the station's readings span the sales history
HEADER = ("STATIONS_ID;MESS_DATUM;QN_3;  FX;  FM;QN_4; RSK;RSKF; SDK;SHK_TAG;  NM; VPM;  PM;"
          " TMK; UPM; TXK; TNK; TGK;eor")
MISSING = -999
FOLDER = ".demo/offene-daten"  # hidden: the scan of the company's own data leaves it out


def file_name(station: int, first: date, last: date) -> str:
    return f"produkt_klima_tag_{first:%Y%m%d}_{last:%Y%m%d}_{station:05d}.txt"


def dwd_daily_text(station: int = DEMO_STATION, first: date = DEMO_FROM, last: date = DEMO_TO,
                   seed: int = 42, missing_share: float = 0.01) -> str:
    """The file's text for ``station`` from ``first`` to ``last`` (one row per day)."""
    rng = np.random.default_rng(seed)
    rows, anomaly = [HEADER], 0.0
    day = first
    while day <= last:
        anomaly = 0.75 * anomaly + rng.normal(0, 2.2)  # weather persists for a few days
        rows.append(_row(station, day, anomaly, rng, missing_share))
        day += timedelta(days=1)
    return "\n".join(rows) + "\n"


def _row(station: int, day: date, anomaly: float, rng: np.random.Generator,
         missing_share: float) -> str:
    season = math.sin(2 * math.pi * (day.timetuple().tm_yday - 110) / 365.25)
    tmk = 9.5 + 8.5 * season + anomaly
    wet = rng.random() < 0.48 - 0.08 * season
    rsk = float(rng.gamma(0.8, 5.0)) if wet else 0.0
    sdk = max(0.0, (4.5 + 3.5 * season) * (0.35 if wet else 1.1) + rng.normal(0, 1.2))
    snow = max(0, int(round(-tmk * 2))) if tmk < -1 and wet else 0
    values = {
        "FX": 8 + rng.gamma(2, 3), "FM": 2 + rng.gamma(2, 1.2), "RSK": rsk,
        "RSKF": (7 if snow else 6) if wet else 0, "SDK": min(sdk, 16.0), "SHK_TAG": snow,
        "NM": min(8.0, max(0.0, (6.5 if wet else 4.0) + rng.normal(0, 1))),
        "VPM": max(2.0, 6 + 0.55 * tmk + rng.normal(0, 1)), "PM": 985 + rng.normal(0, 8),
        "TMK": tmk, "UPM": min(100.0, max(35.0, (88 if wet else 74) + rng.normal(0, 6))),
        "TXK": tmk + 3 + rng.gamma(2, 1.3), "TNK": tmk - 3 - rng.gamma(2, 1.1),
        "TGK": tmk - 5 - rng.gamma(2, 1.2),
    }
    for name in ("FX", "SHK_TAG", "TMK", "RSK", "SDK"):
        if rng.random() < missing_share:
            values[name] = MISSING
    cells = [f"{station:>11}", f"{day:%Y%m%d}", f"{10:>5}", _cell(values["FX"], 1),
             _cell(values["FM"], 1), f"{3:>5}", _cell(values["RSK"], 1),
             f"{int(values['RSKF']):>4}", _cell(values["SDK"], 3),
             f"{int(values['SHK_TAG']):>4}", _cell(values["NM"], 1), _cell(values["VPM"], 1),
             _cell(values["PM"], 2), _cell(values["TMK"], 1), _cell(values["UPM"], 2),
             _cell(values["TXK"], 1), _cell(values["TNK"], 1), _cell(values["TGK"], 1), "eor"]
    return ";".join(cells)


def _cell(value: float, digits: int) -> str:
    return f"{MISSING:>6}" if value == MISSING else f"{value:>6.{digits}f}"


def write_weather(land: Landscape) -> str:
    """The demo region's (made-up) daily weather as a DWD file; returns its relative path."""
    rel = f"{FOLDER}/{file_name(DEMO_STATION, DEMO_FROM, DEMO_TO)}"
    land.write_bytes(rel, dwd_daily_text(seed=land.seed).encode("ascii"))
    return rel
