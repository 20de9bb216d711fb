"""The data trustee: participants, offers encrypted at rest, contract negotiations and
transfer processes of the Dataspace Protocol 2025-1, each action in the audit log.

Protocol problems are raised as ``ProtocolProblem`` with the HTTP status and the DSP error
type; the HTTP layer only turns them into the error message."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, select

from datensorgfalt.i18n import t
from datensorgfalt.services.sharing.policy import (
    Policy,
    PolicyRefused,
    Request,
    evaluate,
    parse_policy,
    to_odrl,
)
from datensorgfalt.services.trustee import audit as audit_log
from datensorgfalt.services.trustee.callbacks import Callbacks, allowed, callback_prefix, reachable
from datensorgfalt.services.trustee.home import Home, TrusteeError
from datensorgfalt.services.trustee.store import (
    negotiations,
    offers,
    open_engine,
    participants,
    transfers,
)

CONTEXT = ["https://w3id.org/dspace/2025/1/context.jsonld"]
PULL = "HttpData-PULL"
TOKEN_SECONDS = 300
NEGOTIATION, TRANSFER, CATALOG = "ContractNegotiationError", "TransferError", "CatalogError"
# an offer without its encrypted data: what catalog and negotiation read (only the pull needs it)
OFFER_TERMS = [column for column in offers.c if column.name not in ("nonce", "ciphertext")]


class ProtocolProblem(Exception):
    def __init__(self, status: int, kind: str, code: str, reasons: list[str],
                 provider_pid: str | None = None, consumer_pid: str | None = None) -> None:
        super().__init__(code)
        self.status, self.kind, self.code, self.reasons = status, kind, code, reasons
        self.provider_pid, self.consumer_pid = provider_pid, consumer_pid

    def message(self) -> dict[str, Any]:
        body: dict[str, Any] = {"@context": CONTEXT, "@type": self.kind, "code": self.code,
                                "reason": self.reasons}
        if self.kind != CATALOG:
            body["providerPid"] = self.provider_pid or "urn:datensorgfalt:unknown"
            body["consumerPid"] = self.consumer_pid or "urn:datensorgfalt:unknown"
        return body


@lru_cache(maxsize=1024)
def stored_policy(text: str) -> Policy:
    """An offer's stored policy, parsed once per process (JSON-LD expansion is the costly
    part of every catalog and negotiation request; stored policies never change)."""
    return parse_policy(json.loads(text))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _registered_callback(address: str) -> str:
    prefix = callback_prefix(address)
    if prefix is None:
        raise TrusteeError("trustee.error.callback", address=address)
    return prefix


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Participant:
    id: str
    name: str
    callbacks: tuple[str, ...] = ()


class Trustee:
    """One trustee home opened: one engine, one write lock (the audit chain is sequential)."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.engine = open_engine(home.db_url)
        self._key = home.signing_key
        self._aes = AESGCM(home.data_key)
        self._lock = threading.Lock()
        self._callbacks = Callbacks(self._called_back)

    def close(self) -> None:
        self._callbacks.close()
        self.engine.dispose()

    def _called_back(self, url: str, message_type: str, status: int) -> None:
        with self._write() as conn:
            self._log(conn, "trustee", "callback", url=url, message=message_type, status=status)

    @staticmethod
    def _message(message_type: str, provider_pid: str, consumer_pid: str,
                 **fields: Any) -> dict[str, Any]:
        return {"@context": CONTEXT, "@type": message_type, "providerPid": provider_pid,
                "consumerPid": consumer_pid, **fields}

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._lock:
            with self.engine.begin() as conn:
                self._head: dict[str, Any] | None = None
                yield conn
            if self._head:
                audit_log.write_head(self.home.root, self._head)

    def _log(self, conn: Connection, actor: str, action: str, **detail: Any) -> None:
        self._head = audit_log.append(conn, self._key, actor, action, detail)

    # participants -------------------------------------------------------------------------
    def add_participant(self, name: str, callbacks: tuple[str, ...] = ()) -> dict[str, Any]:
        """A participant with a fresh token; ``callbacks`` are the addresses the trustee may
        call back for it (none: it polls)."""
        prefixes = tuple(_registered_callback(address) for address in callbacks)
        token = secrets.token_urlsafe(32)
        pid = f"urn:datensorgfalt:participant:{uuid.uuid4()}"
        with self._write() as conn:
            conn.execute(participants.insert().values(id=pid, name=name,
                                                      token_hash=token_hash(token),
                                                      created=audit_log.now(),
                                                      callbacks="\n".join(prefixes) or None))
            self._log(conn, "trustee", "participant_added", participant=pid, name=name,
                      callbacks=list(prefixes))
        return {"participant_id": pid, "name": name, "token": token,
                "callbacks": list(prefixes)}

    def rotate_token(self, participant_id: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._write() as conn:
            conn.execute(participants.update().where(participants.c.id == participant_id)
                         .values(token_hash=token_hash(token)))
            self._log(conn, "trustee", "key_changed", participant=participant_id)
        return token

    def authenticate(self, header: str | None) -> Participant | None:
        if not header or not header.startswith("Bearer "):
            return None
        digest = token_hash(header[len("Bearer "):].strip())
        with self.engine.connect() as conn:
            row = conn.execute(select(participants.c.id, participants.c.name,
                                      participants.c.callbacks)
                               .where(participants.c.token_hash == digest)).first()
        if row is None:
            return None
        return Participant(row.id, row.name, tuple((row.callbacks or "").split()))

    def _callback_of(self, who: Participant, message: dict[str, Any]) -> str | None:
        """The message's callback address if the trustee may call it; an http(s) address not
        registered for ``who`` is kept out (and logged): that participant has to poll."""
        address = _text(message.get("callbackAddress"))
        if not reachable(address) or allowed(address, who.callbacks):
            return address
        with self._write() as conn:
            self._log(conn, "trustee", "callback_refused", participant=who.id, url=address)
        return None

    # offers -------------------------------------------------------------------------------
    def offer(self, owner: Participant, body: dict[str, Any]) -> dict[str, Any]:
        try:
            policy = parse_policy(body.get("policy"))
            data = base64.b64decode(str(body.get("data", "")), validate=True)
        except PolicyRefused as refused:
            with self._write() as conn:
                self._log(conn, owner.id, "offer_refused", reason=refused.key)
            raise ProtocolProblem(400, CATALOG, "policy", [str(refused)]) from None
        except (binascii.Error, ValueError):
            raise ProtocolProblem(400, CATALOG, "data", [t("trustee.error.data")]) from None
        sha = hashlib.sha256(data).hexdigest()
        if body.get("sha256") not in (None, sha):
            raise ProtocolProblem(400, CATALOG, "hash", [t("trustee.error.hash")])
        offer_id, dataset_id = f"urn:uuid:{uuid.uuid4()}", f"urn:uuid:{uuid.uuid4()}"
        policy = dataclasses.replace(policy, uid=offer_id, kind="Offer", assigner=owner.id)
        nonce = secrets.token_bytes(12)
        sealed = self._aes.encrypt(nonce, data, offer_id.encode())
        with self._write() as conn:
            conn.execute(offers.insert().values(
                id=offer_id, dataset_id=dataset_id, owner=owner.id,
                title=str(body.get("title") or "Datensatz")[:400],
                file_name=str(body.get("file_name") or "daten.csv")[:400],
                media_type=str(body.get("media_type") or "text/csv")[:100],
                sha256=sha, size=len(data), policy=json.dumps(to_odrl(policy)),
                nonce=nonce, ciphertext=sealed, created=audit_log.now()))
            self._log(conn, owner.id, "offer", offer=offer_id, dataset=dataset_id, sha256=sha,
                      size=len(data))
        return {"dataset_id": dataset_id, "offer_id": offer_id, "sha256": sha,
                "partners": [self._names().get(who, who) for who in policy.assignees]}

    def _names(self) -> dict[str, str]:
        """Participant ids -> the names they were added with (shown to the parties)."""
        with self.engine.connect() as conn:
            return {row.id: row.name for row in conn.execute(
                select(participants.c.id, participants.c.name))}

    # catalog ------------------------------------------------------------------------------
    def _visible(self, row: Any, who: Participant) -> bool:
        if row.owner == who.id:
            return True
        assignees = stored_policy(row.policy).assignees
        return not assignees or who.id in assignees

    def catalog(self, who: Participant, base_url: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(*OFFER_TERMS).order_by(offers.c.created)).all()
        names = self._names()
        found = [self._dataset(row, base_url, names) for row in rows if self._visible(row, who)]
        catalog = {"@context": CONTEXT, "@id": f"{base_url}/dsp/catalog", "@type": "Catalog",
                   "participantId": "urn:datensorgfalt:trustee",
                   "service": [self._service(base_url)]}
        return catalog | ({"dataset": found} if found else {})  # the schema: none or 1+

    def dataset(self, who: Participant, dataset_id: str, base_url: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(*OFFER_TERMS).where(
                offers.c.dataset_id == dataset_id)).first()
        if row is None or not self._visible(row, who):
            raise ProtocolProblem(404, CATALOG, "not_found", [t("trustee.error.no_dataset")])
        return {"@context": CONTEXT} | self._dataset(row, base_url, self._names())

    @staticmethod
    def _service(base_url: str) -> dict[str, Any]:
        return {"@id": "urn:datensorgfalt:trustee:service", "@type": "DataService",
                "endpointURL": f"{base_url}/dsp"}

    def _dataset(self, row: Any, base_url: str, names: dict[str, str]) -> dict[str, Any]:
        policy = json.loads(row.policy)
        policy.pop("@context", None)
        return {"@id": row.dataset_id, "@type": "Dataset", "title": row.title,
                "publisher": names.get(row.owner, row.owner),
                "hasPolicy": [policy],
                "distribution": [{"@type": "Distribution", "format": PULL,
                                  "accessService": "urn:datensorgfalt:trustee:service"}],
                "checksum": row.sha256, "byteSize": row.size, "mediaType": row.media_type}

    # negotiation --------------------------------------------------------------------------
    def request_contract(self, who: Participant, message: dict[str, Any]) -> tuple[int, dict]:
        consumer_pid = str(message.get("consumerPid"))
        with self.engine.connect() as conn:
            known = conn.execute(select(negotiations).where(
                negotiations.c.consumer_pid == consumer_pid,
                negotiations.c.consumer == who.id)).first()
        if known is not None:  # the same request again: the same answer
            return 200, self._answer_negotiation(known)
        offer_doc = message.get("offer") or {}
        with self.engine.connect() as conn:
            row = conn.execute(select(*OFFER_TERMS).where(
                offers.c.id == str(offer_doc.get("@id")))).first()
        if row is None or not self._visible(row, who) or \
                offer_doc.get("target") not in (None, row.dataset_id):
            raise ProtocolProblem(404, NEGOTIATION, "not_found", [t("trustee.error.no_offer")],
                                  consumer_pid=consumer_pid)
        purpose = self._requested_purpose(offer_doc, consumer_pid)
        stored = stored_policy(row.policy)
        decision = evaluate(stored, Request(assignee=who.id, purpose=purpose,
                                            transfers_so_far=self._count(row.id, who.id)))
        provider_pid = f"urn:uuid:{uuid.uuid4()}"
        callback = self._callback_of(who, message)
        values: dict[str, Any] = dict(provider_pid=provider_pid, consumer_pid=consumer_pid,
                                      consumer=who.id, offer_id=row.id, purpose=purpose,
                                      callback=callback)
        with self._write() as conn:
            self._log(conn, who.id, "negotiation_requested", negotiation=provider_pid,
                      offer=row.id, purpose=purpose)
            if not decision.allowed:
                conn.execute(negotiations.insert().values(
                    **values, state="TERMINATED", reasons=json.dumps(decision.reasons)))
                self._log(conn, "trustee", "denial", negotiation=provider_pid,
                          codes=decision.codes)
            else:
                agreement = dataclasses.replace(
                    stored, kind="Agreement", uid=f"urn:uuid:{uuid.uuid4()}",
                    target=row.dataset_id, assigner=row.owner, assignees=(who.id,),
                    purposes=(purpose,), timestamp=audit_log.now())
                conn.execute(negotiations.insert().values(
                    **values, state="AGREED", agreement_id=agreement.uid,
                    agreement=json.dumps(to_odrl(agreement, context=False))))
                self._log(conn, "trustee", "negotiation_agreed", negotiation=provider_pid,
                          agreement=agreement.uid)
        with self.engine.connect() as conn:
            saved = conn.execute(select(negotiations).where(
                negotiations.c.provider_pid == provider_pid)).one()
        if saved.agreement:
            self._callbacks.send(callback, f"/negotiations/{consumer_pid}/agreement",
                                 self._agreement_message(saved))
        else:
            self._callbacks.send(callback, f"/negotiations/{consumer_pid}/termination",
                                 self._message("ContractNegotiationTerminationMessage",
                                               provider_pid, consumer_pid, code="policy",
                                               reason=decision.reasons))
        return 201, self._answer_negotiation(saved)

    def _answer_negotiation(self, row: Any) -> dict[str, Any]:
        if row.state == "TERMINATED" and row.reasons:
            raise ProtocolProblem(400, NEGOTIATION, "policy", json.loads(row.reasons),
                                  row.provider_pid, row.consumer_pid)
        return self._negotiation_message(row)

    @staticmethod
    def _negotiation_message(row: Any) -> dict[str, Any]:
        return {"@context": CONTEXT, "@type": "ContractNegotiation",
                "providerPid": row.provider_pid, "consumerPid": row.consumer_pid,
                "state": row.state}

    @staticmethod
    def _requested_purpose(offer_doc: dict[str, Any], consumer_pid: str) -> str:
        try:
            wanted: Policy = parse_policy({k: v for k, v in offer_doc.items()
                                           if k not in ("target", "assigner", "assignee")})
        except PolicyRefused as refused:
            raise ProtocolProblem(400, NEGOTIATION, "policy", [str(refused)],
                                  consumer_pid=consumer_pid) from None
        if len(wanted.purposes) != 1:
            raise ProtocolProblem(400, NEGOTIATION, "purpose", [t("trustee.error.one_purpose")],
                                  consumer_pid=consumer_pid)
        return wanted.purposes[0]

    def _negotiation_of(self, who: Participant, provider_pid: str) -> Any:
        with self.engine.connect() as conn:
            row = conn.execute(select(negotiations).where(
                negotiations.c.provider_pid == provider_pid)).first()
        if row is None or row.consumer != who.id:
            raise ProtocolProblem(404, NEGOTIATION, "not_found",
                                  [t("trustee.error.no_negotiation")], provider_pid)
        return row

    def negotiation(self, who: Participant, provider_pid: str) -> dict[str, Any]:
        return self._negotiation_message(self._negotiation_of(who, provider_pid))

    def agreement(self, who: Participant, provider_pid: str) -> dict[str, Any]:
        row = self._negotiation_of(who, provider_pid)
        if not row.agreement:
            raise self._bad_state(row, NEGOTIATION)
        return self._agreement_message(row)

    def _agreement_message(self, row: Any) -> dict[str, Any]:
        return self._message("ContractAgreementMessage", row.provider_pid, row.consumer_pid,
                             agreement=json.loads(row.agreement))

    def verify_agreement(self, who: Participant, provider_pid: str) -> dict[str, Any]:
        moved = self._move(who, provider_pid, {"AGREED"}, "FINALIZED", "agreement_verified")
        callback = self._negotiation_of(who, provider_pid).callback
        self._callbacks.send(callback, f"/negotiations/{moved['consumerPid']}/events",
                             self._message("ContractNegotiationEventMessage", provider_pid,
                                           moved["consumerPid"], eventType="FINALIZED"))
        return moved

    def terminate_negotiation(self, who: Participant, provider_pid: str) -> dict[str, Any]:
        return self._move(who, provider_pid, {"REQUESTED", "OFFERED", "ACCEPTED", "AGREED",
                                              "VERIFIED"}, "TERMINATED", "negotiation_ended")

    def _move(self, who: Participant, provider_pid: str, allowed: set[str], to: str,
              action: str) -> dict[str, Any]:
        with self._write() as conn:
            row = conn.execute(select(negotiations).where(
                negotiations.c.provider_pid == provider_pid)).first()
            if row is None or row.consumer != who.id:
                raise ProtocolProblem(404, NEGOTIATION, "not_found",
                                      [t("trustee.error.no_negotiation")], provider_pid)
            if row.state not in allowed:
                raise self._bad_state(row, NEGOTIATION)
            conn.execute(negotiations.update().where(
                negotiations.c.provider_pid == provider_pid).values(state=to))
            self._log(conn, who.id, action, negotiation=provider_pid, state=to)
        return {"@context": CONTEXT, "@type": "ContractNegotiation", "providerPid": provider_pid,
                "consumerPid": row.consumer_pid, "state": to}

    @staticmethod
    def _bad_state(row: Any, kind: str) -> ProtocolProblem:
        return ProtocolProblem(400, kind, "state", [t("trustee.error.state", state=row.state)],
                               row.provider_pid, row.consumer_pid)

    # transfers ----------------------------------------------------------------------------
    def _count(self, offer_id: str, consumer: str) -> int:
        with self.engine.connect() as conn:
            agreed = [r.agreement_id for r in conn.execute(select(negotiations.c.agreement_id)
                      .where(negotiations.c.offer_id == offer_id,
                             negotiations.c.consumer == consumer,
                             negotiations.c.agreement_id.is_not(None)))]
            return len(conn.execute(select(transfers.c.provider_pid).where(
                transfers.c.agreement_id.in_(agreed),
                transfers.c.state.in_(("STARTED", "COMPLETED")))).all()) if agreed else 0

    def request_transfer(self, who: Participant, message: dict[str, Any],
                         base_url: str | None = None) -> tuple[int, dict]:
        """A transfer process; with an http(s) callback address and ``base_url`` the start
        message (data address, one-time token) is also sent there."""
        consumer_pid = str(message.get("consumerPid"))
        with self.engine.connect() as conn:
            known = conn.execute(select(transfers).where(
                transfers.c.consumer_pid == consumer_pid, transfers.c.consumer == who.id)).first()
            if known is not None:
                return 200, self._answer_transfer(known)
            neg = conn.execute(select(negotiations).where(
                negotiations.c.agreement_id == str(message.get("agreementId")))).first()
        if neg is None or neg.consumer != who.id:
            raise ProtocolProblem(404, TRANSFER, "not_found", [t("trustee.error.no_agreement")],
                                  consumer_pid=consumer_pid)
        if neg.state != "FINALIZED":
            raise ProtocolProblem(400, TRANSFER, "state",
                                  [t("trustee.error.state", state=neg.state)],
                                  consumer_pid=consumer_pid)
        if message.get("format") != PULL:
            raise ProtocolProblem(400, TRANSFER, "format", [t("trustee.error.format")],
                                  consumer_pid=consumer_pid)
        with self.engine.connect() as conn:
            offer = conn.execute(select(offers.c.policy).where(offers.c.id == neg.offer_id)).one()
        decision = evaluate(stored_policy(offer.policy),
                            Request(assignee=who.id, purpose=neg.purpose,
                                    transfers_so_far=self._count(neg.offer_id, who.id)))
        provider_pid = f"urn:uuid:{uuid.uuid4()}"
        state = "STARTED" if decision.allowed else "TERMINATED"
        callback = self._callback_of(who, message)
        with self._write() as conn:
            conn.execute(transfers.insert().values(
                provider_pid=provider_pid, consumer_pid=consumer_pid, consumer=who.id,
                agreement_id=neg.agreement_id, state=state, callback=callback,
                reasons=None if decision.allowed else json.dumps(decision.reasons)))
            self._log(conn, who.id, "transfer_requested", transfer=provider_pid,
                      agreement=neg.agreement_id)
            if not decision.allowed:
                self._log(conn, "trustee", "denial", transfer=provider_pid, codes=decision.codes)
        with self.engine.connect() as conn:
            saved = conn.execute(select(transfers).where(
                transfers.c.provider_pid == provider_pid)).one()
        if not decision.allowed:
            self._callbacks.send(callback, f"/transfers/{consumer_pid}/termination",
                                 self._message("TransferTerminationMessage", provider_pid,
                                               consumer_pid, code="policy",
                                               reason=decision.reasons))
        elif base_url and reachable(callback):
            self._callbacks.send(callback, f"/transfers/{consumer_pid}/start",
                                 self.start_message(who, provider_pid, base_url))
        return 201, self._answer_transfer(saved)

    def _answer_transfer(self, row: Any) -> dict[str, Any]:
        if row.state == "TERMINATED" and row.reasons:
            raise ProtocolProblem(400, TRANSFER, "policy", json.loads(row.reasons),
                                  row.provider_pid, row.consumer_pid)
        return self._transfer_message(row.provider_pid, row.consumer_pid, row.state)

    @staticmethod
    def _transfer_message(provider_pid: str, consumer_pid: str, state: str) -> dict[str, Any]:
        return {"@context": CONTEXT, "@type": "TransferProcess", "providerPid": provider_pid,
                "consumerPid": consumer_pid, "state": state}

    def _transfer_of(self, conn: Connection, who: Participant, provider_pid: str) -> Any:
        row = conn.execute(select(transfers).where(
            transfers.c.provider_pid == provider_pid)).first()
        if row is None or row.consumer != who.id:
            raise ProtocolProblem(404, TRANSFER, "not_found", [t("trustee.error.no_transfer")],
                                  provider_pid)
        return row

    def transfer(self, who: Participant, provider_pid: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = self._transfer_of(conn, who, provider_pid)
        return self._transfer_message(row.provider_pid, row.consumer_pid, row.state)

    def start_message(self, who: Participant, provider_pid: str, base_url: str) -> dict:
        """The data address with a fresh one-time token (an older unused one stops working)."""
        token = secrets.token_urlsafe(32)
        expires = (datetime.now(UTC) + timedelta(seconds=TOKEN_SECONDS)).isoformat()
        with self._write() as conn:
            row = self._transfer_of(conn, who, provider_pid)
            if row.state != "STARTED":
                raise self._bad_state(row, TRANSFER)
            conn.execute(transfers.update().where(transfers.c.provider_pid == provider_pid)
                         .values(token_hash=token_hash(token), token_expires=expires))
            self._log(conn, who.id, "transfer_token", transfer=provider_pid)
        return {"@context": CONTEXT, "@type": "TransferStartMessage",
                "providerPid": provider_pid, "consumerPid": row.consumer_pid,
                "dataAddress": {
                    "@type": "DataAddress", "endpointType": "https://w3id.org/idsa/v4.1/HTTP",
                    "endpoint": f"{base_url}/daten/{provider_pid}",
                    "endpointProperties": [
                        {"@type": "EndpointProperty", "name": "authorization", "value": token},
                        {"@type": "EndpointProperty", "name": "authType", "value": "bearer"}]}}

    def pull(self, provider_pid: str, header: str | None) -> tuple[bytes, dict[str, str]]:
        """The data for a one-time token; the token is spent in the same transaction."""
        token = (header or "")[len("Bearer "):].strip() if (header or "").startswith("Bearer ") \
            else ""
        with self._write() as conn:
            row = conn.execute(select(transfers).where(
                transfers.c.provider_pid == provider_pid)).first()
            valid = (row is not None and token and row.token_hash == token_hash(token)
                     and row.state == "STARTED"
                     and datetime.fromisoformat(row.token_expires) > datetime.now(UTC))
            if not valid:
                self._log(conn, "unknown", "denial", transfer=provider_pid, reason="token")
                raise ProtocolProblem(401, TRANSFER, "token", [t("trustee.error.token")],
                                      provider_pid)
            neg = conn.execute(select(negotiations).where(
                negotiations.c.agreement_id == row.agreement_id)).one()
            offer = conn.execute(select(offers).where(offers.c.id == neg.offer_id)).one()
            data = self._aes.decrypt(offer.nonce, offer.ciphertext, offer.id.encode())
            conn.execute(transfers.update().where(transfers.c.provider_pid == provider_pid)
                         .values(token_hash=None, state="COMPLETED"))
            self._log(conn, row.consumer, "transfer", transfer=provider_pid, offer=offer.id,
                      sha256=offer.sha256)
        self._callbacks.send(row.callback, f"/transfers/{row.consumer_pid}/completion",
                             self._message("TransferCompletionMessage", provider_pid,
                                           row.consumer_pid))
        return data, {"sha256": offer.sha256, "file_name": offer.file_name,
                      "media_type": offer.media_type}

    def end_transfer(self, who: Participant, provider_pid: str, to: str) -> dict[str, Any]:
        allowed = {"COMPLETED": {"STARTED"}, "TERMINATED": {"REQUESTED", "STARTED", "SUSPENDED"},
                   "SUSPENDED": {"STARTED"}}[to]
        with self._write() as conn:
            row = self._transfer_of(conn, who, provider_pid)
            if row.state not in allowed:
                raise self._bad_state(row, TRANSFER)
            conn.execute(transfers.update().where(transfers.c.provider_pid == provider_pid)
                         .values(state=to, token_hash=None))
            self._log(conn, who.id, "transfer_" + to.lower(), transfer=provider_pid)
        return self._transfer_message(provider_pid, row.consumer_pid, to)

    # audit --------------------------------------------------------------------------------
    def verify_audit(self) -> audit_log.AuditReport:
        with self.engine.connect() as conn:
            return audit_log.verify(conn, self._key, self.home.root)
