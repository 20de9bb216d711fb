"""Faults: the trustee process is killed with SIGKILL in the middle of a transfer, in the middle
of an offer upload and while a company's ``dataspace get`` runs; after a restart on the same
home nothing half-written is visible, the transfer can be repeated and the audit log verifies."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from datensorgfalt.services.trustee import add_participant, init_trustee
from datensorgfalt.workspace import init_workspace
from tests.helpers.processes import free_port
from tests.trustee.conftest import CONTEXT, SRC, Trustee, pull, run_cli

SIZE = 24 * 1024 * 1024  # large enough that the answer is still on its way when killed


def _kill(trustee: Trustee) -> None:
    assert trustee.process is not None
    os.kill(trustee.process.pid, signal.SIGKILL)
    trustee.process.wait(30)


def _restart(trustee: Trustee) -> Trustee:
    again = Trustee(trustee.home, free_port(), trustee.people)
    again.start()
    return again


def _audit_actions(home: Path) -> list[str]:
    with sqlite3.connect(home / "treuhand.sqlite") as db:
        return [row[0] for row in db.execute("SELECT action FROM audit ORDER BY seq")]


def _upload_half(trustee: Trustee, token: str, data: bytes) -> None:
    """Send the first half of an offer's body, then kill the trustee before the rest."""
    body = json.dumps({"@context": CONTEXT, "@type": "Angebot", "title": "Halb",
                       "policy": {}, "data": base64.b64encode(data).decode()}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", trustee.port, timeout=30)
    conn.putrequest("POST", "/api/angebote")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(len(body)))
    conn.endheaders()
    conn.send(body[: len(body) // 2])
    time.sleep(0.5)
    _kill(trustee)
    conn.close()


def _pull_cut_off(trustee: Trustee, start: dict) -> int:
    """Read the first megabyte of the data, kill the trustee, return how much arrived."""
    address = start["dataAddress"]
    token = next(p["value"] for p in address["endpointProperties"]
                 if p["name"] == "authorization")
    conn = http.client.HTTPConnection("127.0.0.1", trustee.port, timeout=30)
    conn.request("GET", address["endpoint"].removeprefix(trustee.base),
                 headers={"Authorization": f"Bearer {token}"})
    answer = conn.getresponse()
    assert answer.status == 200
    got = len(answer.read(1024 * 1024))
    _kill(trustee)
    try:
        got += len(answer.read())
    except (http.client.IncompleteRead, OSError) as cut:
        got += len(getattr(cut, "partial", b""))
    conn.close()
    return got


@pytest.fixture
def home(tmp_path: Path) -> Path:
    root = tmp_path / "treuhand"
    root.mkdir()
    init_trustee(root)
    return root


def test_kill_9_during_transfer_then_restart(home: Path, tmp_path: Path) -> None:
    trustee = Trustee(home, free_port())
    for role in ("owner", "consumer"):
        trustee.people[role] = add_participant(home, f"Firma {role}")
    trustee.start()
    data = os.urandom(SIZE)
    try:
        offer = trustee.offer("owner", data)
        agreement = trustee.agree("consumer", offer)
        started = trustee.request_transfer("consumer", agreement["agreement"]["@id"])
        start = trustee.start_message("consumer", started.json()["providerPid"])
        assert _pull_cut_off(trustee, start) < SIZE

        trustee = _restart(trustee)
        _upload_half(trustee, trustee.people["owner"]["token"], os.urandom(1024 * 1024))

        trustee = _restart(trustee)
        company = tmp_path / "b"
        init_workspace(company)
        _get_killed_on_the_way(trustee, offer["offer_id"], company)

        trustee = _restart(trustee)
        # nothing half-written: only the first offer, and its data decrypt to the right hash
        listed = trustee.dsp("POST", "/dsp/catalog/request",
                             {"@context": CONTEXT, "@type": "CatalogRequestMessage"},
                             "consumer").json()
        assert [d["@id"] for d in listed["dataset"]] == [offer["dataset_id"]]
        assert _audit_actions(home).count("offer") == 1

        # the transfer can be repeated: the same agreement, a new transfer process
        again = trustee.request_transfer("consumer", agreement["agreement"]["@id"])
        assert again.status == 201, again.body
        got = pull(trustee, trustee.start_message("consumer", again.json()["providerPid"]))
        assert got.status == 200 and got.body == data

        # and from the company's workspace, after its own run was cut off
        done = run_cli("dataspace", "get", offer["offer_id"], "--trustee", trustee.base,
                       "--token", trustee.people["consumer"]["token"], "--purpose",
                       "KI-Training", "--out", str(company / "erhalten.bin"), "--overwrite",
                       "-w", str(company))
        assert done.returncode == 0, done.stderr
        assert hashlib.sha256((company / "erhalten.bin").read_bytes()).hexdigest() == \
            hashlib.sha256(data).hexdigest()
    finally:
        trustee.stop()
    verified = run_cli("trustee", "audit", "verify", "--home", str(home), "--json")
    assert verified.returncode == 0, verified.stdout
    assert json.loads(verified.stdout)["ok"] is True


def _get_killed_on_the_way(trustee: Trustee, offer_id: str, company: Path) -> None:
    """``dataspace get`` as a process; the trustee is killed as soon as it hands out the
    one-time token. The company then has the whole, checked file or none, and no leftovers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATENSORGFALT_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    before = _audit_actions(trustee.home).count("transfer_token")
    getting = subprocess.Popen(
        [sys.executable, "-m", "datensorgfalt", "dataspace", "get", offer_id, "--trustee",
         trustee.base, "--token", trustee.people["consumer"]["token"], "--purpose",
         "KI-Training", "--out", str(company / "erhalten.bin"), "-w", str(company)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while _audit_actions(trustee.home).count("transfer_token") == before:
        assert getting.poll() is None, getting.stderr.read() if getting.stderr else ""
        assert time.time() < deadline, "dataspace get never reached the transfer"
        time.sleep(0.02)
    _kill(trustee)
    _, err = getting.communicate(timeout=120)
    received = company / "erhalten.bin"
    if getting.returncode == 0:  # it was faster than the kill: then the file is whole
        assert received.stat().st_size == SIZE
        received.unlink()
    else:
        assert getting.returncode == 1 and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1, err
        assert not received.exists()
    assert not any((company / ".datensorgfalt" / "tmp").glob("*"))
