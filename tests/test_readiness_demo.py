"""Readiness, use cases and report on the demo company (after scan, quality and privacy).

The demo company's planted facts decide the expectations: five years of ERP sales and a year
of hourly press readings (forecast and condition monitoring can start), 180 requests with a
quotation key (request routing can start), 240 good but only 12 defect images (image
inspection cannot start yet), an exact copy of the ERP export in the archive.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datensorgfalt.cli.app import build_app
from datensorgfalt.demo import sales
from datensorgfalt.services import evidence as ev
from datensorgfalt.services.knowledge import path_of
from datensorgfalt.services.readiness import assessment as readiness
from datensorgfalt.services.report import build_report
from datensorgfalt.services.usecases.matching import match_all
from datensorgfalt.workspace import find_workspace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scanned_demo(profiled_demo: Path) -> Path:
    """The demo company after scan, quality and privacy (``profiled_demo``), with the example
    answers of the questionnaire; the matching must not need quality and privacy."""
    answers = str(path_of("answers-example.yaml"))
    assert CliRunner().invoke(build_app(), ["readiness", "-w", str(profiled_demo),
                                            "--answers", answers]).exit_code == 0
    return profiled_demo


def test_demo_company_use_cases_follow_from_its_data(scanned_demo: Path) -> None:
    workspace = find_workspace(scanned_demo)
    catalog = workspace.open_catalog()
    evidence = ev.gather(workspace, catalog)
    matches = {m["id"]: m for m in match_all(evidence)}
    catalog.close()
    forecast = matches["sales-forecast"]
    assert forecast["verdict"] == "now"
    source = evidence.by_id(forecast["poc"]["dataset"])
    assert source.rel_path == "vertrieb/erp_umsatz_2021-2025.csv"  # the original, not the copy
    assert (forecast["poc"]["target"], forecast["poc"]["date"]) == ("Nettobetrag", "Belegdatum")
    monitoring = matches["condition-monitoring"]
    assert monitoring["verdict"] == "now"
    assert evidence.by_id(monitoring["poc"]["dataset"]).rel_path.startswith(
        "produktion/sensoren/presse_0")
    assert matches["request-routing"]["verdict"] == "now"
    assert matches["request-routing"]["poc"]["label"] == "Schlüssel"
    inspection = matches["visual-inspection"]
    assert inspection["verdict"] == "not_yet"
    assert "defekt (12)" in inspection["missing"][0]


def test_demo_company_readiness_shows_where_self_report_and_catalog_differ(
        scanned_demo: Path) -> None:
    workspace = find_workspace(scanned_demo)
    catalog = workspace.open_catalog()
    result = readiness.assess(readiness.stored_answers(catalog), ev.gather(workspace, catalog))
    catalog.close()
    assert result["phase"]["key"] == "experiment"
    assert "D4" in {d["question"] for d in result["disagreements"]}  # rights "all clear"
    assert result["facts"]["longest_months"] == 12 * len(sales.YEARS)
    assert len(result["next_steps"]) == 3


def test_demo_company_report(scanned_demo: Path, tmp_path: Path) -> None:
    workspace = find_workspace(scanned_demo)
    catalog = workspace.open_catalog()
    result = build_report(workspace, catalog, tmp_path)
    catalog.close()
    subprocess.run(["pdftoppm", "-r", "40", "-png", result["pdf"], str(tmp_path / "s")],
                   check=True)
    assert len(list(tmp_path.glob("s-*.png"))) == result["pages"] >= 4
    text = " ".join(subprocess.run(["pdftotext", result["pdf"], "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    for heading in ("Das Wichtigste in Kürze", "Welche Daten es gibt", "Wie gut die Daten sind",
                    "Personendaten und Rechte", "KI-Reifegrad", "Was Sie mit KI tun können",
                    "Die nächsten Schritte", "Ergebnisse der Versuche"):
        assert heading in text
    assert result["usecases_now"][:2] == ["sales-forecast", "condition-monitoring"]
    assert "Müller Umformtechnik GmbH" in text and "erp_umsatz_kopie.csv" in text
    html = Path(result["html"]).read_text("utf-8")
    now_block = html.split("<h3>Jetzt starten</h3>")[1].split("<h3>Bald möglich</h3>")[0]
    assert "Optische Qualitätsprüfung" not in now_block
    assert "Optische Qualitätsprüfung von Teilen" in html.split("<h3>Noch nicht möglich</h3>")[1]
