"""Usage policies in the closed ODRL profile: the same decision whatever the JSON-LD form, and
nothing outside the profile is silently ignored."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime

import pytest

from datensorgfalt.services.sharing import (
    PolicyRefused,
    Request,
    build_policy,
    evaluate,
    explain,
    parse_policy,
    to_odrl,
)
from datensorgfalt.services.sharing.policy import expand

PARTNER = "urn:participant:werkzeugbau-b"


@pytest.fixture()
def offer() -> dict:
    policy = build_policy("KI-Training", assignee=PARTNER, until="2026-12-31", max_transfers=2,
                          protected_only=True)
    return to_odrl(policy)


def _decide(doc, **request) -> tuple[bool, list[str]]:
    values = {"assignee": PARTNER, "purpose": "ai_training", "date": date(2026, 6, 1)} | request
    decision = evaluate(parse_policy(doc), Request(**values))
    return decision.allowed, decision.codes


def test_offer_round_trip_keeps_every_rule(offer):
    again = parse_policy(json.dumps(offer))
    assert to_odrl(again) == offer
    assert again.max_transfers == 2 and again.protected_only and again.no_passing_on


def test_permitted_request_is_allowed(offer):
    assert _decide(offer) == (True, [])
    assert _decide(offer, purpose="KI-Training", transfers_so_far=1) == (True, [])
    assert _decide(offer, date=datetime(2026, 12, 31, 23, 59, tzinfo=UTC)) == (True, [])


@pytest.mark.parametrize(("request_values", "code"), [
    ({"date": date(2027, 1, 1)}, "expired"),
    ({"purpose": "research"}, "purpose"),
    ({"purpose": "Werbung"}, "purpose"),
    ({"transfers_so_far": 2}, "count"),
    ({"assignee": "urn:participant:dritter"}, "assignee"),
    ({"protected": False}, "protected"),
    ({"action": "distribute"}, "passing_on"),
])
def test_each_broken_condition_denies_with_its_reason(offer, request_values, code):
    allowed, codes = _decide(offer, **request_values)
    assert not allowed and codes == [code]


def test_expanded_and_compact_forms_decide_the_same(offer):
    expanded = expand(offer)
    assert "@context" not in json.dumps(expanded)
    for values in ({}, {"date": date(2027, 1, 1)}, {"purpose": "forecasting"},
                   {"transfers_so_far": 5}, {"assignee": "urn:x"}):
        assert _decide(expanded, **values) == _decide(offer, **values)
    assert parse_policy(expanded) == parse_policy(offer)


def test_prefixed_iris_and_dsp_message_form_read_the_same(offer):
    prefixed = copy.deepcopy(offer)
    prefixed["@context"] = ["https://w3id.org/dspace/2025/1/context.jsonld"]
    rule = prefixed["permission"][0]
    rule["action"] = "odrl:use"
    rule["constraint"][0]["leftOperand"] = "odrl:purpose"
    assert parse_policy(prefixed) == parse_policy(offer)
    embedded = {k: v for k, v in offer.items() if k != "@context"}
    assert parse_policy(embedded) == parse_policy(offer)


def test_window_start_and_strict_end():
    policy = build_policy("forecasting", start="2026-03-01",
                          until=datetime(2026, 4, 1, 12, 0, tzinfo=UTC))
    doc = to_odrl(policy)
    doc["permission"][0]["constraint"][2]["operator"] = "lt"
    parsed = parse_policy(doc)
    ask = Request("anyone", "forecasting")
    assert not evaluate(parsed, Request(**{**ask.__dict__, "date": date(2026, 2, 28)})).allowed
    assert evaluate(parsed, Request(**{**ask.__dict__, "date": date(2026, 3, 1)})).allowed
    noon = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    assert not evaluate(parsed, Request(**{**ask.__dict__, "date": noon})).allowed


@pytest.mark.parametrize("change", [
    lambda d: d["permission"][0]["constraint"].append(
        {"leftOperand": "spatial", "operator": "eq", "rightOperand": "DE"}),
    lambda d: d["permission"][0]["constraint"].append(
        {"or": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"}]}),
    lambda d: d["permission"][0].update(action="modify"),
    lambda d: d["permission"][0]["constraint"][0].update(operator="neq"),
    lambda d: d["permission"][0]["duty"].append({"action": "compensate"}),
    lambda d: d.update(obligation=[{"action": "compensate"}]),
    lambda d: d["prohibition"].append({"action": "print"}),
    lambda d: d["permission"].append({"action": "use"}),
    lambda d: d["permission"][0]["constraint"][0].update(rightOperand="urn:purpose:werbung"),
    lambda d: d["permission"][0]["constraint"].pop(0),
])
def test_anything_outside_the_profile_is_refused(offer, change):
    change(offer)
    with pytest.raises(PolicyRefused) as refused:
        parse_policy(offer)
    message = str(refused.value)
    assert message.endswith(".") and "Traceback" not in message and "sharing." not in message


def test_context_as_string_remote_context_and_broken_json_ld_are_one_sentence(offer):
    cases = {"context_string": {**offer, "@context": "http://www.w3.org/ns/odrl.jsonld"},
             "remote_context": {**offer, "@context": ["https://example.org/ctx.jsonld"]},
             "invalid_jsonld": {**offer, "@context": [{"x": {"@id": 5}}]},
             "not_json": "{ kein json",
             "not_object": "42"}
    for key, doc in cases.items():
        with pytest.raises(PolicyRefused) as refused:
            parse_policy(doc)
        assert refused.value.key == f"sharing.policy.error.{key}"
        assert "\n" not in str(refused.value)


def test_explain_says_what_is_allowed_and_forbidden_in_both_languages(offer):
    policy = parse_policy(offer)
    german = " ".join(explain(policy, "de"))
    assert "KI-Training" in german and "31.12.2026" in german and "2-mal" in german
    assert "weiterzugeben" in german and "geschützte Kopie" in german
    assert "AI training" in " ".join(explain(policy, "en"))


def test_cli_explain_and_dry_run(cli, tmp_path, offer):
    file = tmp_path / "regel.json"
    file.write_text(json.dumps(offer), "utf-8")
    shown = cli("policy", "explain", str(file))
    assert shown.exit_code == 0 and "KI-Training" in shown.output
    ok = cli("policy", "test", str(file), "--as", PARTNER, "--purpose", "KI-Training",
             "--date", "2026-05-01", "--json")
    assert ok.exit_code == 0 and json.loads(ok.output)["allowed"] is True
    late = cli("policy", "test", str(file), "--as", PARTNER, "--purpose", "ai_training",
               "--date", "2027-01-02")
    assert late.exit_code == 1 and "abgelaufen" in late.output
    offer["permission"][0]["constraint"].append(
        {"leftOperand": "spatial", "operator": "eq", "rightOperand": "DE"})
    file.write_text(json.dumps(offer), "utf-8")
    refused = cli("policy", "explain", str(file))
    assert refused.exit_code == 1 and "spatial" in refused.output
    assert "Traceback" not in refused.output
