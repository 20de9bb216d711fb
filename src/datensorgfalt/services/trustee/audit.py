"""Append-only audit log: every entry is hash-chained to the one before and signed (Ed25519).

The chain's head (last number and hash) is also kept in a file beside the database, so that
removing the newest entries is noticed too."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, select

from datensorgfalt.services.trustee.store import audit

GENESIS = "0" * 64
HEAD = "audit-kopf.json"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _digest(seq: int, at: str, actor: str, action: str, detail: str, prev: str) -> str:
    body = json.dumps([seq, at, actor, action, detail, prev], ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(conn: Connection, key: Ed25519PrivateKey, actor: str, action: str,
           detail: dict[str, Any]) -> dict[str, Any]:
    """Add one entry inside the caller's transaction (the caller holds the write lock)."""
    last = conn.execute(select(audit.c.seq, audit.c.hash)
                        .order_by(audit.c.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = now()
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    digest = _digest(seq, at, actor, action, text, prev)
    signature = key.sign(bytes.fromhex(digest)).hex()
    conn.execute(audit.insert().values(seq=seq, at=at, actor=actor, action=action, detail=text,
                                       prev_hash=prev, hash=digest, signature=signature))
    return {"seq": seq, "hash": digest}


def write_head(root: Path, head: dict[str, Any]) -> None:
    tmp = root / (HEAD + ".tmp")
    tmp.write_text(json.dumps(head), encoding="utf-8")
    os.replace(tmp, root / HEAD)


@dataclass
class AuditReport:
    entries: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "problems": self.problems}


def verify(conn: Connection, key: Ed25519PrivateKey, root: Path) -> AuditReport:
    """Check numbering, chain, hashes and signatures, and that the head file matches."""
    public = key.public_key()
    report = AuditReport()
    prev, expected = GENESIS, 1
    rows = conn.execute(select(audit).order_by(audit.c.seq)).all()
    for row in rows:
        report.entries += 1
        if row.seq != expected:
            report.problems.append({"seq": row.seq, "problem": "gap", "expected": expected})
        if row.prev_hash != prev:
            report.problems.append({"seq": row.seq, "problem": "chain"})
        digest = _digest(row.seq, row.at, row.actor, row.action, row.detail, row.prev_hash)
        if digest != row.hash:
            report.problems.append({"seq": row.seq, "problem": "changed"})
        try:
            public.verify(bytes.fromhex(row.signature), bytes.fromhex(row.hash))
        except (InvalidSignature, ValueError):
            report.problems.append({"seq": row.seq, "problem": "signature"})
        prev, expected = row.hash, row.seq + 1
    head = _read_head(root)
    by_seq = {row.seq: row.hash for row in rows}
    if rows and head is None:
        report.problems.append({"seq": None, "problem": "head"})
    elif head is not None and head.get("seq") and by_seq.get(head["seq"]) != head.get("hash"):
        # the newest entries were removed or the last one changed; a head behind the table is
        # fine (the process ended between commit and writing the head)
        report.problems.append({"seq": head.get("seq"), "problem": "head"})
    return report


def _read_head(root: Path) -> dict[str, Any] | None:
    try:
        return json.loads((root / HEAD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
