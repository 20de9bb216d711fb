"""Daily weather in the Deutscher Wetterdienst's climate format as an open-data entry.

``produkt_klima_tag_*.txt`` (from opendata.dwd.de, ``climate_environment/CDC/observations_
germany/climate/daily/kl``): semicolon-separated, values padded with spaces, a closing ``eor``
column, ``-999`` for missing; one station per file (``STATIONS_ID``), one day per row
(``MESS_DATUM`` as YYYYMMDD). The values are kept as Parquet in the workspace; the entry is
stored like an imported catalog's dataset (kind ``opendata``), apart from the company's data.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from datensorgfalt.catalog import Catalog, save_result
from datensorgfalt.services.opendata.rdf import OpenDataError
from datensorgfalt.workspace import Workspace

KIND = "opendata"
MAX_BYTES = 100 * 1024 * 1024  # a station's whole history since 1891 is about 4 MB
MISSING = -999
# The CDC's terms of use (opendata.dwd.de/climate_environment/CDC/Terms_of_use.pdf) put its
# climate data under CC BY 4.0 (the GeoNutzV, mapped onto CC BY) with "Quelle: Deutscher
# Wetterdienst" as attribution
LICENCE = "http://dcat-ap.de/def/licenses/cc-by/4.0"
SOURCE_URL = ("https://opendata.dwd.de/climate_environment/CDC/observations_germany/climate/"
              "daily/kl/")
ATTRIBUTION = "Quelle: Deutscher Wetterdienst"
# the DWD's column names (Beschreibung der Datensätze, "kl" daily) -> unit
MEASURES = {
    "TMK": "°C", "TXK": "°C", "TNK": "°C", "TGK": "°C", "RSK": "mm", "RSKF": "",
    "SDK": "h", "SHK_TAG": "cm", "FX": "m/s", "FM": "m/s", "NM": "1/8", "VPM": "hPa",
    "PM": "hPa", "UPM": "%",
}
REQUIRED = ("STATIONS_ID", "MESS_DATUM")
MAX_BAD_SHARE = 0.01


@dataclass
class WeatherReport:
    id: str
    station: str
    path: str
    days: int
    first: str
    last: str
    measures: list[str]
    missing: dict[str, int]
    replaced: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def weather_id(station: str) -> str:
    return f"dwd-{int(station):05d}"


def read_dwd_daily(path: Path) -> tuple[str, pd.DataFrame]:
    """(station id, daily values indexed by date) of a DWD ``produkt_klima_tag`` file;
    anything else gives one ``OpenDataError`` sentence."""
    name = Path(path).name
    text = _text(Path(path), name)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, skipinitialspace=True,
                            keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise OpenDataError("opendata.weather.error.format", source=name,
                            reason=str(exc).splitlines()[0][:120]) from exc
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    if any(c not in frame.columns for c in REQUIRED):
        raise OpenDataError("opendata.weather.error.columns", source=name)
    frame = frame.drop(columns=[c for c in frame.columns if c == "EOR" or c.startswith("UNNAMED")
                                or c.startswith("QN")])
    frame = frame.apply(lambda column: column.str.strip())
    stations = frame["STATIONS_ID"].unique()
    if len(stations) != 1 or not stations[0].isdigit():
        raise OpenDataError("opendata.weather.error.stations", source=name,
                            n=len(stations))
    days = pd.to_datetime(frame["MESS_DATUM"], format="%Y%m%d", errors="coerce")
    measures = [c for c in frame.columns if c in MEASURES]
    if not measures:
        raise OpenDataError("opendata.weather.error.columns", source=name)
    values = frame[measures].apply(pd.to_numeric, errors="coerce")
    bad = days.isna() | (days.dt.year < 1700) | (days.dt.year > 2200)
    if bad.mean() > MAX_BAD_SHARE or values.isna().mean().mean() > MAX_BAD_SHARE + _missing(
            frame[measures]):
        raise OpenDataError("opendata.weather.error.values", source=name)
    values = values.mask(values <= MISSING)
    values.index = days
    values = values[~bad.to_numpy()]
    values = values[~values.index.duplicated(keep="first")].sort_index()
    if values.empty:
        raise OpenDataError("opendata.weather.error.empty", source=name)
    values.index.name = "datum"
    return f"{int(stations[0]):05d}", values


def _missing(raw: pd.DataFrame) -> float:
    """The share of cells the file itself marks as missing (-999), which are no error."""
    return float(raw.isin([str(MISSING), f"{MISSING}.0", ""]).mean().mean())


def _text(path: Path, name: str) -> str:
    if not path.is_file():
        raise OpenDataError("opendata.weather.error.no_file", source=str(path))
    if path.stat().st_size > MAX_BYTES:
        raise OpenDataError("opendata.weather.error.too_big", source=name,
                            mb=MAX_BYTES // (1024 * 1024))
    data = path.read_bytes()
    if b"\x00" in data:
        raise OpenDataError("opendata.weather.error.binary", source=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # the DWD's own metadata files are ISO-8859-1


def import_weather(workspace: Workspace, catalog: Catalog, path: Path) -> WeatherReport:
    """Reads the file, keeps the values in ``.datensorgfalt/offene-daten/`` and stores the
    open-data entry (importing the same station again replaces it)."""
    station, values = read_dwd_daily(path)
    entry_id = weather_id(station)
    target = workspace.path("offene-daten", f"{entry_id}.parquet")
    known = catalog.latest_result(KIND, key=_iri(station)) is not None
    values.reset_index().to_parquet(target, index=False)
    first, last = (d.strftime("%Y-%m-%d") for d in (values.index[0], values.index[-1]))
    entry = _entry(station, entry_id, Path(path).name, target, values, first, last)
    with catalog.session() as session:
        save_result(session, KIND, entry, key=entry["iri"], replace=True)
    return WeatherReport(id=entry_id, station=station, path=str(target), days=len(values),
                         first=first, last=last, measures=list(values.columns),
                         missing={c: int(values[c].isna().sum()) for c in values.columns},
                         replaced=known)


def _iri(station: str) -> str:
    return f"{SOURCE_URL}#station-{station}"


def _entry(station: str, entry_id: str, name: str, target: Path, values: pd.DataFrame,
           first: str, last: str) -> dict[str, Any]:
    return {
        "id": entry_id, "iri": _iri(station), "open_data": True, "source": name,
        "title": f"Tägliche Klimadaten DWD, Station {station}",
        "description": f"Tageswerte ({', '.join(values.columns)}) der DWD-Station {station}, "
                       f"{first} bis {last}, aus {name}.",
        "publisher": "Deutscher Wetterdienst", "themes": ["ENVI"],
        "keywords": ["Wetter", "Klima", "DWD", "Tageswerte", f"Station {station}"],
        "spatial": [f"DWD-Station {station}"], "temporal": {"start": first, "end": last},
        "licence": LICENCE, "attribution": ATTRIBUTION,
        "distributions": [{"iri": None, "title": name, "format": "CSV", "media_type": "text/csv",
                           "access_url": SOURCE_URL, "download_url": None, "licence": LICENCE,
                           "attribution": ATTRIBUTION, "byte_size": None}],
        "weather": {"station": station, "path": str(target), "days": len(values),
                    "measures": {c: MEASURES[c] for c in values.columns}},
    }


def load_weather(catalog: Catalog, id_or_station: str) -> tuple[dict[str, Any], pd.DataFrame]:
    """The entry and daily values of an imported station (``dwd-01303``, ``1303`` or the
    entry's id); one sentence when it was not imported or its file is gone."""
    wanted = id_or_station.strip()
    station = wanted.removeprefix("dwd-")
    for result in catalog.results(KIND):
        entry = result.payload
        if "weather" in entry and (entry["id"] == wanted or (
                station.isdigit() and int(entry["weather"]["station"]) == int(station))):
            path = Path(entry["weather"]["path"])
            if not path.is_file():
                raise OpenDataError("opendata.weather.error.gone", id=entry["id"])
            return entry, pd.read_parquet(path).set_index("datum")
    raise OpenDataError("opendata.weather.error.unknown", id=wanted)
