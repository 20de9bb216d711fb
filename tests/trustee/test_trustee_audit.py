"""The trustee's audit log: every action is an entry, hash-chained and signed; a changed,
removed or reordered entry is found by ``trustee audit verify``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from datensorgfalt.services.sharing.policy import build_policy, to_odrl
from datensorgfalt.services.trustee import (
    Participant,
    ProtocolProblem,
    init_trustee,
    open_trustee,
    verify_audit,
)
from datensorgfalt.services.trustee.home import open_home
from datensorgfalt.services.trustee.store import open_engine
from tests.trustee.conftest import run_cli


@pytest.fixture(params=["sqlite", "postgresql"])
def home(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "treuhand"
    root.mkdir()
    init_trustee(root, None if request.param == "sqlite" else
                 request.getfixturevalue("postgres").new_database())
    trustee = open_trustee(root)
    try:
        owner = trustee.add_participant("Firma A")
        trustee.add_participant("Firma B")
        who = Participant(owner["participant_id"], "Firma A")
        trustee.offer(who, {"policy": to_odrl(build_policy("ai_training")), "data": "YWJj"})
        trustee.rotate_token(owner["participant_id"])
        with pytest.raises(ProtocolProblem):
            trustee.offer(who, {"policy": {"@context": "kaputt"}, "data": "YWJj"})
    finally:
        trustee.close()
    return root


def _sql(root: Path, statement: str, *values: Any) -> list[tuple]:
    """Change or read the trustee's store behind its back, as an attacker with access would."""
    for number in range(len(values)):
        statement = statement.replace("?", f":v{number}", 1)
    engine = open_engine(open_home(root).db_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), {f"v{n}": v for n, v in enumerate(values)})
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_every_action_is_logged_and_verifies(home: Path) -> None:
    report = verify_audit(home)
    assert report.ok and report.entries == 5
    actions = [row[0] for row in _sql(home, "SELECT action FROM audit ORDER BY seq")]
    assert actions == ["participant_added", "participant_added", "offer", "key_changed",
                       "offer_refused"]
    done = run_cli("trustee", "audit", "verify", "--home", str(home), "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["ok"] is True


def test_changed_entry_is_found(home: Path) -> None:
    _sql(home, "UPDATE audit SET detail = replace(detail, 'Firma B', 'Firma X') WHERE seq=2")
    report = verify_audit(home)
    assert not report.ok and {"seq": 2, "problem": "changed"} in report.problems


def test_removed_entry_in_the_middle_is_found(home: Path) -> None:
    _sql(home, "DELETE FROM audit WHERE seq = 3")
    problems = {p["problem"] for p in verify_audit(home).problems}
    assert {"gap", "chain"} <= problems


def test_removed_newest_entry_is_found(home: Path) -> None:
    _sql(home, "DELETE FROM audit WHERE seq = 5")
    assert "head" in {p["problem"] for p in verify_audit(home).problems}
    done = run_cli("trustee", "audit", "verify", "--home", str(home))
    assert done.returncode == 1 and "verändert" in done.stdout


def test_reordered_entries_are_found(home: Path) -> None:
    _sql(home, "UPDATE audit SET seq = 100 WHERE seq = 2")
    _sql(home, "UPDATE audit SET seq = 2 WHERE seq = 3")
    _sql(home, "UPDATE audit SET seq = 3 WHERE seq = 100")
    assert not verify_audit(home).ok


def test_recomputed_hash_without_the_key_fails_the_signature(home: Path) -> None:
    import hashlib

    seq, at, actor, action, detail, prev = _sql(
        home, "SELECT seq, at, actor, action, detail, prev_hash FROM audit WHERE seq=5")[0]
    detail = detail.replace("sharing", "anders")
    body = json.dumps([seq, at, actor, action, detail, prev], ensure_ascii=False,
                      separators=(",", ":"))
    digest = hashlib.sha256(body.encode()).hexdigest()
    _sql(home, "UPDATE audit SET detail=?, hash=? WHERE seq=5", detail, digest)
    (home / "audit-kopf.json").write_text(json.dumps({"seq": 5, "hash": digest}))
    assert "signature" in {p["problem"] for p in verify_audit(home).problems}


def test_data_is_encrypted_at_rest(home: Path) -> None:
    blob = bytes(_sql(home, "SELECT ciphertext FROM offers")[0][0])
    assert b"abc" not in blob and len(blob) == 3 + 16
