"""Who can help next: the dated help directory and the offers the readiness result and the
report name for the company's Bundesland and gaps."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from datensorgfalt.services.help import LANDS, directory_checked, help_for, offers_for
from datensorgfalt.services.knowledge import load, path_of
from datensorgfalt.services.report.collect import _help_steps

DIMENSIONS = {d["key"] for d in load("readiness")["dimensions"]}


def test_every_offer_has_a_source_url_a_date_and_known_topics() -> None:
    offers = load("help")["offers"]
    assert len({o["id"] for o in offers}) == len(offers)
    date.fromisoformat(directory_checked())
    for offer in offers:
        assert re.match(r"^https://[^\s]+$", offer["url"]), offer["id"]
        date.fromisoformat(str(offer["checked"]))
        assert offer["source"], offer["id"]
        assert set(offer["topics"]) <= DIMENSIONS, offer["id"]
        assert set(offer["lands"]) <= set(LANDS), offer["id"]
        assert offer["offer"]["de"] and offer["offer"]["en"]


def test_regional_offers_come_first_and_never_for_another_land() -> None:
    nrw = offers_for("data", "NW")
    assert nrw[0]["lands"] and "NW" in nrw[0]["lands"]
    for land in LANDS:
        for dimension in DIMENSIONS:
            assert all(not o["lands"] or land in o["lands"] for o in offers_for(dimension, land))
    assert all(not o["lands"] for o in offers_for("data", None))
    funding = offers_for("finances", "BY")
    assert "foerderdatenbank" in {o["id"] for o in funding} and all(
        not o["lands"] for o in funding)
    kinds = {o["kind"] for o in load("help")["offers"]}
    assert {"edih", "chamber", "funding", "centre", "ai_trainers"} <= kinds
    assert all(o.get("pays_for", {}).get("de") for o in load("help")["offers"]
               if o["kind"] == "funding" and o["id"] != "foerderdatenbank")


def test_help_lines_name_one_offer_per_dimension_in_plain_words() -> None:
    lines = help_for(["data", "finances", "skills", "law"], "BY")
    assert [line["dimension"] for line in lines] == ["data", "finances", "skills"]
    assert lines[0]["regional"] and lines[0]["id"] == "ki-transfer-plus"
    assert lines[0]["text"].startswith("Für Daten") and lines[0]["url"] in lines[0]["text"]
    steps = _help_steps({"help": lines, "help_checked": directory_checked()})
    assert steps[-1] == f"Stand des Hilfe-Verzeichnisses: {directory_checked()}."


def test_readiness_names_help_for_the_companys_land(cli, tmp_path: Path) -> None:
    assert cli("init", cwd=tmp_path).exit_code == 0
    settings = tmp_path / ".datensorgfalt" / "settings.json"
    settings.write_text(json.dumps(json.loads(settings.read_text()) | {"land": "NW"}))
    answers = str(path_of("answers-example.yaml"))
    result = cli("readiness", "--answers", answers, "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["help"] and data["help_checked"] == directory_checked()
    assert all(line["land"] == "NW" for line in data["help"])
    offers = {o["id"]: o for o in load("help")["offers"]}
    assert all(not offers[line["id"]]["lands"] or "NW" in offers[line["id"]]["lands"]
               for line in data["help"])
    text = cli("readiness", "--answers", answers, cwd=tmp_path).output
    assert "Wer jetzt helfen kann" in text and "Stand des Hilfe-Verzeichnisses" in text


def test_usecase_gaps_name_help_for_the_companys_land(cli, tmp_path: Path) -> None:
    """An empty catalog: every use case lacks data; the gap names one offer, the Land's own
    first, and the directory's date."""
    assert cli("init", "--land", "BY", cwd=tmp_path).exit_code == 0
    result = cli("usecases", "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    matches = data if isinstance(data, list) else data["matches"]
    gaps = [m for m in matches if m["verdict"] != "now"]
    assert gaps and all(len(m["help"]) == 1 for m in gaps)
    offers = {o["id"]: o for o in load("help")["offers"]}
    assert all(not offers[m["help"][0]["id"]]["lands"] or "BY" in offers[m["help"][0]["id"]][
        "lands"] for m in gaps)
    assert gaps[0]["help"][0]["regional"]  # KI Transfer+ serves Bayern
    text = cli("usecases", cwd=tmp_path).output
    assert "Wer jetzt helfen kann" in text and f"Stand des Hilfe-Verzeichnisses: " \
        f"{directory_checked()}" in text


def test_report_next_steps_name_help_for_the_land_and_the_date(cli, tmp_path: Path) -> None:
    assert cli("init", "--land", "NW", cwd=tmp_path).exit_code == 0
    answers = str(path_of("answers-example.yaml"))
    assert cli("readiness", "--answers", answers, cwd=tmp_path).exit_code == 0
    result = cli("report", "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    html = Path(json.loads(result.stdout)["html"]).read_text("utf-8")
    steps = html.split('id="nextsteps"', 1)[1].split("</section>", 1)[0]
    regional = [o["name"] for o in load("help")["offers"] if "NW" in o["lands"]]
    assert any(name in steps for name in regional), steps
    assert f"Stand des Hilfe-Verzeichnisses: {directory_checked()}" in steps
