"""Signed, encrypted share packages for a partner without a data trustee.

A package is a folder with two files: ``paket.json`` (who sent it to whom, in clear) and
``inhalt.bin``. The content is a ZIP of the data (a protected copy when the dataset holds
personal data), its DCAT record, its quality summary, the ODRL policy, ``manifest.json`` (SHA-256
of every file, sender, recipient, purpose, time) and ``signatur.sig`` (Ed25519 over the
manifest), encrypted with AES-256-GCM under a key derived by HKDF-SHA256 from an X25519
exchange between a one-time key and the recipient's key; ``paket.json`` is the associated data,
so a changed header breaks the decryption.

:func:`open_package` checks everything (recipient, decryption, signature, every hash, no extra
file, policy: purpose, date, assignee) in memory and only then writes, through the output guard.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from datensorgfalt.catalog import Catalog
from datensorgfalt.catalog.models import Dataset
from datensorgfalt.catalog.results import save_result
from datensorgfalt.engine.rows import text_columns
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.outputs import CsvCells, check_outputs, writing
from datensorgfalt.services.privacy import protect, suggested_plan
from datensorgfalt.services.sharing.dcat import export_dataset
from datensorgfalt.services.sharing.keys import (
    RAW,
    KeyPair,
    PublicKeys,
    b64,
    public_keys_from_dict,
    read_public_keys,
    unb64,
)
from datensorgfalt.services.sharing.policy import (
    Decision,
    Policy,
    PolicyRefused,
    Request,
    build_policy,
    evaluate,
    find_purpose,
    parse_policy,
    refuse_past,
    to_odrl,
)
from datensorgfalt.workspace import Workspace

HEADER_FILE = "paket.json"
CONTENT_FILE = "inhalt.bin"
MANIFEST = "manifest.json"
SIGNATURE = "signatur.sig"
POLICY_FILE = "richtlinie.json"
DCAT_FILE = "dcat.ttl"
QUALITY_FILE = "qualitaet.json"
FORMAT = "datensorgfalt-share"
HKDF_INFO = b"datensorgfalt share package v1"
MAX_CONTENT = 2 * 1024**3
MAX_HEADER = 64 * 1024
COPIES_FOLDER = "shares"
# what left and what came in, for the report and the web app; the trustee side writes the same
RECORD_KIND = "dataspace"


class PackageRefused(DatensorgfaltError):
    """The package cannot be made, or is not for us, not intact or not allowed."""


@dataclass
class PackResult:
    folder: Path
    dataset_id: str
    shared_id: str
    protected: bool
    personal: bool
    recipient: str
    purpose: str
    until: str | None
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "dataset_id": self.dataset_id,
                "shared_id": self.shared_id, "protected": self.protected,
                "personal": self.personal, "recipient": self.recipient,
                "purpose": self.purpose, "until": self.until, "files": self.files}


@dataclass
class OpenResult:
    folder: Path
    sender: str
    sender_name: str | None
    dataset: dict[str, Any]
    decision: Decision
    written: list[Path]

    def to_dict(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "sender": self.sender,
                "sender_name": self.sender_name, "dataset": self.dataset,
                "decision": self.decision.to_dict(), "written": [str(p) for p in self.written]}


# ---------------------------------------------------------------- packing


def pack(workspace: Workspace, catalog: Catalog, keys: KeyPair, selector: str,
         recipient_file: Path, purpose: str, out_dir: Path, *, until: str | None = None,
         force_protect: bool = False, max_transfers: int | None = None) -> PackResult:
    """Seal one table for the holder of ``recipient_file``; nothing is written on refusal."""
    recipient = read_public_keys(recipient_file)
    found = find_purpose(purpose)
    refuse_past(until)
    dataset = catalog.dataset(selector)
    if dataset.kind != "table":
        raise PackageRefused("sharing.package.error.not_table", title=dataset.title)
    targets = check_outputs([Path(out_dir) / HEADER_FILE, Path(out_dir) / CONTENT_FILE],
                            catalog=catalog)
    personal = holds_personal_data(catalog, dataset)
    protected = personal or force_protect
    policy = build_policy(found.id, assignee=recipient.participant, until=until,
                          max_transfers=max_transfers, protected_only=protected,
                          assigner=keys.public.participant, kind="Agreement",
                          target=f"urn:datensorgfalt:dataset:{dataset.id}")
    shared, data_name, data = shareable_table(workspace, catalog, dataset, protected)
    files = {data_name: data,
             DCAT_FILE: export_dataset(catalog, shared.id, location=data_name).encode("utf-8"),
             QUALITY_FILE: _json(quality_summary(catalog, dataset)),
             POLICY_FILE: _json(to_odrl(policy))}
    manifest = {"format": FORMAT + "-manifest", "version": 1,
                "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "sender": keys.public.to_dict(), "recipient": recipient.fingerprint,
                "dataset": {"id": dataset.id, "title": dataset.title, "data": data_name,
                            "protected": protected, "personal": personal},
                "purpose": found.iri, "until": until,
                "files": {name: {"sha256": _sha(body), "bytes": len(body)}
                          for name, body in files.items()}}
    header, content = seal(files, manifest, keys, recipient)
    for target, body in zip(targets, (header, content), strict=True):
        with writing(target, workspace) as temporary:
            temporary.write_bytes(body)
    _record(catalog, "shared", policy, title=dataset.title, dataset=dataset.id,
            partner=recipient.name or recipient.fingerprint, folder=str(targets[0].parent))
    return PackResult(targets[0].parent.resolve(), dataset.id, shared.id, protected, personal,
                      recipient.fingerprint, found.id, until, manifest["files"])


def holds_personal_data(catalog: Catalog, dataset: Dataset) -> bool:
    """Whether the suggested protection plan treats any column: then only a protected copy
    may leave the company."""
    plan = suggested_plan(catalog, dataset.id)
    return any(entry.get("treatment") != "keep" for entry in plan["columns"].values())


def shareable_table(workspace: Workspace, catalog: Catalog, dataset: Dataset,
                    protected: bool) -> tuple[Dataset, str, bytes]:
    """What leaves the company of a table: the dataset actually shared (its protected copy
    when ``protected``), a file name and the CSV bytes, formula cells neutralised."""
    if protected:
        folder = workspace.path(COPIES_FOLDER)
        report = protect(workspace, catalog, dataset.id, folder)
        return catalog.dataset(report.dataset_id), report.path.name, report.path.read_bytes()
    columns, _ = text_columns(dataset.location, max_rows=None)
    names = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    cells = CsvCells()
    writer.writerow(cells.row(names))
    for row in zip(*columns.values(), strict=True):
        writer.writerow(cells.row(["" if value is None else value for value in row], names))
    return dataset, "daten.csv", buffer.getvalue().encode("utf-8")


def quality_summary(catalog: Catalog, dataset: Dataset) -> dict[str, Any]:
    """Scores and finding counts only: no cell values leave with the package."""
    result = catalog.latest_result("quality", dataset_id=dataset.id)
    if result is None:
        return {"dataset": dataset.id, "measured": False}
    payload = result.payload
    findings = [{key: finding.get(key) for key in ("code", "severity", "column", "share")}
                for finding in payload.get("findings", [])]
    return {"dataset": dataset.id, "measured": True, "score": payload.get("score"),
            "dimensions": payload.get("scores"), "rows": dataset.row_count,
            "columns": dataset.column_count, "findings": findings}


def seal(files: dict[str, bytes], manifest: dict[str, Any], keys: KeyPair,
         recipient: PublicKeys, signature: bytes | None = None) -> tuple[bytes, bytes]:
    """``(paket.json, inhalt.bin)``; ``signature`` only to build broken packages in tests."""
    manifest_bytes = _json(manifest)
    signature = signature if signature is not None else keys.signing.sign(manifest_bytes)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, body in {**files, MANIFEST: manifest_bytes,
                           SIGNATURE: base64.b64encode(signature)}.items():
            bundle.writestr(name, body)
    once = X25519PrivateKey.generate()
    salt, nonce = os.urandom(32), os.urandom(12)
    header = _json({"format": FORMAT, "version": 1, "cipher": "AES-256-GCM",
                    "key_agreement": "X25519+HKDF-SHA256", "sender": keys.public.to_dict(),
                    "recipient": recipient.fingerprint,
                    "ephemeral_key": b64(once.public_key().public_bytes(**RAW)),
                    "salt": b64(salt), "nonce": b64(nonce)})
    key = _derive(once.exchange(recipient.encryption), salt,
                  once.public_key().public_bytes(**RAW), recipient)
    return header, AESGCM(key).encrypt(nonce, archive.getvalue(), header)


def _derive(shared: bytes, salt: bytes, ephemeral: bytes, recipient: PublicKeys) -> bytes:
    info = HKDF_INFO + ephemeral + recipient.encryption.public_bytes(**RAW)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(shared)


# ---------------------------------------------------------------- opening


@dataclass
class Unsealed:
    header: dict[str, Any]
    sender: PublicKeys
    files: dict[str, bytes]


def unseal(folder: Path, keys: KeyPair) -> Unsealed:
    """Decrypt a package for ``keys``; no check beyond recipient and decryption."""
    header_bytes, content = _read_package(Path(folder))
    try:
        header = json.loads(header_bytes)
        sender = public_keys_from_dict(header["sender"])
        if header.get("format") != FORMAT or header.get("version") != 1:
            raise ValueError("format")
        ephemeral = unb64(header["ephemeral_key"])
        salt, nonce = unb64(header["salt"]), unb64(header["nonce"])
    except (ValueError, KeyError, TypeError, DatensorgfaltError) as exc:
        raise PackageRefused("sharing.package.error.header", path=str(folder)) from exc
    if header.get("recipient") != keys.public.fingerprint:
        raise PackageRefused("sharing.package.error.recipient")
    try:
        shared = keys.encryption.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        key = _derive(shared, salt, ephemeral, keys.public)
        plain = AESGCM(key).decrypt(nonce, content, header_bytes)
    except (InvalidTag, ValueError) as exc:
        raise PackageRefused("sharing.package.error.tampered") from exc
    return Unsealed(header, sender, _unzip(plain))


def _read_package(folder: Path) -> tuple[bytes, bytes]:
    try:
        if (folder / CONTENT_FILE).stat().st_size > MAX_CONTENT or \
                (folder / HEADER_FILE).stat().st_size > MAX_HEADER:
            raise PackageRefused("sharing.package.error.too_large", path=str(folder))
        return (folder / HEADER_FILE).read_bytes(), (folder / CONTENT_FILE).read_bytes()
    except OSError as exc:
        raise PackageRefused("sharing.package.error.missing", path=str(folder)) from exc


def _unzip(plain: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(plain)) as bundle:
            entries = bundle.infolist()
            if sum(entry.file_size for entry in entries) > MAX_CONTENT or any(
                    "/" in entry.filename or "\\" in entry.filename
                    or entry.filename.startswith(".") for entry in entries):
                raise PackageRefused("sharing.package.error.tampered")
            return {entry.filename: bundle.read(entry) for entry in entries}
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise PackageRefused("sharing.package.error.tampered") from exc


def verify(unsealed: Unsealed, keys: KeyPair, purpose: str, when: date | datetime | None = None,
           sender_file: Path | None = None, opened_before: int | None = 0
           ) -> tuple[dict[str, Any], Decision]:
    """Signature, hashes, recipient, sender (if pinned), purpose, date and how often it was
    opened before (``None``: not known, refused when the policy limits it); or one sentence."""
    files = dict(unsealed.files)
    manifest_bytes, signature = files.pop(MANIFEST, None), files.pop(SIGNATURE, None)
    if manifest_bytes is None or signature is None:
        raise PackageRefused("sharing.package.error.incomplete")
    try:
        unsealed.sender.signing.verify(base64.b64decode(signature, validate=True),
                                       manifest_bytes)
        manifest = json.loads(manifest_bytes)
    except (InvalidSignature, ValueError) as exc:
        raise PackageRefused("sharing.package.error.signature") from exc
    if public_keys_from_dict(manifest.get("sender")).fingerprint != unsealed.sender.fingerprint:
        raise PackageRefused("sharing.package.error.signature")
    if sender_file is not None and \
            read_public_keys(sender_file).fingerprint != unsealed.sender.fingerprint:
        raise PackageRefused("sharing.package.error.sender")
    if manifest.get("recipient") != keys.public.fingerprint:
        raise PackageRefused("sharing.package.error.recipient")
    listed = manifest.get("files") or {}
    if set(listed) != set(files):
        raise PackageRefused("sharing.package.error.files")
    for name, body in files.items():
        if listed[name].get("sha256") != _sha(body):
            raise PackageRefused("sharing.package.error.hash", name=name)
    try:
        policy = parse_policy(files[POLICY_FILE])
    except (KeyError, PolicyRefused) as exc:
        raise PackageRefused("sharing.package.error.policy", reason=str(exc)) from exc
    if policy.max_transfers is not None and opened_before is None:
        raise PackageRefused("sharing.package.error.uncounted", n=policy.max_transfers)
    decision = evaluate(policy, Request(keys.public.participant, purpose, when,
                                        transfers_so_far=opened_before or 0,
                                        protected=bool(manifest["dataset"].get("protected"))))
    if not decision.allowed:
        raise PackageRefused("sharing.package.error.denied", reasons=" ".join(decision.reasons))
    return manifest, decision


def open_package(workspace: Workspace | None, keys: KeyPair, folder: Path, purpose: str,
                 out_dir: Path, *, when: date | datetime | None = None,
                 sender_file: Path | None = None, catalog: Catalog | None = None
                 ) -> OpenResult:
    """Check everything, then write the files; each opening counts as one transfer against the
    policy's maximum (counted in the recipient's catalog: the recipient's tool keeps the rule,
    as nothing can once the data is on the recipient's disk)."""
    unsealed = unseal(folder, keys)
    policy = _package_policy(unsealed)
    opened = None if catalog is None else _opened_before(catalog, policy)
    manifest, decision = verify(unsealed, keys, purpose, when, sender_file, opened)
    files = unsealed.files
    names = sorted(files)
    targets = check_outputs([Path(out_dir) / name for name in names], catalog=catalog,
                            reads=[Path(folder) / HEADER_FILE, Path(folder) / CONTENT_FILE])
    written = []
    for name, target in zip(names, targets, strict=True):
        with writing(target, workspace) as temporary:
            temporary.write_bytes(files[name])
        written.append(target)
    if catalog is not None and policy is not None:
        _record(catalog, "received", policy, title=manifest["dataset"].get("title"),
                partner=unsealed.sender.name or unsealed.sender.fingerprint,
                folder=str(Path(out_dir).resolve()))
    return OpenResult(Path(out_dir).resolve(), unsealed.sender.fingerprint,
                      unsealed.sender.name, manifest["dataset"], decision, written)


def _package_policy(unsealed: Unsealed) -> Policy | None:
    """The package's policy, if it reads (``verify`` refuses the package otherwise)."""
    try:
        return parse_policy(unsealed.files[POLICY_FILE])
    except (KeyError, PolicyRefused):
        return None


def _opened_before(catalog: Catalog, policy: Policy | None) -> int:
    if policy is None:
        return 0
    return sum(1 for result in catalog.results(RECORD_KIND, key=policy.uid)
               if result.payload.get("direction") == "received")


def _record(catalog: Catalog, direction: str, policy: Policy, **details: Any) -> None:
    """One row of "shared and received": the package's agreement is its policy."""
    odrl = to_odrl(policy)
    record = {"direction": direction, "channel": "package", "offer_id": policy.uid,
              "trustee": None, "purpose": policy.purposes[0] if policy.purposes else None,
              ("agreement" if direction == "received" else "policy"): odrl, **details}
    with catalog.session() as session:
        save_result(session, RECORD_KIND, record, key=policy.uid,
                    dataset_id=details.get("dataset"))


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
