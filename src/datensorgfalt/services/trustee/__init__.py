"""The data trustee (issue 15): a home folder with its own store, participants with bearer
tokens, offers encrypted at rest, the Dataspace Protocol's negotiation and transfer state
machines and a signed, hash-chained audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datensorgfalt.services.trustee.audit import AuditReport
from datensorgfalt.services.trustee.core import (
    CONTEXT,
    PULL,
    Participant,
    ProtocolProblem,
    Trustee,
)
from datensorgfalt.services.trustee.home import Home, TrusteeError, create_home, open_home

__all__ = ["CONTEXT", "PULL", "AuditReport", "Home", "Participant", "ProtocolProblem",
           "Trustee", "TrusteeError", "add_participant", "init_trustee", "open_trustee",
           "verify_audit"]


def init_trustee(root: Path, db_url: str | None = None) -> dict[str, Any]:
    home = create_home(root, db_url)
    trustee = Trustee(home)
    trustee.close()
    return {"home": str(home.root), "db": "sqlite" if home.db_url.startswith("sqlite") else
            home.db_url.split(":", 1)[0]}


def open_trustee(root: Path) -> Trustee:
    return Trustee(open_home(root))


def add_participant(root: Path, name: str, callbacks: tuple[str, ...] = ()) -> dict[str, Any]:
    trustee = open_trustee(root)
    try:
        return trustee.add_participant(name, callbacks)
    finally:
        trustee.close()


def verify_audit(root: Path) -> AuditReport:
    trustee = open_trustee(root)
    try:
        return trustee.verify_audit()
    finally:
        trustee.close()
