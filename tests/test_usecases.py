"""Use cases: the library file, matching against hand-made catalogs, verdicts, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from datensorgfalt.catalog.models import Result
from datensorgfalt.services import evidence as ev
from datensorgfalt.services.readiness import assessment as readiness
from datensorgfalt.services.usecases.matching import library, match_all
from datensorgfalt.services.usecases.predicates import PARAMETERS
from datensorgfalt.workspace import init_workspace
from tests.helpers.company import add_dataset, add_result, build_company, time_series

AREAS = {"production", "logistics", "sales", "purchasing", "service", "hr", "rnd",
         "administration"}
METHODS = {"forecasting", "classification", "regression", "anomaly", "image", "text",
           "generative", "optimisation"}
TEXT_FIELDS = ("title", "summary", "make_or_buy")
LIST_FIELDS = ("pitfalls", "first_steps")
NAMED_IN_ISSUE = {"container-counting", "sales-forecast", "grinding-media-wear",
                  "glass-inspection", "quotation-from-requests", "predictive-maintenance",
                  "condition-monitoring", "demand-planning", "feedback-analysis",
                  "invoice-extraction", "product-chatbot", "knowledge-management",
                  "targeted-marketing", "route-optimisation", "stock-optimisation"}


def by_id(matches: list[dict]) -> dict[str, dict]:
    return {m["id"]: m for m in matches}


def test_library_has_30_complete_use_cases_in_both_languages() -> None:
    cases = library()
    assert len(cases) >= 30
    assert len({c["id"] for c in cases}) == len(cases)
    assert {c["id"] for c in cases} >= NAMED_IN_ISSUE
    assert {c["id"] for c in cases if c.get("practice")} >= {
        "container-counting", "sales-forecast", "grinding-media-wear", "glass-inspection",
        "quotation-from-requests"}
    for c in cases:
        for field in TEXT_FIELDS:
            assert c[field]["de"].strip() and c[field]["en"].strip(), (c["id"], field)
        for field in LIST_FIELDS:
            assert c[field]["de"] and len(c[field]["de"]) == len(c[field]["en"]), (c["id"], field)
        assert c["area"] in AREAS and c["method"] in METHODS, c["id"]
        assert c["nace"] and all(len(n) == 1 and n.isupper() for n in c["nace"]), c["id"]
        assert c["benefit"] in ("low", "medium", "high") and c["effort"] in (
            "low", "medium", "high"), c["id"]
        assert c["ai_act"]["risk"] in ("minimal", "limited", "high", "prohibited"), c["id"]
        assert c["ai_act"]["reason"]["de"] and c["ai_act"]["reason"]["en"], c["id"]
        assert isinstance(c["dsgvo"], bool) and isinstance(c["codetermination"], bool)
        assert c["requires"], c["id"]


def test_every_data_requirement_is_a_known_predicate_with_known_parameters() -> None:
    phases = {p["key"] for p in readiness.questionnaire()["phases"]}
    dimensions = {d["key"] for d in readiness.questionnaire()["dimensions"]}
    for c in library():
        for requirement in c["requires"]:
            assert len(requirement) == 1, c["id"]
            (name, spec), = requirement.items()
            assert name in PARAMETERS, (c["id"], name)
            assert set(spec or {}) <= PARAMETERS[name], (c["id"], name, spec)
        gates = c.get("gates") or {}
        assert gates.get("phase", "not_started") in phases, c["id"]
        assert set(gates.get("dimensions") or {}) <= dimensions, c["id"]


def test_ai_act_classes_where_the_law_puts_them() -> None:
    cases = {c["id"]: c for c in library()}
    assert cases["cv-screening"]["ai_act"]["risk"] == "high"
    assert cases["product-chatbot"]["ai_act"]["risk"] == "limited"
    assert cases["workplace-emotion-recognition"]["ai_act"]["risk"] == "prohibited"
    assert cases["shift-planning"]["codetermination"] is True


def test_machine_builder_can_start_forecast_and_monitoring_but_not_image_inspection(
        catalog) -> None:
    ids = build_company(catalog)
    matches = by_id(match_all(ev.gather(None, catalog)))
    forecast = matches["sales-forecast"]
    assert forecast["verdict"] == "now"
    assert forecast["requirements"][0]["datasets"][0]["id"] == ids["sales"]  # not the copy
    assert forecast["poc"]["dataset"] == ids["sales"]
    assert forecast["poc"]["target"] == "Nettobetrag" and forecast["poc"]["date"] == "Belegdatum"
    assert forecast["poc"]["command"] == (f"datensorgfalt poc forecast --dataset {ids['sales']}"
                                          " --target Nettobetrag --date Belegdatum")
    monitoring = matches["condition-monitoring"]
    assert monitoring["verdict"] == "now" and monitoring["poc"]["dataset"] == ids["press"]
    assert monitoring["poc"]["date"] == "Zeitstempel"
    inspection = matches["visual-inspection"]
    assert inspection["verdict"] == "not_yet" and inspection["poc"] is None
    assert "defekt (12)" in inspection["missing"][0]
    assert matches["request-routing"]["verdict"] == "now"
    assert matches["request-routing"]["poc"]["label"] == "Schluessel"
    assert matches["predictive-maintenance"]["verdict"] == "now"
    assert matches["container-counting"]["verdict"] == "not_yet"
    assert matches["grinding-media-wear"]["verdict"] == "after"
    assert matches["workplace-emotion-recognition"]["verdict"] == "not_yet"
    ranked = match_all(ev.gather(None, catalog))
    assert [m["id"] for m in ranked[:2]] == ["sales-forecast", "condition-monitoring"]


def test_short_history_says_how_many_months_are_missing(catalog) -> None:
    sales = add_dataset(catalog, "vertrieb/umsatz.csv", rows=3000, columns=[
        ("Datum", "date", "date"), ("Umsatz", "decimal", "amount")])
    add_result(catalog, "quality", sales, {"score": 90} | time_series("2025-07-01",
                                                                       "2025-12-31"))
    forecast = by_id(match_all(ev.gather(None, catalog)))["sales-forecast"]
    assert forecast["verdict"] == "not_yet"  # 6 of 24 months: less than half
    assert forecast["requirements"][0]["missing"] == "18 Monate mehr Verlauf"
    add_result(catalog, "quality", sales, {"score": 90} | time_series("2024-04-01",
                                                                       "2025-12-31"))
    forecast = by_id(match_all(ev.gather(None, catalog)))["sales-forecast"]
    assert forecast["verdict"] == "after"
    assert "3 Monate mehr Verlauf" in forecast["verdict_label"]
    assert forecast["poc"]["dataset"] == sales


def test_readiness_gates_delay_a_case_whose_data_is_there(catalog) -> None:
    build_company(catalog)
    evidence = ev.gather(None, catalog)
    beginner = readiness.assess({}, evidence)
    assert beginner["phase"]["key"] == "not_started"
    matches = by_id(match_all(evidence, beginner))
    quotation = matches["quotation-from-requests"]
    assert all(r["ok"] for r in quotation["requirements"])
    assert quotation["verdict"] == "after"
    assert "Reifegrad mindestens Experimentierphase" in quotation["verdict_label"]
    assert matches["request-routing"]["verdict"] == "now"  # no gate


def test_flags_for_personal_data_and_works_council(catalog) -> None:
    build_company(catalog)
    matches = by_id(match_all(ev.gather(None, catalog)))
    assert matches["quotation-from-requests"]["flags"]["dsgvo"] is True
    assert matches["container-counting"]["flags"]["codetermination"] is True
    assert matches["cv-screening"]["flags"]["ai_act"] == "high"
    assert matches["product-chatbot"]["flags"]["ai_act_label"] == "Transparenzpflicht"


def test_empty_catalog_starts_nothing(catalog) -> None:
    matches = match_all(ev.gather(None, catalog))
    assert matches and all(m["verdict"] != "now" for m in matches)
    assert all(m["poc"] is None for m in matches if m["verdict"] == "not_yet")


def test_usecases_command_stores_one_result_per_case(tmp_path: Path, cli) -> None:
    workspace = init_workspace(tmp_path)
    catalog = workspace.open_catalog()
    ids = build_company(catalog)
    result = cli("usecases", "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert len(shown) == len(library()) and shown[0]["id"] == "sales-forecast"
    with catalog.session() as session:
        rows = session.scalars(select(Result).where(Result.kind == "usecases")).all()
        stored = {r.key: r.payload for r in rows}
    catalog.close()
    assert set(stored) == {c["id"] for c in library()}
    assert stored["sales-forecast"]["verdict"] == "now"
    assert stored["sales-forecast"]["poc"]["dataset"] == ids["sales"]
    table = cli("usecases", cwd=tmp_path)
    assert table.exit_code == 0
    flat = " ".join(table.output.replace("│", " ").split())
    assert "Sie können jetzt" in flat and "Machbarkeitsnachweis starten mit:" in flat
    assert f"datensorgfalt poc forecast --dataset {ids['sales']}" in flat
    english = cli("--lang", "en", "usecases", cwd=tmp_path)
    assert "You can start" in " ".join(english.output.replace("│", " ").split())


def test_results_are_stored_in_sqlite_and_postgresql(catalog) -> None:
    from datensorgfalt.services.knowledge import path_of
    from datensorgfalt.services.readiness.assessment import load_answers, run_readiness
    from datensorgfalt.services.usecases.matching import run_usecases

    build_company(catalog)
    assessed = run_readiness(None, catalog, load_answers(path_of("answers-example.yaml")))
    matches = run_usecases(None, catalog)
    with catalog.session() as session:
        rows = session.scalars(select(Result).where(Result.kind.in_(
            ["readiness", "usecases"]))).all()
        kinds = sorted({(r.kind, r.key) for r in rows})
        routing = next(r.payload for r in rows if r.key == "quotation-from-requests")
    assert ("readiness", "assessment") in kinds and len(kinds) == len(library()) + 1
    assert routing["verdict"] == "now"  # the stored phase (Experimentierphase) opens its gate
    assert routing["gates"][0]["have"] == assessed["phase"]["key"] == "experiment"
    assert [m["id"] for m in matches[:2]] == ["sales-forecast", "condition-monitoring"]


def test_success_criteria_are_written_the_way_poc_reads_them() -> None:
    """Every criterion parses with the ``poc`` command's own Soll parser, for its kind."""
    from datensorgfalt.services.poc.soll import parse_soll

    kinds = {"forecast", "anomaly", "classify", "regress", "text", "image"}
    for c in library():
        if "poc" not in c:
            continue
        assert c["poc"]["kind"] in kinds, c["id"]
        if c["poc"]["kind"] != "image":
            assert parse_soll(c["poc"]["criterion"], c["poc"]["kind"]) is not None, c["id"]


def test_imbalanced_classification_is_not_judged_by_plain_accuracy() -> None:
    """A majority rule reaches 97 % accuracy on scrap data: classify cases use macro-F1."""
    from datensorgfalt.services.poc.soll import parse_soll

    for c in library():
        if c.get("poc", {}).get("kind") == "classify":
            assert parse_soll(c["poc"]["criterion"], "classify").metric != "accuracy", c["id"]


def test_predictive_maintenance_hands_the_failure_list_to_the_poc(catalog) -> None:
    ids = build_company(catalog)
    maintenance = by_id(match_all(ev.gather(None, catalog)))["predictive-maintenance"]
    assert maintenance["poc"]["events"] == ids["failures"]
    assert f"--events {ids['failures']}" in maintenance["poc"]["command"]


def test_a_named_outcome_needs_a_column_of_that_name() -> None:
    """Delivery-time prediction needs a delivery time, not just any amount in an order table."""
    from dataclasses import replace

    from datensorgfalt.services.evidence import Facts
    from datensorgfalt.services.usecases.predicates import _table_target

    columns = [{"name": "Nettobetrag", "type": "decimal", "semantic": "amount"},
               {"name": "Menge", "type": "integer", "semantic": "quantity"}]
    orders = Facts(id="ds-1", title="auftraege", kind="table", location="file:///a.csv",
                   path="/a.csv", format="csv", status="active", rows=1000, byte_size=1,
                   modified_at=None, columns=columns, details={})
    assert _table_target(orders, "numeric") is not None
    assert _table_target(orders, "numeric", ["liefer", "delivery"]) is None
    with_delivery = replace(orders, columns=[*columns, {"name": "Lieferzeit_Tage",
                                                        "type": "integer",
                                                        "semantic": "quantity"}])
    assert _table_target(with_delivery, "numeric", ["liefer"]) == "Lieferzeit_Tage"
