"""Readiness: the questionnaire file, scoring, phases, evidence from the catalog, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from datensorgfalt.catalog.models import Result
from datensorgfalt.services import evidence as ev
from datensorgfalt.services.help import LANDS
from datensorgfalt.services.knowledge import path_of
from datensorgfalt.services.readiness import assessment as readiness
from datensorgfalt.workspace import init_workspace
from tests.helpers.company import add_rights, build_company

DIMENSIONS = {"strategy", "data", "skills", "processes", "it", "law", "finances", "culture"}
EXAMPLE = path_of("answers-example.yaml")


def answers_at(level: str) -> dict:
    """Every question answered with its best ("max") or worst ("min") option."""
    picked = {}
    for q in readiness.questionnaire()["questions"]:
        opts = sorted(readiness.options(q), key=lambda o: o["points"])
        option = opts[-1] if level == "max" else opts[0]
        picked[q["id"]] = [option["value"]] if q["type"] == "multi" else option["value"]
    if level == "max":  # several options together reach the maximum
        for q in readiness.questionnaire()["questions"]:
            if q["type"] == "multi":
                picked[q["id"]] = [o["value"] for o in readiness.options(q)]
    return picked


def test_questionnaire_file_is_complete_in_both_languages() -> None:
    spec = readiness.questionnaire()
    questions = spec["questions"]
    assert 25 <= len(questions) <= 35
    assert len({q["id"] for q in questions}) == len(questions)
    assert {q["dimension"] for q in questions} == DIMENSIONS
    assert {d["key"] for d in spec["dimensions"]} == DIMENSIONS
    assert {q["type"] for q in questions} == {"scale", "ynp", "choice", "multi"}
    for q in questions:
        assert q["text"]["de"].strip() and q["text"]["en"].strip(), q["id"]
        opts = readiness.options(q)
        assert len(opts) >= 2, q["id"]
        for option in opts:
            assert option["label"]["de"] and option["label"]["en"], q["id"]
            assert isinstance(option["points"], int)
            assert 0 <= option["points"] <= spec["max_points"], q["id"]
        assert max(readiness.points(q, o["value"]) for o in opts) > 0, q["id"]
    for d in spec["dimensions"]:
        assert sum(q["dimension"] == d["key"] for q in questions) >= 3, d["key"]


def test_phases_follow_the_study_and_rise() -> None:
    phases = readiness.questionnaire()["phases"]
    assert [p["title"]["de"] for p in phases] == [
        "nicht gestartet", "Experimentierphase", "Übungsphase", "Verankerungsphase",
        "Gestaltungsphase"]
    assert [p["min_score"] for p in phases] == sorted(p["min_score"] for p in phases)
    assert [p["min_dimension"] for p in phases] == sorted(p["min_dimension"] for p in phases)


def test_example_answers_answer_every_question() -> None:
    answers = readiness.load_answers(EXAMPLE)
    ids = {q["id"] for q in readiness.questionnaire()["questions"]}
    assert set(answers) - {"_company", "_land"} == ids


def test_best_answers_reach_the_shaping_phase_and_worst_stay_not_started() -> None:
    best = readiness.assess(answers_at("max"), ev.Evidence())
    worst = readiness.assess(answers_at("min"), ev.Evidence())
    assert best["score"] == 100 and best["phase"]["key"] == "shaping"
    assert best["next_phase"] is None and best["gaps"] == []
    assert worst["score"] == 0 and worst["phase"]["key"] == "not_started"
    assert len(worst["next_steps"]) == 3
    assert {d["key"] for d in worst["dimensions"]} == DIMENSIONS


def test_no_practice_phase_without_first_ai_trials() -> None:
    answers = answers_at("max") | {"S4": "info"}
    result = readiness.assess(answers, ev.Evidence())
    assert result["score"] > 80
    assert result["phase"]["key"] == "experiment"
    assert any(g.get("question") == "S4" for g in result["gaps"])
    assert "Versuch" in result["next_steps"][0]


def test_a_weak_dimension_holds_the_company_back() -> None:
    answers = answers_at("max")
    for q in readiness.questionnaire()["questions"]:
        if q["dimension"] == "law":
            answers[q["id"]] = answers_at("min")[q["id"]]
    result = readiness.assess(answers, ev.Evidence())
    assert result["phase"]["key"] == "experiment"  # law 0 < practice's 25 per dimension
    assert result["gaps"][0]["dimension"] == "law"
    assert any("Datenschutz" in step for step in result["next_steps"])


def test_unanswered_questions_count_zero_and_are_listed() -> None:
    result = readiness.assess({"S1": 5}, ev.Evidence())
    assert "S2" in result["unanswered"] and "S1" not in result["unanswered"]
    strategy = next(d for d in result["dimensions"] if d["key"] == "strategy")
    assert strategy["self_score"] == 25.0


def test_catalog_evidence_contradicts_self_report(catalog) -> None:
    build_company(catalog)
    evidence = ev.gather(None, catalog)
    said_yes = readiness.assess({"D4": "ja", "D2": 5}, evidence)
    found = {d["question"]: d for d in said_yes["disagreements"]}
    assert found["D4"]["direction"] == "higher"  # "rights are clear" - none are recorded
    assert "0 von 7" in found["D4"]["text"]
    said_no = readiness.assess({"D4": "nein"}, evidence)
    assert "D4" not in {d["question"] for d in said_no["disagreements"]}
    data = next(d for d in said_yes["dimensions"] if d["key"] == "data")
    assert data["evidence_score"] is not None and data["score"] < data["self_score"] or \
        data["evidence_score"] >= data["self_score"]


def test_recorded_rights_raise_the_measured_data_score(catalog) -> None:
    ids = build_company(catalog)
    before = readiness.measure(ev.gather(None, catalog))
    for key in ("sales", "press", "customers"):
        add_rights(catalog, ids[key], owner="Vertrieb", legal_basis="Art. 6 (1) b DSGVO")
    after = readiness.measure(ev.gather(None, catalog))
    assert after["measures"]["rights"] > before["measures"]["rights"]
    assert after["measures"]["personal"] == 1.0 and before["measures"]["personal"] == 0.0
    assert after["facts"]["longest_months"] == 36


def test_empty_catalog_rests_on_answers_only() -> None:
    result = readiness.assess(readiness.load_answers(EXAMPLE), ev.Evidence())
    data = next(d for d in result["dimensions"] if d["key"] == "data")
    assert data["evidence_score"] is None and data["score"] == data["self_score"]
    assert result["disagreements"] == []


def test_bad_answers_file_gives_a_clear_message(tmp_path: Path, cli) -> None:
    init_workspace(tmp_path)
    bad = tmp_path / "antworten.yaml"
    bad.write_text(yaml.safe_dump({"answers": {"S1": 9}}), "utf-8")
    result = cli("readiness", "--answers", str(bad), cwd=tmp_path)
    assert result.exit_code == 1
    assert "Fehler:" in result.output and "S1" in result.output
    bad.write_text(yaml.safe_dump({"answers": {"X9": "ja"}}), "utf-8")
    result = cli("readiness", "--answers", str(bad), cwd=tmp_path)
    assert result.exit_code == 1 and "X9" in result.output


def test_readiness_from_file_stores_result_and_json_matches_service(tmp_path: Path,
                                                                    cli) -> None:
    import json

    workspace = init_workspace(tmp_path)
    result = cli("readiness", "--answers", str(EXAMPLE), "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    expected = readiness.assess(readiness.load_answers(EXAMPLE), ev.Evidence())
    assert shown["phase"] == expected["phase"] and shown["score"] == expected["score"]
    catalog = workspace.open_catalog()
    with catalog.session() as session:
        stored = session.scalars(select(Result).where(Result.kind == "readiness")).all()
        assert len(stored) == 1 and stored[0].payload["answers"]["S1"] == 4
    assert readiness.stored_answers(catalog)["_company"] == "Müller Umformtechnik GmbH"
    catalog.close()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_interactive_questionnaire_in_the_terminal(tmp_path: Path, cli, lang: str) -> None:
    init_workspace(tmp_path)
    lines = [str(list(LANDS).index("SN") + 1)]  # the Bundesland is asked first, once
    for i, q in enumerate(readiness.questionnaire()["questions"]):
        if i == 0:
            lines += ["9", "x"]  # wrong input is asked again
        lines.append("1,2" if q["type"] == "multi" else str(len(readiness.options(q))))
    result = cli("--lang", lang, "readiness", input="\n".join(lines) + "\n", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    first = readiness.questionnaire()["questions"][0]["text"][lang]
    assert first in result.output
    assert ("Bitte eine der Nummern" if lang == "de" else "Please enter") in result.output
    catalog = init_workspace(tmp_path).open_catalog()
    answers = readiness.stored_answers(catalog)
    catalog.close()
    assert answers["S1"] == 5 and answers["S2"] == "nein" and answers["D5"] == ["erp",
                                                                             "datenbank"]
    assert init_workspace(tmp_path).settings["land"] == "SN"
    phase = readiness.assess(answers, ev.Evidence())["phase"]["title"]
    assert "Phase:" in result.output and phase in result.output


def test_history_answer_is_compared_with_the_measured_months(catalog) -> None:
    build_company(catalog)  # the longest series covers 36 months
    evidence = ev.gather(None, catalog)
    fits = readiness.assess({"D3": "2-5"}, evidence)
    assert "D3" not in {d["question"] for d in fits["disagreements"]}
    too_modest = readiness.assess({"D3": "<1"}, evidence)
    found = {d["question"]: d for d in too_modest["disagreements"]}
    assert found["D3"]["direction"] == "lower" and "36 Monate" in found["D3"]["text"]


def test_answers_stored_for_an_older_questionnaire_keep_what_still_fits(catalog) -> None:
    from tests.helpers.company import add_result

    add_result(catalog, "readiness", None, key="assessment", payload={
        "answers": {"S1": 4, "S2": "vielleicht", "Z9": "ja", "_company": "Alt GmbH"}})
    assert readiness.stored_answers(catalog) == {"S1": 4, "_company": "Alt GmbH"}


def test_data_dimension_as_a_whole_is_compared(catalog) -> None:
    build_company(catalog)
    evidence = ev.gather(None, catalog)
    best = {q["id"]: v for q_id, v in answers_at("max").items()
            for q in readiness.questionnaire()["questions"]
            if q["id"] == q_id and q["dimension"] == "data"}
    result = readiness.assess(best, evidence)
    first = result["disagreements"][0]
    assert first["dimension"] == "data" and first["direction"] == "higher"
    assert first["self"] == 100 and first["evidence"] < 75
    assert "der Katalog" in first["text"]
