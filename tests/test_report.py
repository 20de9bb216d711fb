"""The managing-director report: sections, charts, PDF pages, empty catalog, English."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from datensorgfalt.services import evidence as ev
from datensorgfalt.services.knowledge import path_of
from datensorgfalt.services.readiness import assessment as readiness
from datensorgfalt.services.report import SECTIONS, build_report
from datensorgfalt.services.report.readability import body_text, flesch, wstf1
from datensorgfalt.services.usecases.matching import match_all
from datensorgfalt.workspace import init_workspace
from tests.helpers.company import build_company

HEADINGS = {
    "de": ["Das Wichtigste in Kürze", "Welche Daten es gibt", "Wie gut die Daten sind",
           "Personendaten und Rechte", "KI-Reifegrad", "Was Sie mit KI tun können",
           "Die nächsten Schritte", "Ergebnisse der Versuche"],
    "en": ["Key points", "What data there is", "How good the data is",
           "Personal data and rights", "AI readiness", "What you can do with AI",
           "Next steps", "Results of the trials"],
}


def pdf_pages_as_png(pdf: Path, out: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(out / "seite")], check=True)
    return sorted(out.glob("seite-*.png"))


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return " ".join(text.split())


def company_workspace(tmp_path: Path):
    workspace = init_workspace(tmp_path / "firma")
    catalog = workspace.open_catalog()
    build_company(catalog)
    readiness.run_readiness(None, catalog, readiness.load_answers(path_of("answers-example.yaml")))
    return workspace, catalog


def test_report_for_a_company_has_every_section_on_its_pdf_pages(tmp_path: Path) -> None:
    workspace, catalog = company_workspace(tmp_path)
    result = build_report(workspace, catalog, tmp_path / "out")
    matches = match_all(ev.gather(None, catalog), None)
    catalog.close()
    html = Path(result["html"]).read_text("utf-8")
    # the use cases to start now are the matcher's best "now" cases, in its order
    now = [m for m in matches if m["verdict"] == "now"]
    assert now and result["usecases_now"] == [m["id"] for m in now][:5]
    assert all(m["title"] in html for m in now[:5])
    pages = pdf_pages_as_png(Path(result["pdf"]), tmp_path)
    assert len(pages) == result["pages"] >= 3
    assert all(p.stat().st_size > 1000 for p in pages)
    text = pdf_text(Path(result["pdf"]))
    for heading in HEADINGS["de"]:
        assert heading in text and heading in html
    assert result["sections"] == list(SECTIONS)
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    assert html.count("<svg") == 4  # maturity, quality, landscape, history
    assert "Müller Umformtechnik GmbH" in text
    assert "Experimentierphase" in text
    assert "Selbsteinschätzung und Befund weichen ab" in text


def test_the_use_cases_named_are_the_ones_the_data_supports(tmp_path: Path) -> None:
    workspace, catalog = company_workspace(tmp_path)
    result = build_report(workspace, catalog, tmp_path / "out")
    catalog.close()
    html = Path(result["html"]).read_text("utf-8")
    start_now = html.split("Jetzt starten</h3>")[1].split("</h3>\n  <div class=\"case\">")[0]
    now_block = html.split('<h3>Jetzt starten</h3>')[1].split("<h3>Bald möglich</h3>")[0]
    assert start_now
    assert result["usecases_now"][:2] == ["sales-forecast", "condition-monitoring"]
    assert "Absatzprognose aus ERP-Daten" in now_block
    assert "Zustandsüberwachung von Maschinen" in now_block
    assert "Optische Qualitätsprüfung von Teilen" not in now_block
    assert "datensorgfalt poc forecast --dataset" in now_block
    later = html.split("<h3>Noch nicht möglich</h3>")[1]
    assert "Optische Qualitätsprüfung von Teilen" in later and "defekt (12)" in later
    summary = html.split('<section id="summary">')[1].split("</section>")[0]
    assert "Absatzprognose aus ERP-Daten" in summary and "geht noch nicht" in summary


def test_empty_catalog_gets_a_sensible_report(tmp_path: Path, cli) -> None:
    init_workspace(tmp_path)
    result = cli("report", "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["pages"] >= 1 and shown["usecases_now"] == [] and shown["phase"] is None
    text = pdf_text(Path(shown["pdf"]))
    assert "Im Datenkatalog steht noch nichts" in text
    assert "datensorgfalt scan" in text and "datensorgfalt readiness" in text
    for heading in HEADINGS["de"]:
        assert heading in text
    assert Path(shown["html"]).parent == tmp_path / ".datensorgfalt" / "report"


def test_english_report(tmp_path: Path, cli) -> None:
    workspace, catalog = company_workspace(tmp_path)
    catalog.close()
    result = cli("report", "--lang", "en", "--out", str(tmp_path / "en"), "--json",
                 cwd=workspace.root)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["lang"] == "en" and Path(shown["pdf"]).name == "report.pdf"
    text = pdf_text(Path(shown["pdf"]))
    for heading in HEADINGS["en"]:
        assert heading in text
    assert "Sales forecast from ERP data" in text and "You can start now" in text
    assert "Das Wichtigste" not in text


def test_report_is_self_contained(tmp_path: Path) -> None:
    workspace, catalog = company_workspace(tmp_path)
    result = build_report(workspace, catalog, tmp_path / "out")
    catalog.close()
    html = Path(result["html"]).read_text("utf-8")
    assert not re.search(r"<(script|link|img)\b", html)
    assert not re.search(r"(src|href)=\"https?:", html)
    assert "url(http" not in html and "@import" not in html


def test_report_reads_a_postgresql_catalog(postgres, tmp_path: Path) -> None:
    from datensorgfalt.catalog import Catalog

    catalog = Catalog.open(postgres.new_database())
    build_company(catalog)
    result = build_report(None, catalog, tmp_path / "pg")
    catalog.close()
    assert result["usecases_now"][:2] == ["sales-forecast", "condition-monitoring"]
    assert result["phase"] is None  # no questionnaire answered: the report says so


@pytest.mark.parametrize("lang", ["de", "en"])
def test_plain_language_targets(tmp_path: Path, lang: str) -> None:
    workspace, catalog = company_workspace(tmp_path)
    result = build_report(workspace, catalog, tmp_path / lang, lang=lang)
    catalog.close()
    text = body_text(Path(result["html"]).read_text("utf-8"))
    if lang == "de":
        assert wstf1(text) <= 10
    else:
        assert flesch(text) >= 50


def test_readability_formulas_rank_easy_text_above_hard_text() -> None:
    easy_de = "Wir haben Daten. Die Daten sind gut. Wir fangen an."
    hard_de = ("Die Implementierungsvoraussetzungen datengetriebener Geschäftsmodelle "
               "erfordern organisationsübergreifende Digitalisierungsstrategien.")
    assert wstf1(easy_de) < 4 < 10 < wstf1(hard_de)
    assert flesch("We have data. The data is good. We start now.") > 80
    assert flesch("Organisational implementation prerequisites necessitate comprehensive "
                  "digitalisation methodologies.") < 20


def test_poc_results_appear_in_the_report(tmp_path: Path) -> None:
    from tests.helpers.company import add_result

    workspace, catalog = company_workspace(tmp_path)
    sales = ev.gather(None, catalog).datasets
    sales_id = next(d.id for d in sales if d.title == "erp_umsatz.csv")
    months = [f"2025-{m:02d}-01" for m in range(1, 13)]
    add_result(catalog, "poc", sales_id, key="poc-forecast-1", payload={
        "kind": "forecast", "dataset": sales_id, "dataset_title": "erp_umsatz.csv",
        "columns": ["Belegdatum", "Nettobetrag"], "metric": "wape",
        "baseline": {"name": "Vorjahreswoche", "metrics": {"wape": 21.0}},
        "model": {"name": "LightGBM", "metrics": {"wape": 9.2}}, "criterion": "WAPE<=15%",
        "met": True, "verdict": "met",
        "sentence": {"de": "Soll erreicht.", "en": "Target met."},
        "extra": {"chart": {"ds": months, "actual": list(range(100, 112)),
                            "backtest_ds": months[-3:], "backtest": [109, 111, 110],
                            "future_ds": ["2026-01-01", "2026-02-01"], "future": [112, 113]}}})
    add_result(catalog, "poc", sales_id, key="poc-classify-2", payload={
        "kind": "classify", "dataset": sales_id, "metric": "auc", "criterion": "besser als Ist",
        "baseline": {"name": "Mehrheitsklasse", "metrics": {"auc": 0.5, "accuracy": 0.8}},
        "model": {"name": "LightGBM", "metrics": {"auc": 0.52, "accuracy": 0.8}},
        "met": False, "verdict": "undecided", "more_data": "Etwa doppelt so viele Zeilen."})
    result = build_report(workspace, catalog, tmp_path / "out")
    catalog.close()
    poc = Path(result["html"]).read_text("utf-8").split('<section id="poc">')[1]
    assert "poc-forecast-1" not in poc and "poc-classify-2" not in poc  # ids are no names
    assert "Vorhersage" in poc and "erp_umsatz.csv" in poc and "WAPE&lt;=15%" in poc
    assert "Das Modell liegt im Mittel 9 % daneben." in poc
    assert "Der heutige Weg liegt im Mittel 21 % daneben." in poc
    assert "Das Ziel ist erreicht" in poc
    assert "Das lässt sich noch nicht sagen" in poc and "doppelt so viele" in poc
    assert poc.count("<svg") == 1  # the forecast against the actual months
    assert "Noch kein Versuch" not in poc
