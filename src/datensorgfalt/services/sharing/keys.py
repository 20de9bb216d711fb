"""The company's own key pair for sharing: Ed25519 to sign, X25519 to receive encrypted data.

Private keys live in ``.datensorgfalt/keys/`` (files 600), PKCS#8 PEM, encrypted with a
passphrase when one is given. The public key file is JSON holding both public keys and a
fingerprint; a partner needs it to send packages to this company and to check its signatures.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.workspace import Workspace

KEY_FOLDER = "keys"
SIGNING_FILE = "signing.key"
ENCRYPTION_FILE = "encryption.key"
PUBLIC_FILE = "public.json"
PUBLIC_FORMAT = "datensorgfalt-public-key"
RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}


class KeysError(DatensorgfaltError):
    """Keys missing, already there, unreadable or locked with another passphrase."""


@dataclass(frozen=True)
class PublicKeys:
    signing: Ed25519PublicKey
    encryption: X25519PublicKey
    name: str | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing, self.encryption)

    @property
    def participant(self) -> str:
        """The id a policy names this key holder by."""
        return f"urn:datensorgfalt:key:{self.fingerprint}"

    def to_dict(self) -> dict[str, Any]:
        return {"format": PUBLIC_FORMAT, "version": 1, "name": self.name,
                "signing_key": b64(self.signing.public_bytes(**RAW)),
                "encryption_key": b64(self.encryption.public_bytes(**RAW)),
                "fingerprint": self.fingerprint}


@dataclass(frozen=True)
class KeyPair:
    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey
    name: str | None = None

    @property
    def public(self) -> PublicKeys:
        return PublicKeys(self.signing.public_key(), self.encryption.public_key(), self.name)


def fingerprint(signing: Ed25519PublicKey, encryption: X25519PublicKey) -> str:
    digest = hashlib.sha256(signing.public_bytes(**RAW) + encryption.public_bytes(**RAW))
    return digest.hexdigest()[:32]


def show_fingerprint(value: str) -> str:
    return " ".join(value[i:i + 4] for i in range(0, len(value), 4))


def create_keys(workspace: Workspace, passphrase: str | None = None,
                name: str | None = None) -> PublicKeys:
    """New keys in the workspace; refuses to replace existing ones."""
    folder = workspace.folder / KEY_FOLDER
    if (folder / SIGNING_FILE).exists() or (folder / ENCRYPTION_FILE).exists():
        raise KeysError("sharing.keys.error.exists", path=str(folder))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    pair = KeyPair(Ed25519PrivateKey.generate(), X25519PrivateKey.generate(), name)
    crypt = (serialization.BestAvailableEncryption(passphrase.encode("utf-8")) if passphrase
             else serialization.NoEncryption())
    for file, key in ((SIGNING_FILE, pair.signing), (ENCRYPTION_FILE, pair.encryption)):
        _write_private(folder / file, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, crypt))
    _write_private(folder / PUBLIC_FILE, _public_text(pair.public).encode("utf-8"))
    return pair.public


def _write_private(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(data)


def _public_text(keys: PublicKeys) -> str:
    return json.dumps(keys.to_dict(), ensure_ascii=False, indent=2) + "\n"


def own_public_keys(workspace: Workspace) -> PublicKeys:
    path = workspace.folder / KEY_FOLDER / PUBLIC_FILE
    if not path.is_file():
        raise KeysError("sharing.keys.error.none")
    return read_public_keys(path)


def load_keys(workspace: Workspace, passphrase: str | None = None) -> KeyPair:
    """The private keys; a wrong or missing passphrase is one sentence."""
    folder = workspace.folder / KEY_FOLDER
    if not (folder / SIGNING_FILE).is_file() or not (folder / ENCRYPTION_FILE).is_file():
        raise KeysError("sharing.keys.error.none")
    password = passphrase.encode("utf-8") if passphrase else None
    keys = []
    for file in (SIGNING_FILE, ENCRYPTION_FILE):
        try:
            keys.append(serialization.load_pem_private_key((folder / file).read_bytes(),
                                                           password))
        except TypeError as exc:  # encrypted without passphrase, or a passphrase for none
            key = "sharing.keys.error.needs_passphrase" if password is None \
                else "sharing.keys.error.no_passphrase"
            raise KeysError(key) from exc
        except ValueError as exc:
            raise KeysError("sharing.keys.error.passphrase") from exc
    signing, encryption = keys
    if not isinstance(signing, Ed25519PrivateKey) or not isinstance(encryption,
                                                                    X25519PrivateKey):
        raise KeysError("sharing.keys.error.kind", path=str(folder))
    name = own_public_keys(workspace).name if (folder / PUBLIC_FILE).is_file() else None
    return KeyPair(signing, encryption, name)


def read_public_keys(path: Path) -> PublicKeys:
    """A partner's public key file; anything else is one sentence."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeysError("sharing.keys.error.public_file", path=str(path)) from exc
    return public_keys_from_dict(data, str(path))


def public_keys_from_dict(data: Any, where: str = "") -> PublicKeys:
    try:
        if data.get("format") != PUBLIC_FORMAT:
            raise ValueError("format")
        keys = PublicKeys(Ed25519PublicKey.from_public_bytes(unb64(data["signing_key"])),
                          X25519PublicKey.from_public_bytes(unb64(data["encryption_key"])),
                          data.get("name"))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise KeysError("sharing.keys.error.public_file", path=where) from exc
    if data.get("fingerprint") not in (None, keys.fingerprint):
        raise KeysError("sharing.keys.error.fingerprint", path=where)
    return keys


def public_key_text(workspace: Workspace) -> str:
    return _public_text(own_public_keys(workspace))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(str(text).encode("ascii"), validate=True)


def passphrase_from_env(name: str | None) -> str | None:
    """The passphrase held by the environment variable ``name`` (never given on the command
    line, where other users could read it in the process list)."""
    if not name:
        return None
    value = os.environ.get(name)
    if not value:
        raise KeysError("sharing.keys.error.passphrase_env", name=name)
    return value
