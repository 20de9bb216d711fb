"""On the demo company the quality run finds what was planted, asserted by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from datensorgfalt.demo import load_planted
from datensorgfalt.services.quality import measure as service
from datensorgfalt.workspace import find_workspace


@pytest.fixture(scope="module")
def demo_quality(profiled_demo: Path):
    """The demo company scanned and profiled once per run (``profiled_demo``), its catalog."""
    catalog = find_workspace(profiled_demo).open_catalog()
    yield profiled_demo, catalog
    catalog.close()


def result(catalog, title: str) -> dict:
    return service.report(catalog, title)["result"]


def codes_of(payload: dict, column: str | None = None) -> dict[str, dict]:
    return {f["code"]: f for f in payload["findings"]
            if column is None or f.get("column") == column}


def test_outdated_price_list(demo_quality) -> None:
    _, catalog = demo_quality
    for dataset in catalog.datasets():
        if dataset.kind != "table":
            continue
        found = codes_of(catalog.latest_result("quality", dataset_id=dataset.id).payload)
        assert ("outdated-dataset" in found) == ("preisliste_2023" in dataset.location), \
            dataset.location
    old = next(d for d in catalog.datasets() if "preisliste_2023" in d.location)
    evidence = codes_of(result(catalog, old.id))["outdated-dataset"]["evidence"]
    assert evidence["modified"] == "2024-10-15"
    assert evidence["months"] >= 12


def test_duplicate_customer(demo_quality) -> None:
    root, catalog = demo_quality
    planted = load_planted(root)["duplicate-customer"]
    kunden = next(d for d in catalog.datasets() if "kundenliste" in d.location)
    near = codes_of(result(catalog, kunden.id), "Firma")["near-duplicates"]
    assert near["evidence"]["pairs"] == [[r - 1 for r in planted["rows"]]]
    erp = next(d for d in catalog.datasets() if "erp_umsatz_2021" in d.location)
    spelled = codes_of(result(catalog, erp.id), "Kunde")["near-duplicates"]
    assert ["Schmidt Metallbau GmbH", "Schmitt Metallbau GmbH"] in spelled["evidence"]["pairs"]


def test_sensor_gap(demo_quality) -> None:
    root, catalog = demo_quality
    planted = load_planted(root)["sensor-gap"]
    presse = next(d for d in catalog.datasets() if d.location.endswith("presse_02.csv"))
    payload = result(catalog, presse.id)
    gaps = codes_of(payload)["time-gaps"]["evidence"]
    assert gaps["largest_days"] >= 27
    assert gaps["largest_to"].startswith(planted["gap_until"][:10])
    assert payload["time_series"]["frequency"] == "H"
    for other in ("presse_01.csv", "presse_03.csv", "presse_04.csv"):
        dataset = next(d for d in catalog.datasets() if d.location.endswith(other))
        assert "time-gaps" not in codes_of(result(catalog, dataset.id))


def test_unit_change(demo_quality) -> None:
    root, catalog = demo_quality
    planted = load_planted(root)["unit-change"]
    presse = next(d for d in catalog.datasets() if d.location.endswith("presse_03.csv"))
    unit = codes_of(result(catalog, presse.id), "Temperatur_C")["unit-change"]
    assert unit["evidence"]["unit"] == "°C -> K"
    assert unit["evidence"]["at"].startswith(planted["changed_from"][:10])
    for other in ("presse_01.csv", "presse_02.csv", "presse_04.csv"):
        dataset = next(d for d in catalog.datasets() if d.location.endswith(other))
        assert "unit-change" not in codes_of(result(catalog, dataset.id))


def test_mixed_date_formats_and_placeholders(demo_quality) -> None:
    root, catalog = demo_quality
    planted = load_planted(root)
    protocols = next(d for d in catalog.datasets() if "pruefprotokolle" in d.location)
    payload = result(catalog, protocols.id)
    mixed = codes_of(payload, "Prüfdatum")["mixed-date-formats"]["evidence"]
    assert set(mixed["formats"]) == {"dd.mm.yyyy", "yyyy-mm-dd"}
    assert mixed["formats"]["yyyy-mm-dd"] == len(planted["mixed-date-formats"]["rows"])
    values = planted["placeholders"]["rows_by_value"]
    dates = codes_of(payload, "Prüfdatum")["placeholder-values"]["evidence"]
    assert dates["values"] == ["0000-00-00"] and dates["count"] == len(values["0000-00-00"])
    measured = codes_of(payload, "Istwert_mm")["placeholder-values"]["evidence"]
    assert measured["count"] == len(values["n/a"]) + len(values["-"])


def test_typos_are_the_suspicious_cells(demo_quality) -> None:
    root, catalog = demo_quality
    planted = load_planted(root)
    expected = {
        "kundenliste": {(r - 1, "Ort") for r in planted["typos-customer-city"]["rows"]},
        "pruefprotokolle": {(r - 1, "Maschine") for r in planted["typos-inspection"]["rows"]},
        "erp_umsatz_2021": {(t["row"] - 1, t["column"])
                            for t in planted["typos-erp"]["typos"]},
    }
    for name, cells in expected.items():
        dataset = next(d for d in catalog.datasets() if name in d.location)
        found = {(row, column) for row, column, _ in result(catalog, dataset.id)["cells"]}
        assert found == cells, name


def test_article_number_for_two_articles(demo_quality) -> None:
    _, catalog = demo_quality
    erp = next(d for d in catalog.datasets() if "erp_umsatz_2021" in d.location)
    clash = codes_of(result(catalog, erp.id), "Artikelnr")["conflicting-key"]
    assert clash["evidence"]["values"][0].startswith("BT-1040:")


def test_clean_sensor_and_price_list_have_no_warnings(demo_quality) -> None:
    _, catalog = demo_quality
    for name in ("presse_01.csv", "presse_04.csv", "preisliste_2025.xlsx"):
        for dataset in (d for d in catalog.datasets() if name in d.location):
            severe = [f["code"] for f in result(catalog, dataset.id)["findings"]
                      if f["severity"] != "info"]
            assert severe == [], (dataset.title, severe)
