"""Callbacks of the Dataspace Protocol: a consumer with an http(s) callback address gets the
agreement, the FINALIZED event, the transfer's start message (whose one-time token works) and
its completion, or the termination with the reasons, as schema-valid POSTs to the paths of the
HTTPS binding; each attempt is in the audit log. A consumer that polls gets nothing sent, and
the trustee calls only addresses registered for the participant (``--callback``)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from datensorgfalt.services.trustee import add_participant
from tests.trustee.conftest import CONTEXT, Trustee, check_message, pull, run_cli

DATA = b"Maschine;Vibration_mm_s\nPresse 1;2,4\nPresse 2;2,9\n"


@dataclass
class Consumer:
    """The consumer's callback server on loopback: keeps every message it was sent."""

    server: ThreadingHTTPServer
    received: dict[str, dict] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/rueckruf"

    def wait(self, path: str, seconds: float = 30) -> dict:
        deadline = time.time() + seconds
        while time.time() < deadline:
            if path in self.received:
                return self.received[path]
            time.sleep(0.05)
        raise AssertionError(f"no callback at {path}; got {sorted(self.received)}")


@pytest.fixture
def consumer() -> Iterator[Consumer]:
    found = Consumer(None)  # type: ignore[arg-type]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            found.received[self.path] = json.loads(body)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    found.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


def _caller(trustee: Trustee, consumer: Consumer) -> str:
    """A participant whose callback address (the consumer's server) the operator registered."""
    role = f"caller-{uuid.uuid4()}"
    trustee.people[role] = add_participant(trustee.home, role, (consumer.address,))
    return role


def _ask(trustee: Trustee, consumer: Consumer, purpose: str, path: str
         ) -> tuple[str, str, object, dict]:
    """Negotiate with a registered callback address; the caller, the consumer pid, the answer
    and what was pushed."""
    caller = _caller(trustee, consumer)
    offer = trustee.offer("owner", DATA)
    cpid = f"urn:uuid:{uuid.uuid4()}"
    answer = trustee.negotiate(caller, offer["offer_id"], offer["dataset_id"], purpose,
                               cpid, callback=consumer.address)
    pushed = consumer.wait(f"/rueckruf/negotiations/{cpid}/{path}")
    check_message(pushed)
    return caller, cpid, answer, pushed


def test_agreement_event_start_and_completion_are_sent_back(trustee: Trustee,
                                                            consumer: Consumer) -> None:
    caller, cpid, asked, pushed = _ask(trustee, consumer, "ai_training", "agreement")
    assert asked.status == 201
    assert pushed["@type"] == "ContractAgreementMessage"
    assert pushed["agreement"]["assignee"] == trustee.people[caller]["participant_id"]

    npid = asked.json()["providerPid"]
    trustee.dsp("POST", f"/dsp/negotiations/{npid}/agreement/verification",
                {"@context": CONTEXT, "@type": "ContractAgreementVerificationMessage",
                 "providerPid": npid, "consumerPid": cpid}, caller)
    event = consumer.wait(f"/rueckruf/negotiations/{cpid}/events")
    check_message(event)
    assert event["eventType"] == "FINALIZED" and event["providerPid"] == npid

    tpid = f"urn:uuid:{uuid.uuid4()}"
    started = trustee.request_transfer(caller, pushed["agreement"]["@id"], tpid,
                                       callback=consumer.address)
    assert started.status == 201
    start = consumer.wait(f"/rueckruf/transfers/{tpid}/start")
    check_message(start)
    got = pull(trustee, start)  # the pushed one-time token is the valid one
    assert got.status == 200 and got.body == DATA
    done = consumer.wait(f"/rueckruf/transfers/{tpid}/completion")
    check_message(done)
    assert done["providerPid"] == started.json()["providerPid"]

    time.sleep(0.5)  # the last attempt is logged after the consumer answered
    with sqlite3.connect(trustee.home / "treuhand.sqlite") as db:
        sent = [json.loads(row[0]) for row in db.execute(
            "SELECT detail FROM audit WHERE action = 'callback'")]
    mine = [entry for entry in sent if "/rueckruf/" in entry["url"] and cpid in entry["url"]
            or tpid in entry["url"]]
    assert {entry["message"] for entry in mine} == {
        "ContractAgreementMessage", "ContractNegotiationEventMessage", "TransferStartMessage",
        "TransferCompletionMessage"}
    assert all(entry["status"] == 200 for entry in mine)


def test_a_denial_is_sent_back_as_termination(trustee: Trustee, consumer: Consumer) -> None:
    _, _, denied, ended = _ask(trustee, consumer, "research", "termination")
    assert denied.status == 400
    assert ended["reason"] == denied.json()["reason"]


def test_a_polling_consumer_is_not_called(trustee: Trustee, consumer: Consumer) -> None:
    offer = trustee.offer("owner", DATA)
    agreement = trustee.agree("consumer", offer)  # the default callback address: no URL
    started = trustee.request_transfer("consumer", agreement["agreement"]["@id"])
    assert pull(trustee, trustee.start_message("consumer", started.json()["providerPid"])
                ).status == 200
    time.sleep(0.5)
    assert consumer.received == {}


def _audit(trustee: Trustee, action: str) -> list[dict]:
    with sqlite3.connect(trustee.home / "treuhand.sqlite") as db:
        return [json.loads(row[0]) for row in db.execute(
            "SELECT detail FROM audit WHERE action = ?", (action,))]


def test_an_address_not_registered_for_the_participant_is_never_called(
        trustee: Trustee, consumer: Consumer) -> None:
    """Otherwise any participant could make the trustee send requests to any address it can
    reach (internal services included); the negotiation goes on, the consumer polls."""
    offer = trustee.offer("owner", DATA)
    caller = _caller(trustee, consumer)  # registered: .../rueckruf/ on this port
    elsewhere = consumer.address.replace("/rueckruf", "/verwaltung")
    for who, address in (("consumer", consumer.address), (caller, elsewhere)):
        answer = trustee.negotiate(who, offer["offer_id"], offer["dataset_id"], "ai_training",
                                   callback=address)
        assert answer.status == 201
        assert answer.json()["state"] == "AGREED"  # polling still works
    time.sleep(1.0)
    assert consumer.received == {}
    refused = {entry["url"] for entry in _audit(trustee, "callback_refused")}
    assert {consumer.address, elsewhere} <= refused


@pytest.mark.parametrize("address", ["ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/",
                                     "http:///ohne-rechner", "http://127.0.0.1/a/../b",
                                     "Rückruf"])
def test_participant_add_refuses_a_bad_callback_address(tmp_path, address: str) -> None:
    from datensorgfalt.services.trustee import init_trustee

    (tmp_path / "th").mkdir()
    init_trustee(tmp_path / "th")
    done = run_cli("trustee", "participant", "add", "Firma X", "--home", str(tmp_path / "th"),
                   "--callback", address)
    assert done.returncode == 1
    assert done.stderr.count("Fehler:") == 1 and "Rückrufadresse" in done.stderr
    assert "Traceback" not in done.stderr
    with sqlite3.connect(tmp_path / "th" / "treuhand.sqlite") as db:
        assert db.execute("SELECT count(*) FROM participants").fetchone() == (0,)


def test_a_store_made_before_callbacks_gets_the_column(tmp_path) -> None:
    from datensorgfalt.services.trustee.store import open_engine

    path = tmp_path / "alt.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE negotiations (provider_pid VARCHAR(80) PRIMARY KEY, "
                   "consumer_pid VARCHAR(200) NOT NULL, consumer VARCHAR(80) NOT NULL, "
                   "offer_id VARCHAR(80) NOT NULL, purpose VARCHAR(80), state VARCHAR(20) "
                   "NOT NULL, agreement_id VARCHAR(80), agreement TEXT, reasons TEXT)")
        db.execute("INSERT INTO negotiations VALUES ('p', 'c', 'x', 'o', NULL, 'AGREED', "
                   "NULL, NULL, NULL)")
        db.execute("CREATE TABLE participants (id VARCHAR(80) PRIMARY KEY, name VARCHAR(200) "
                   "NOT NULL, token_hash VARCHAR(64) NOT NULL UNIQUE, created VARCHAR(40) "
                   "NOT NULL)")
    open_engine(f"sqlite:///{path}").dispose()
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(negotiations)")]
        assert "callback" in columns
        assert "callbacks" in [row[1] for row in db.execute("PRAGMA table_info(participants)")]
        assert db.execute("SELECT state, callback FROM negotiations").fetchall() == [
            ("AGREED", None)]
