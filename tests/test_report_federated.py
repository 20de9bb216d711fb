"""The report's section on learning together: per company alone against together (chart and
words), the verdict per company, the pooled model only for comparison, the privacy options and
what left each company; plain language in German and English.

The stored result is computed for real on the demo customers' data (tests/helpers/federated.py)
in the shape the federated service stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from datensorgfalt.services.report import SECTIONS, build_report
from datensorgfalt.services.report.readability import body_text, flesch, wstf1
from tests.helpers.federated import demo_parties, federated_payload, store_federated
from tests.test_report import company_workspace, pdf_text


@pytest.fixture(scope="module")
def payload(demo_company: Path) -> dict[str, Any]:
    return federated_payload(demo_parties(demo_company))


def _section(html: str) -> str:
    return html.split('<section id="federated">')[1].split("</section>")[0]


def _mae(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def test_report_shows_alone_and_together_per_company(tmp_path: Path, payload) -> None:
    workspace, catalog = company_workspace(tmp_path)
    store_federated(catalog, payload)
    result = build_report(workspace, catalog, tmp_path / "out")
    catalog.close()
    html = Path(result["html"]).read_text("utf-8")
    assert result["sections"] == [*SECTIONS, "federated"]
    section = _section(html)
    assert "Gemeinsam lernen, ohne Daten zu teilen" in section
    assert section.count("<svg") == 1  # grouped bars: alone and together per company
    chart = section.split("<svg")[1]
    assert "alle Daten an einem Ort (nur zum Vergleich; in Wirklichkeit nicht möglich)" in chart
    for party in payload["parties"]:
        assert party["name"] in chart
        assert _mae(party["alone"]) in chart and _mae(party["together"]) in chart
    verdicts = {"met": "Gemeinsam ist klar besser als allein.",
                "not_met": "Gemeinsam ist hier nicht besser als allein.",
                "undecided": "Ob gemeinsam besser ist, lässt sich noch nicht sagen."}
    for party in payload["parties"]:
        block = section.split(f"<li><strong>{party['name']} (")[1].split("</li>")[0]
        assert verdicts[party["verdict"]["verdict"]] in block
        assert (f"Allein liegt das Modell im Mittel um {_mae(party['alone'])} daneben, "
                f"gemeinsam um {_mae(party['together'])}.") in block
        # the service's sentence with its interval stands in the table
        table_row = section.split(f"<tr><td class=\"name\">{party['name']}</td>")[1].split(
            "</tr>")[0]
        assert party["sentence"].split(":")[0] in table_row and "Sicherheit" in table_row
    assert "nur zum Vergleich; in Wirklichkeit nicht möglich" in section
    assert _mae(payload["pooled"]["value"]) in section
    assert "Rauschen war aus" in section and "sichere Summe war aus" in section
    assert "Keine einzige Zeile hat eine Firma verlassen." in section
    for party in payload["card"]["parties"]:
        assert f"{party['name']} hat {party['sent']['messages']}-mal gesendet" in section
    assert f"datensorgfalt predict {payload['id']}" in section
    summary = html.split('<section id="summary">')[1].split("</section>")[0]
    better = sum(p["verdict"]["verdict"] == "met" for p in payload["parties"])
    assert f"Für {better} davon ist es klar besser als allein." in summary
    text = pdf_text(Path(result["pdf"]))
    assert "9. Gemeinsam lernen, ohne Daten zu teilen" in text
    assert "nur zum Vergleich; in Wirklichkeit nicht möglich" in text


def test_two_companies_are_warned_and_privacy_options_explained(tmp_path: Path,
                                                                 payload) -> None:
    two = {**payload, "parties": payload["parties"][:2],
           "privacy": {"tls": True, "dp": True, "epsilon": 4.0, "secagg": True,
                       "explanation": "-"}}
    workspace, catalog = company_workspace(tmp_path)
    store_federated(catalog, two)
    result = build_report(workspace, catalog, tmp_path / "out")
    catalog.close()
    section = _section(Path(result["html"]).read_text("utf-8"))
    assert "ε = 4,0" in section and "sichere Summe war an (SecAgg+)" in section
    assert "Die Verbindungen waren verschlüsselt (TLS)." in section
    assert "Bei nur zwei Firmen verrät die Summe" in section


@pytest.mark.parametrize("lang", ["de", "en"])
def test_report_with_learning_together_stays_plain(tmp_path: Path, payload, lang: str) -> None:
    workspace, catalog = company_workspace(tmp_path)
    store_federated(catalog, payload)
    result = build_report(workspace, catalog, tmp_path / lang, lang=lang)
    catalog.close()
    html = Path(result["html"]).read_text("utf-8")
    section = _section(html)
    if lang == "de":
        assert wstf1(body_text(html)) <= 10 and wstf1(body_text(section)) <= 10
    else:
        assert "Learning together without sharing data" in section
        assert "for comparison only; not possible in reality" in section
        assert "Together is" in section or "We cannot tell yet" in section
        assert flesch(body_text(html)) >= 50 and flesch(body_text(section)) >= 50


def test_no_section_without_a_run(tmp_path: Path) -> None:
    workspace, catalog = company_workspace(tmp_path)
    result = build_report(workspace, catalog, tmp_path / "out")
    catalog.close()
    assert result["sections"] == list(SECTIONS)
    assert 'id="federated"' not in Path(result["html"]).read_text("utf-8")
