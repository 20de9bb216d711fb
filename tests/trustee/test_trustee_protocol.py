"""The data trustee over real HTTP: the whole DSP flow, policies, the authorization matrix,
idempotency, invalid transitions, one-time tokens, hostile input."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from tests.trustee.conftest import CHECKED, CONTEXT, VALIDATORS, Trustee, check_message, pull

DATA = "Maschine;Verschleiß_mm\nM1;0,12\nM2;0,31\n".encode()


def test_version_is_public_and_schema_valid(trustee: Trustee) -> None:
    reply = trustee.request("GET", "/.well-known/dspace-version")
    assert reply.status == 200
    check_message(reply.json(), "version")
    assert reply.json()["protocolVersions"][0]["version"] == "2025-1"


def test_offer_negotiate_transfer_pull_once(any_trustee: Trustee) -> None:
    trustee = any_trustee
    offer = trustee.offer("owner", DATA, assignee=trustee.people["consumer"]["participant_id"])
    catalog = trustee.dsp("POST", "/dsp/catalog/request",
                          {"@context": CONTEXT, "@type": "CatalogRequestMessage"},
                          "consumer").json()
    assert offer["dataset_id"] in [d["@id"] for d in catalog["dataset"]]
    dataset = trustee.dsp("GET", f"/dsp/catalog/datasets/{offer['dataset_id']}",
                          who="consumer").json()
    assert dataset["hasPolicy"][0]["@id"] == offer["offer_id"]
    agreement = trustee.agree("consumer", offer)
    assert agreement["agreement"]["assignee"] == trustee.people["consumer"]["participant_id"]
    started = trustee.request_transfer("consumer", agreement["agreement"]["@id"])
    assert started.status == 201 and started.json()["state"] == "STARTED"
    start = trustee.start_message("consumer", started.json()["providerPid"])
    first = pull(trustee, start)
    assert first.status == 200 and first.body == DATA
    assert first.headers["x-content-sha256"] == hashlib.sha256(DATA).hexdigest()
    replay = pull(trustee, start)
    assert replay.status == 401 and replay.json()["@type"] == "TransferError"
    check_message(replay.json())
    state = trustee.dsp("GET", f"/dsp/transfers/{started.json()['providerPid']}",
                        who="consumer").json()
    assert state["state"] == "COMPLETED"
    if VALIDATORS:
        assert {"Catalog", "Dataset", "ContractAgreementMessage", "TransferStartMessage",
                "TransferProcess"} <= set(CHECKED)


def test_same_consumer_pid_is_idempotent(any_trustee: Trustee) -> None:
    trustee = any_trustee
    offer = trustee.offer("owner", DATA)
    pid = f"urn:uuid:{uuid.uuid4()}"
    first = trustee.negotiate("consumer", offer["offer_id"], offer["dataset_id"], "ai_training",
                              pid)
    again = trustee.negotiate("consumer", offer["offer_id"], offer["dataset_id"], "ai_training",
                              pid)
    assert first.status == 201 and again.status == 200
    assert first.json()["providerPid"] == again.json()["providerPid"]


@pytest.mark.parametrize("options, purpose, who, code", [
    ({"until": "2020-01-01"}, "ai_training", "consumer", "expired"),
    ({}, "research", "consumer", "purpose"),
    ({"assignee": "CONSUMER"}, "ai_training", "other", "assignee"),
])
def test_policy_denials_at_negotiation(trustee: Trustee, options: dict, purpose: str, who: str,
                                       code: str) -> None:
    if options.get("assignee") == "CONSUMER":
        options = {"assignee": trustee.people["consumer"]["participant_id"]}
    offer = trustee.offer("owner", DATA, **options)
    if who == "other" and "assignee" in options:
        # not even visible to a party the policy does not name
        reply = trustee.negotiate(who, offer["offer_id"], offer["dataset_id"], purpose)
        assert reply.status == 404
        return
    reply = trustee.negotiate(who, offer["offer_id"], offer["dataset_id"], purpose)
    assert reply.status == 400
    body = reply.json()
    assert body["@type"] == "ContractNegotiationError" and body["code"] == "policy"
    assert body["reason"] and all(isinstance(r, str) and r.endswith(".") for r in body["reason"])


def test_exceeded_transfer_count_is_denied(any_trustee: Trustee) -> None:
    trustee = any_trustee
    offer = trustee.offer("owner", DATA, max_transfers=1)
    agreement = trustee.agree("consumer", offer)
    first = trustee.request_transfer("consumer", agreement["agreement"]["@id"])
    assert pull(trustee, trustee.start_message("consumer", first.json()["providerPid"])).status \
        == 200
    second = trustee.request_transfer("consumer", agreement["agreement"]["@id"])
    assert second.status == 400 and second.json()["code"] == "policy"


def test_out_of_profile_constraint_refused_at_offer_time(trustee: Trustee) -> None:
    policy = {"@context": ["https://w3id.org/dspace/2025/1/context.jsonld",
                           "https://w3id.org/dspace/2025/1/odrl-profile.jsonld"],
              "@id": "urn:uuid:x", "@type": "Offer",
              "permission": [{"action": "use", "constraint": [
                  {"leftOperand": "spatial", "operator": "eq",
                   "rightOperand": "http://example.org/EU"}]}]}
    reply = trustee.offer_raw("owner", DATA, policy)
    assert reply.status == 400 and reply.json()["code"] == "policy"
    check_message(reply.json())
    assert reply.json()["reason"][0]


def _endpoints(trustee: Trustee) -> dict[str, tuple[str, str, dict | None]]:
    offer = trustee.offer("owner", DATA, assignee=trustee.people["consumer"]["participant_id"])
    negotiation = trustee.negotiate("consumer", offer["offer_id"], offer["dataset_id"],
                                    "ai_training").json()
    npid = negotiation["providerPid"]
    agreement = trustee.dsp("GET", f"/dsp/negotiations/{npid}/agreement", who="consumer").json()
    trustee.dsp("POST", f"/dsp/negotiations/{npid}/agreement/verification",
                {"@context": CONTEXT, "@type": "ContractAgreementVerificationMessage",
                 "providerPid": npid, "consumerPid": negotiation["consumerPid"]}, "consumer")
    transfer = trustee.request_transfer("consumer", agreement["agreement"]["@id"]).json()
    tpid = transfer["providerPid"]
    return {
        "catalog": ("POST", "/dsp/catalog/request",
                    {"@context": CONTEXT, "@type": "CatalogRequestMessage"}),
        "dataset": ("GET", f"/dsp/catalog/datasets/{offer['dataset_id']}", None),
        "negotiation": ("GET", f"/dsp/negotiations/{npid}", None),
        "agreement": ("GET", f"/dsp/negotiations/{npid}/agreement", None),
        "transfer": ("GET", f"/dsp/transfers/{tpid}", None),
        "start": ("GET", f"/dsp/transfers/{tpid}/start", None),
        "suspend": ("POST", f"/dsp/transfers/{tpid}/suspension",
                    {"@context": CONTEXT, "@type": "TransferSuspensionMessage",
                     "providerPid": tpid, "consumerPid": transfer["consumerPid"]}),
    }


def test_authorization_matrix(any_trustee: Trustee) -> None:
    trustee = any_trustee
    endpoints = _endpoints(trustee)
    expected_other = {"catalog": 200, "dataset": 404}
    for name, (method, path, body) in endpoints.items():
        assert trustee.dsp(method, path, body).status == 401, name
        assert trustee.dsp(method, path, body, token="falsch").status == 401, name
        other = trustee.dsp(method, path, body, who="other").status
        assert other == expected_other.get(name, 404), (name, other)
        owner = trustee.dsp(method, path, body, who="owner").status
        assert owner == (200 if name in ("catalog", "dataset") else 404), (name, owner)
        assert trustee.dsp(method, path, body, who="consumer").status == 200, name
    other_catalog = trustee.dsp("POST", *endpoints["catalog"][1:], who="other").json()
    dataset_path = endpoints["dataset"][1]
    assert dataset_path.rsplit("/", 1)[1] not in [d["@id"] for d in
                                                  other_catalog.get("dataset", [])]


def test_invalid_transition_and_unknown_process(trustee: Trustee) -> None:
    offer = trustee.offer("owner", DATA)
    agreement = trustee.agree("consumer", offer)
    npid = agreement["providerPid"]
    again = trustee.dsp("POST", f"/dsp/negotiations/{npid}/agreement/verification",
                        {"@context": CONTEXT, "@type": "ContractAgreementVerificationMessage",
                         "providerPid": npid, "consumerPid": agreement["consumerPid"]},
                        "consumer")
    assert again.status == 400 and again.json()["code"] == "state"
    unknown = trustee.dsp("GET", f"/dsp/negotiations/urn:uuid:{uuid.uuid4()}", who="consumer")
    assert unknown.status == 404 and unknown.json()["@type"] == "ContractNegotiationError"
    transfer = trustee.dsp("POST", "/dsp/transfers/request", {
        "@context": CONTEXT, "@type": "TransferRequestMessage",
        "consumerPid": f"urn:uuid:{uuid.uuid4()}", "agreementId": "urn:uuid:unbekannt",
        "format": "HttpData-PULL", "callbackAddress": "https://c.invalid/"}, "consumer")
    assert transfer.status == 404 and transfer.json()["@type"] == "TransferError"


@pytest.mark.parametrize("raw, content_type, status", [
    (b"{kein json", "application/json", 400),
    (b'{"@context": "https://w3id.org/dspace/2025/1/context.jsonld",'
     b' "@type": "CatalogRequestMessage"}', "application/json", 400),
    (b'["kein", "objekt"]', "application/json", 400),
    (b'{"@context": ["https://w3id.org/dspace/2025/1/context.jsonld"], "@type": "Unsinn"}',
     "application/json", 400),
    (b"<xml/>", "application/xml", 415),
    (b"{" + b" " * (300 * 1024) + b"}", "application/json", 413),
])
def test_hostile_catalog_requests_get_schema_valid_errors(trustee: Trustee, raw: bytes,
                                                          content_type: str,
                                                          status: int) -> None:
    reply = trustee.dsp("POST", "/dsp/catalog/request", who="consumer", raw=raw,
                        headers={"Content-Type": content_type})
    assert reply.status == status
    assert reply.json()["@type"] == "CatalogError"
    check_message(reply.json())


def test_hostile_negotiation_request_and_unknown_state(trustee: Trustee) -> None:
    reply = trustee.dsp("POST", "/dsp/negotiations/request", who="consumer",
                        raw=b'{"@context": ["https://w3id.org/dspace/2025/1/context.jsonld"],'
                            b' "@type": "ContractRequestMessage", "consumerPid": "x",'
                            b' "offer": {"@id": 5, "permission": "alles"}}',
                        headers={"Content-Type": "application/json"})
    assert 400 <= reply.status < 500
    assert reply.json()["@type"] == "ContractNegotiationError"
