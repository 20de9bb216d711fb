"""A real data trustee: ``datensorgfalt trustee init``/``participant add`` as processes, then
``trustee serve`` as a uvicorn process on a free loopback port. Three participants: the owner
(offers data), a consumer the offers name, and another party they do not name.

Every DSP message the tests send or receive is validated against the official JSON schemas in
``../shared/conformance/dataspace-protocol`` (skipped with a reason when ``shared`` is missing:
the behaviour is still tested, only the schema check is left out)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from datensorgfalt.services.trustee import add_participant, init_trustee
from tests.helpers.processes import free_port, stop_process
from tests.helpers.shared import SHARED

SRC = Path(__file__).resolve().parents[2] / "src"
DSP = SHARED / "conformance" / "dataspace-protocol" if SHARED else None
CONTEXT = ["https://w3id.org/dspace/2025/1/context.jsonld"]
POLLS = "urn:datensorgfalt:consumer:polls"  # no http(s) callback: the trustee sends nothing
SCHEMAS = {
    "CatalogRequestMessage": "catalog/catalog-request-message-schema.json",
    "Catalog": "catalog/catalog-schema.json",
    "Dataset": "catalog/dataset-schema.json",
    "CatalogError": "catalog/catalog-error-schema.json",
    "ContractRequestMessage": "negotiation/contract-request-message-schema.json",
    "ContractNegotiation": "negotiation/contract-negotiation-schema.json",
    "ContractNegotiationError": "negotiation/contract-negotiation-error-schema.json",
    "ContractAgreementMessage": "negotiation/contract-agreement-message-schema.json",
    "ContractAgreementVerificationMessage":
        "negotiation/contract-agreement-verification-message-schema.json",
    "ContractNegotiationTerminationMessage":
        "negotiation/contract-negotiation-termination-message-schema.json",
    "ContractNegotiationEventMessage":
        "negotiation/contract-negotiation-event-message-schema.json",
    "TransferRequestMessage": "transfer/transfer-request-message-schema.json",
    "TransferProcess": "transfer/transfer-process-schema.json",
    "TransferStartMessage": "transfer/transfer-start-message-schema.json",
    "TransferError": "transfer/transfer-error-schema.json",
    "TransferCompletionMessage": "transfer/transfer-completion-message-schema.json",
    "TransferTerminationMessage": "transfer/transfer-termination-message-schema.json",
    "TransferSuspensionMessage": "transfer/transfer-suspension-message-schema.json",
    "version": "common/protocol-version-schema.json",
}


def _validators() -> dict[str, Any]:
    if DSP is None:
        return {}
    from jsonschema import Draft201909Validator
    from referencing import Registry, Resource

    resources = []
    loaded = {}
    for path in DSP.rglob("*-schema.json"):
        # the quirk: a few references read "#definitions/..." instead of "#/definitions/..."
        doc = json.loads(path.read_text("utf-8").replace('#definitions/', '#/definitions/'))
        resources.append((doc["$id"], Resource.from_contents(doc)))
        loaded[str(path.relative_to(DSP))] = doc
    registry = Registry().with_resources(resources)
    return {kind: Draft201909Validator(loaded[name], registry=registry)
            for kind, name in SCHEMAS.items()}


VALIDATORS = _validators()
CHECKED: list[str] = []


def check_message(doc: Any, kind: str | None = None) -> None:
    """Fail when ``doc`` is not valid against the DSP schema of its type."""
    kind = kind or (doc.get("@type") if isinstance(doc, dict) else None)
    if not VALIDATORS or kind not in VALIDATORS:
        return
    errors = sorted(VALIDATORS[kind].iter_errors(doc), key=str)
    assert not errors, f"{kind} invalid: {errors[0].message} at {list(errors[0].path)}"
    CHECKED.append(kind)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATENSORGFALT_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    return subprocess.run([sys.executable, "-m", "datensorgfalt", *args], env=env,
                          capture_output=True, text=True, timeout=120)


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Trustee:
    home: Path
    port: int
    people: dict[str, dict] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATENSORGFALT_")}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
        log = (self.home / "serve.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "datensorgfalt", "trustee", "serve", "--home",
             str(self.home), "--port", str(self.port)], env=env, stdout=log,
            stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            assert self.process.poll() is None, "trustee serve ended"
            if self.request("GET", "/.well-known/dspace-version").status == 200:
                return
            time.sleep(0.2)
        raise RuntimeError("trustee did not start")

    def stop(self) -> None:
        stop_process(self.process)

    def request(self, method: str, path: str, body: Any = None, token: str | None = None,
                headers: dict | None = None, raw: bytes | None = None) -> Reply:
        sent = dict(headers or {})
        data = raw
        if body is not None:
            check_message(body)
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return Reply(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read(), dict(exc.headers))
        except OSError:
            return Reply(0, b"", {})

    def dsp(self, method: str, path: str, body: Any = None, who: str | None = None,
            **kwargs: Any) -> Reply:
        """A protocol request as participant ``who``; the answer must be schema-valid."""
        token = self.people[who]["token"] if who else kwargs.pop("token", None)
        reply = self.request(method, path, body, token=token, **kwargs)
        assert reply.status != 500 and reply.status != 0, reply.body
        if reply.headers.get("content-type", "").startswith("application/json"):
            check_message(reply.json())
        return reply

    def offer(self, who: str, data: bytes, purpose: str = "ai_training", **options: Any
              ) -> dict:
        from datensorgfalt.services.sharing.policy import build_policy, to_odrl

        policy = to_odrl(build_policy(purpose, **options))
        return self.offer_raw(who, data, policy)

    def offer_raw(self, who: str, data: bytes, policy: Any) -> Reply | dict:
        body = {"@context": CONTEXT, "@type": "Angebot", "title": "Verschleißdaten",
                "file_name": "verschleiss.csv", "media_type": "text/csv", "policy": policy,
                "data": base64.b64encode(data).decode(),
                "sha256": hashlib.sha256(data).hexdigest()}
        reply = self.request("POST", "/api/angebote", body, token=self.people[who]["token"])
        return reply.json() if reply.status == 201 else reply

    def negotiate(self, who: str, offer_id: str, dataset_id: str, purpose: str,
                  consumer_pid: str | None = None, callback: str = POLLS) -> Reply:
        from datensorgfalt.services.sharing.policy import find_purpose

        message = {"@context": CONTEXT, "@type": "ContractRequestMessage",
                   "consumerPid": consumer_pid or f"urn:uuid:{uuid.uuid4()}",
                   "offer": {"@type": "Offer", "@id": offer_id, "target": dataset_id,
                             "permission": [{"action": "use", "constraint": [
                                 {"leftOperand": "purpose", "operator": "eq",
                                  "rightOperand": find_purpose(purpose).iri}]}]},
                   "callbackAddress": callback}
        return self.dsp("POST", "/dsp/negotiations/request", message, who)

    def agree(self, who: str, offer: dict, purpose: str = "ai_training") -> dict:
        """Negotiate to FINALIZED; returns the agreement message."""
        negotiation = self.negotiate(who, offer["offer_id"], offer["dataset_id"], purpose)
        assert negotiation.status == 201, negotiation.body
        pid = negotiation.json()["providerPid"]
        agreement = self.dsp("GET", f"/dsp/negotiations/{pid}/agreement", who=who).json()
        verified = self.dsp("POST", f"/dsp/negotiations/{pid}/agreement/verification",
                            {"@context": CONTEXT, "@type": "ContractAgreementVerificationMessage",
                             "providerPid": pid, "consumerPid": agreement["consumerPid"]}, who)
        assert verified.json()["state"] == "FINALIZED"
        return agreement

    def request_transfer(self, who: str, agreement_id: str,
                         consumer_pid: str | None = None, callback: str = POLLS) -> Reply:
        return self.dsp("POST", "/dsp/transfers/request", {
            "@context": CONTEXT, "@type": "TransferRequestMessage",
            "consumerPid": consumer_pid or f"urn:uuid:{uuid.uuid4()}",
            "agreementId": agreement_id, "format": "HttpData-PULL",
            "callbackAddress": callback}, who)

    def start_message(self, who: str, transfer_pid: str) -> dict:
        return self.dsp("GET", f"/dsp/transfers/{transfer_pid}/start", who=who).json()


def pull(trustee: Trustee, start: dict) -> Reply:
    address = start["dataAddress"]
    token = next(p["value"] for p in address["endpointProperties"]
                 if p["name"] == "authorization")
    path = address["endpoint"].removeprefix(trustee.base)
    return trustee.request("GET", path, token=token)


def running_trustee(home: Path, db_url: str | None = None) -> Trustee:
    init_trustee(home, db_url)  # in-process: each CLI start costs seconds on a busy machine
    found = Trustee(home, free_port())
    added = run_cli("trustee", "participant", "add", "Firma owner", "--home", str(home),
                    "--json")
    assert added.returncode == 0, added.stderr
    found.people["owner"] = json.loads(added.stdout)
    for role in ("consumer", "other"):  # the same entry point, without another process start
        found.people[role] = add_participant(home, f"Firma {role}")
    found.start()
    return found


@pytest.fixture(scope="package")
def trustee(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trustee]:
    """The trustee on its default store, SQLite."""
    found = running_trustee(tmp_path_factory.mktemp("treuhand"))
    yield found
    found.stop()


@pytest.fixture(scope="package")
def pg_trustee(tmp_path_factory: pytest.TempPathFactory, postgres) -> Iterator[Trustee]:
    """The trustee on a fresh database of the throwaway PostgreSQL (``trustee init --db``)."""
    found = running_trustee(tmp_path_factory.mktemp("treuhand-pg"), postgres.new_database())
    yield found
    found.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_trustee(request: pytest.FixtureRequest) -> Trustee:
    """For the tests that must hold on both stores: flows, authorization, counting."""
    return request.getfixturevalue("trustee" if request.param == "sqlite" else "pg_trustee")
