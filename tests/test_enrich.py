"""Issue 17, item 2: the Bundesland set once, DWD weather as open data, holidays and bridge days,
and a forecast that says honestly whether they helped."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from datensorgfalt.demo.weather import dwd_daily_text, file_name
from datensorgfalt.services.knowledge import path_of
from datensorgfalt.services.poc.calendar import holiday_dates
from datensorgfalt.services.poc.external import External, bridge_days, period_features


def _one_error(result) -> None:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Fehler:"), result.output
    assert "Traceback" not in result.output


def test_init_land_is_checked_and_stored_once(cli, tmp_path: Path) -> None:
    _one_error(cli("init", str(tmp_path / "a"), "--land", "Bayern"))
    assert not (tmp_path / "a").exists()
    result = cli("init", str(tmp_path / "b"), "--land", "by", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["land"] == "BY"
    assert json.loads((tmp_path / "b/.datensorgfalt/settings.json").read_text())["land"] == "BY"
    # the answers file names NW, but the Land was already set: it stays
    answers = str(path_of("answers-example.yaml"))
    result = cli("readiness", "--answers", answers, "--json", cwd=tmp_path / "b")
    assert result.exit_code == 0, result.output
    assert all(line["land"] == "BY" for line in json.loads(result.output)["help"])


def test_answers_file_sets_the_land_when_unset(cli, tmp_path: Path) -> None:
    assert cli("init", cwd=tmp_path).exit_code == 0
    answers = str(path_of("answers-example.yaml"))
    assert cli("readiness", "--answers", answers, cwd=tmp_path).exit_code == 0
    assert json.loads((tmp_path / ".datensorgfalt/settings.json").read_text())["land"] == "NW"


def test_bridge_days_lie_between_a_holiday_and_a_weekend() -> None:
    free = holiday_dates("BY", (2024,))
    days = pd.date_range("2024-05-01", "2024-06-05")
    bridges = {d.date() for d in days[bridge_days(days, free)]}
    # Ascension (Thu 9 May) and Corpus Christi (Thu 30 May): the Fridays after
    assert bridges == {date(2024, 5, 10), date(2024, 5, 31)}
    features = period_features(External(holidays=True, land="BY"),
                               pd.Series(pd.to_datetime(["2024-05-01", "2024-06-01"])), "M")
    assert features.to_dict("list") == {"feiertage": [4.0, 0.0], "brueckentage": [2.0, 0.0]}
    # Corpus Christi is no holiday in Berlin: no bridge day there
    assert period_features(External(holidays=True, land="BE"), pd.Series(
        pd.to_datetime(["2024-05-01"])), "M").to_dict("list") == {
        "feiertage": [3.0], "brueckentage": [1.0]}


def _weather_file(folder: Path, station: int = 1303, **kwargs) -> Path:
    first, last = kwargs.pop("first", date(2022, 1, 1)), kwargs.pop("last", date(2025, 6, 30))
    path = folder / file_name(station, first, last)
    path.write_text(dwd_daily_text(station, first, last, **kwargs), "ascii")
    return path


def test_dwd_file_becomes_an_open_data_entry_once(cli, tmp_path: Path) -> None:
    assert cli("init", cwd=tmp_path).exit_code == 0
    path = _weather_file(tmp_path, missing_share=0.05)
    text = path.read_text()
    assert text.splitlines()[0].endswith(";eor") and "-999" in text
    first = cli("opendata", "weather", str(path), "--json", cwd=tmp_path)
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["id"] == "dwd-01303" and report["days"] == (date(2025, 6, 30) - date(
        2022, 1, 1)).days + 1
    assert {"TMK", "RSK", "SDK"} <= set(report["measures"]) and report["missing"]["TMK"] > 0
    assert not report["replaced"]
    assert json.loads(cli("opendata", "weather", str(path), "--json",
                          cwd=tmp_path).output)["replaced"]
    listed = json.loads(cli("catalog", "list", "--open", "--json", cwd=tmp_path).output)
    entries = listed if isinstance(listed, list) else listed.get("entries", listed)
    weather = [e for e in entries if e["id"] == "dwd-01303"]
    assert len(weather) == 1 and weather[0]["licence_info"]["attribution"]
    assert weather[0]["licence_info"]["id"] == "cc-by/4.0"  # the CDC's terms of use
    assert weather[0]["publisher"] == "Deutscher Wetterdienst"
    assert "dwd" not in cli("catalog", "list", "--json", cwd=tmp_path).output  # not own data
    _one_error(cli("opendata", "fetch", "dwd-01303", cwd=tmp_path))  # nothing to download


HOSTILE = {
    "binary.txt": b"\x00\x01PK\x03\x04" * 50,
    "columns.txt": b"a;b;c\n1;2;3\n",
    "stations.txt": (b"STATIONS_ID;MESS_DATUM; TMK;eor\n  1;20240101; 1.0;eor\n"
                     b"  2;20240102; 2.0;eor\n"),
    "dates.txt": b"STATIONS_ID;MESS_DATUM; TMK;eor\n" + b"  1;gestern; 1.0;eor\n" * 20,
    "empty.txt": b"",
    "values.txt": b"STATIONS_ID;MESS_DATUM; TMK;eor\n" + b"  1;20240101; warm;eor\n" * 20,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_broken_weather_files_give_one_sentence_and_nothing(cli, tmp_path: Path,
                                                            name: str) -> None:
    assert cli("init", cwd=tmp_path).exit_code == 0
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    _one_error(cli("opendata", "weather", str(path), cwd=tmp_path))
    assert "dwd-" not in cli("catalog", "list", "--open", "--json", cwd=tmp_path).output
    assert not list((tmp_path / ".datensorgfalt").rglob("*.parquet"))


def _weekly_sales(folder: Path) -> Path:
    """Weekly sales that drop by a fifth for each public holiday (NW) in the week."""
    weeks = pd.date_range("2021-01-04", "2025-06-30", freq="W-MON")
    free = holiday_dates("NW", tuple(range(2020, 2027)))
    rng = np.random.default_rng(3)
    holidays = np.array([sum((w + pd.Timedelta(days=k)).date() in free for k in range(5))
                         for w in weeks])
    season = 1 + 0.15 * np.sin(2 * np.pi * weeks.dayofyear / 365.25)
    sales = 1000 * season * (1 - 0.2 * holidays) * rng.normal(1, 0.02, len(weeks))
    path = folder / "wochenumsatz.csv"
    pd.DataFrame({"Woche": weeks.strftime("%Y-%m-%d"), "Umsatz": sales.round(2)}).to_csv(
        path, index=False)
    return path


def test_forecast_says_whether_holidays_and_weather_helped(cli, tmp_path: Path) -> None:
    data = tmp_path / "daten"
    data.mkdir()
    _weekly_sales(data)
    assert cli("init", str(tmp_path), "--land", "NW").exit_code == 0
    assert cli("scan", str(data), cwd=tmp_path).exit_code == 0
    weather = _weather_file(tmp_path, station=4711, first=date(2021, 1, 1))
    assert cli("opendata", "weather", str(weather), cwd=tmp_path).exit_code == 0
    base = ["poc", "forecast", "-d", "wochenumsatz.csv", "--date", "Woche", "--target",
            "Umsatz", "--yes", "--budget", "40s", "--json"]
    result = cli(*base, "--with", "feiertage", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    external = json.loads(result.stdout)["external"]
    assert external["verdict"] == "met" and external["helped"], external
    assert external["comparison"]["interval"][1] < 0  # WAPE with minus without
    assert "geholfen" in external["sentence"]["de"]
    # made-up weather has nothing to do with these sales: it must not be called a help
    result = cli(*base, "--with", "wetter=dwd-04711", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    external = json.loads(result.stdout)["external"]
    assert external["verdict"] in ("not_met", "undecided"), external
    _one_error(cli(*base, "--with", "sonne", cwd=tmp_path))
    _one_error(cli(*base, "--with", "wetter=dwd-00001", cwd=tmp_path))


def test_forecast_counts_working_days_of_the_companys_land(cli, tmp_path: Path) -> None:
    from datensorgfalt.cli.common import open_catalog
    from datensorgfalt.services import poc

    days = pd.date_range("2023-01-02", "2025-06-30", freq="D")
    sales = pd.DataFrame({"Datum": days.strftime("%Y-%m-%d"),
                          "Menge": np.where(days.dayofweek < 5, 10, 0)})
    sales.to_csv(tmp_path / "verkauf.csv", index=False)
    assert cli("init", str(tmp_path), "--land", "BY").exit_code == 0
    assert cli("scan", str(tmp_path), "-w", str(tmp_path)).exit_code == 0
    with open_catalog(tmp_path) as (ws, catalog):
        request = poc.PocRequest(kind="forecast", dataset="verkauf.csv", freq="M")
        series = poc.prepare(ws, catalog, request).inputs["series"]
    assert series.per_working_day and series.state == "BY"
