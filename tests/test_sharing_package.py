"""Signed, encrypted share packages: a real round trip between two workspaces, and every kind of
tampering refused in one sentence with nothing written."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import random
import shutil
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from datensorgfalt.services.dataspace import shared_and_received
from datensorgfalt.services.quality import run_quality
from datensorgfalt.services.scan.runner import scan
from datensorgfalt.services.sharing import create_keys, load_keys, open_package, pack
from datensorgfalt.services.sharing.keys import KeysError, own_public_keys
from datensorgfalt.services.sharing.package import (
    MANIFEST,
    POLICY_FILE,
    SIGNATURE,
    _json,
    seal,
    unseal,
)
from datensorgfalt.services.sharing.policy import Bound, parse_policy, to_odrl
from datensorgfalt.workspace import init_workspace
from tests.helpers.cli import clean_environment

FIRST = ["Anna", "Jürgen", "Fatma", "Heinz", "Petra", "Klaus", "Sabine", "Ingrid"]
LAST = ["Schmidt", "Becker", "Yilmaz", "Wagner", "Hoffmann", "Krüger", "Lehmann", "Schulze"]
HEADER = "Personalnr;Vorname;Nachname;E-Mail;Geburtsdatum;PLZ;Abteilung\n"
FUTURE = (date.today() + timedelta(days=365)).isoformat()


def _staff(path: Path) -> list[tuple[str, ...]]:
    rng = random.Random(15)
    rows = []
    for i in range(240):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        rows.append((f"P{4000 + i}", first, last, f"{first.lower()}.{last.lower()}{i}@firma.de",
                     f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}."
                     f"{rng.randint(1950, 2000)}",
                     f"{rng.choice(['44', '45'])}{rng.randint(100, 999)}",
                     rng.choice(["Montage", "Vertrieb", "Einkauf"])))
    path.write_text(HEADER + "".join(";".join(row) + "\n" for row in rows), "utf-8")
    return rows


@pytest.fixture(scope="module")
def parties(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Company A with a personal and a machine table (scanned, quality measured), partner B and
    a third party C, each with keys and a public key file."""
    with pytest.MonkeyPatch.context() as monkeypatch:  # module scope: before `german`
        clean_environment(monkeypatch)
        return _parties(tmp_path_factory.mktemp("sharing"))


def _parties(root: Path) -> dict:
    data = root / "a" / "daten"
    data.mkdir(parents=True)
    staff = _staff(data / "personal.csv")
    (data / "verschleiss.csv").write_text("Datum;Maschine;Verschleiss\n" + "".join(
        f"2025-03-{d:02d};M{d % 3};{d / 100:.2f}\n" for d in range(1, 29)), "utf-8")
    sender = init_workspace(root / "a")
    catalog = sender.open_catalog()
    scan(sender, catalog, [data])
    run_quality(sender, catalog)
    catalog.close()
    out = {"root": root, "staff": staff, "a": sender}
    for name in ("a", "b", "c"):
        workspace = sender if name == "a" else init_workspace(root / name)
        create_keys(workspace, name=f"Firma {name.upper()}")
        out[name] = workspace
        out[f"{name}_pub"] = workspace.folder / "keys" / "public.json"
    return out


def _pack(parties: dict, target: Path, dataset: str = "personal.csv", until: str | None = FUTURE,
          purpose: str = "KI-Training") -> Path:
    catalog = parties["a"].open_catalog()
    try:
        pack(parties["a"], catalog, load_keys(parties["a"]), dataset, parties["b_pub"], purpose,
             target, until=until)
    finally:
        catalog.close()
    return target


def _open(cli, parties: dict, package: Path, out: Path, who: str = "b",
          purpose: str = "ai_training", *extra: str):
    return cli("share", "open", str(package), "--purpose", purpose, "--out", str(out),
               "-w", str(parties[who].root), *extra)


def test_round_trip_sends_only_a_protected_copy_and_checks_everything(cli, parties, tmp_path):
    package = tmp_path / "paket"
    packed = cli("share", "pack", "personal.csv", "--for", str(parties["b_pub"]), "--purpose",
                 "KI-Training", "--until", FUTURE, "--out", str(package), "--json",
                 "-w", str(parties["a"].root))
    assert packed.exit_code == 0, packed.output
    info = json.loads(packed.output)
    assert info["personal"] and info["protected"]
    assert sorted(p.name for p in package.iterdir()) == ["inhalt.bin", "paket.json"]
    opened = _open(cli, parties, package, tmp_path / "empfangen", "b", "KI-Training",
                   "--from", str(parties["a_pub"]), "--json")
    assert opened.exit_code == 0, opened.output
    result = json.loads(opened.output)
    assert result["sender_name"] == "Firma A" and result["decision"]["allowed"]
    folder = tmp_path / "empfangen"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["dcat.ttl", MANIFEST, "personal_geschuetzt.csv", "qualitaet.json",
                     "richtlinie.json", SIGNATURE]
    text = "\n".join((folder / name).read_text("utf-8") for name in names)
    for row in parties["staff"]:
        for value in row[:5]:  # personnel number, names, e-mail, birth date
            assert value not in text, value
    assert str(parties["root"]) not in text  # no path of the sender's disk
    policy = json.loads((folder / "richtlinie.json").read_text("utf-8"))
    assert policy["@type"] == "Agreement"
    assert policy["assignee"].endswith(own_public_keys(parties["b"]).fingerprint)
    assert policy["permission"][0]["duty"] == [{"action": "anonymize"}]
    explained = cli("policy", "explain", str(folder / "richtlinie.json"))
    assert "KI-Training" in explained.output and "geschützte Kopie" in explained.output
    assert json.loads((folder / "qualitaet.json").read_text("utf-8"))["measured"] is True


def test_table_without_personal_data_travels_as_it_is(cli, parties, tmp_path):
    package = _pack(parties, tmp_path / "paket", "verschleiss.csv", None, "Prognose")
    opened = _open(cli, parties, package, tmp_path / "aus", "b", "forecasting")
    assert opened.exit_code == 0, opened.output
    lines = (tmp_path / "aus" / "daten.csv").read_text("utf-8").splitlines()
    assert lines[0] == "Datum;Maschine;Verschleiss" and len(lines) == 29


def _flip(path: Path, offset: int) -> None:
    body = bytearray(path.read_bytes())
    body[offset % len(body)] ^= 0x01
    path.write_bytes(bytes(body))


def _reseal(parties: dict, package: Path, change) -> None:
    """What a holder of the recipient's public key could build: new encryption, old or new
    signature."""
    content = unseal(package, load_keys(parties["b"]))
    files = dict(content.files)
    manifest = json.loads(files.pop(MANIFEST))
    signature = files.pop(SIGNATURE)
    signature = change(files, manifest, base64.b64decode(signature))
    header, body = seal(files, manifest, load_keys(parties["a"]), own_public_keys(parties["b"]),
                        signature=signature)
    (package / "paket.json").write_bytes(header)
    (package / "inhalt.bin").write_bytes(body)


def _changed_data(files, manifest, signature):
    name = next(n for n in files if n.endswith(".csv"))
    files[name] = files[name].replace(b"Vertrieb", b"Vertrieq", 1)
    return signature


def _foreign_signature(parties):
    def change(files, manifest, signature):
        return load_keys(parties["c"]).signing.sign(_json(manifest))
    return change


def _expired(parties):
    def change(files, manifest, signature):
        policy = parse_policy(files[POLICY_FILE])
        ended = dataclasses.replace(policy, ends=Bound(date.today() - timedelta(days=1), True))
        files[POLICY_FILE] = _json(to_odrl(ended))
        manifest["files"][POLICY_FILE]["sha256"] = hashlib.sha256(files[POLICY_FILE]).hexdigest()
        return load_keys(parties["a"]).signing.sign(_json(manifest))
    return change


def _extra_file(files, manifest, signature):
    files["beipack.txt"] = b"nicht im Manifest"
    return signature


@pytest.mark.parametrize("attack", ["content_byte", "header_byte", "data_changed", "signature",
                                    "extra_file", "wrong_recipient", "wrong_purpose", "expired",
                                    "wrong_sender"])
def test_tampered_or_not_permitted_packages_are_refused_and_nothing_is_written(
        cli, parties, tmp_path, attack):
    package = _pack(parties, tmp_path / "paket", until=FUTURE)
    who, purpose, extra = "b", "ai_training", []
    if attack == "content_byte":
        _flip(package / "inhalt.bin", 4000)
    elif attack == "header_byte":
        header = json.loads((package / "paket.json").read_text("utf-8"))
        header["nonce"] = header["nonce"][::-1]
        (package / "paket.json").write_text(json.dumps(header), "utf-8")
    elif attack == "data_changed":
        _reseal(parties, package, _changed_data)
    elif attack == "signature":
        _reseal(parties, package, _foreign_signature(parties))
    elif attack == "extra_file":
        _reseal(parties, package, _extra_file)
    elif attack == "wrong_recipient":
        who = "c"
    elif attack == "wrong_purpose":
        purpose = "Forschung"
    elif attack == "expired":  # signed by A while it was valid; its end date has passed
        _reseal(parties, package, _expired(parties))
    elif attack == "wrong_sender":
        extra = ["--from", str(parties["c_pub"])]
    out = tmp_path / "aus"
    result = _open(cli, parties, package, out, who, purpose, *extra)
    assert result.exit_code == 1
    message = result.output.strip()
    assert message.startswith("Fehler:") and "\n" not in message and "Traceback" not in message
    assert not out.exists()
    expected = {"content_byte": "verändert", "header_byte": "verändert",
                "data_changed": "Prüfsumme", "signature": "Signatur", "extra_file": "Manifest",
                "wrong_recipient": "Empfänger", "wrong_purpose": "Zweck",
                "expired": "abgelaufen", "wrong_sender": "Absender"}[attack]
    assert expected in message


def test_an_end_date_in_the_past_is_refused_when_packing(cli, parties, tmp_path):
    package = tmp_path / "paket"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    result = cli("share", "pack", "verschleiss.csv", "--for", str(parties["b_pub"]),
                 "--purpose", "Prognose", "--until", yesterday, "--out", str(package),
                 "-w", str(parties["a"].root))
    assert result.exit_code == 1 and not package.exists()
    message = result.output.strip()
    assert "\n" not in message and "Vergangenheit" in message and yesterday in message


def test_a_package_opens_only_as_often_as_its_policy_allows(cli, parties, tmp_path):
    catalog = parties["a"].open_catalog()
    try:
        pack(parties["a"], catalog, load_keys(parties["a"]), "verschleiss.csv", parties["b_pub"],
             "Prognose", tmp_path / "paket", until=FUTURE, max_transfers=1)
        shared = [r for r in shared_and_received(catalog) if r["channel"] == "package"]
    finally:
        catalog.close()
    assert any(r["direction"] == "shared" and r["partner"] == "Firma B" for r in shared)
    first = _open(cli, parties, tmp_path / "paket", tmp_path / "eins", "b", "forecasting")
    assert first.exit_code == 0, first.output
    second = _open(cli, parties, tmp_path / "paket", tmp_path / "zwei", "b", "forecasting")
    assert second.exit_code == 1 and not (tmp_path / "zwei").exists()
    assert "Höchstzahl von 1" in second.output and "\n" not in second.output.strip()
    catalog = parties["b"].open_catalog()
    try:
        received = [r for r in shared_and_received(catalog) if r["direction"] == "received"]
    finally:
        catalog.close()
    assert any(r["partner"] == "Firma A" and r["purpose"] == "Prognose" and r["until"] == FUTURE
               and r["agreement"].startswith("urn:uuid:") for r in received)


def test_keys_are_private_and_a_passphrase_is_needed_to_use_them(cli, tmp_path, monkeypatch):
    workspace = init_workspace(tmp_path / "firma")
    monkeypatch.setenv("DS_TEST_PASS", "richtig lang und geheim")
    created = cli("keys", "create", "--passphrase-env", "DS_TEST_PASS",
                  "-w", str(tmp_path / "firma"))
    assert created.exit_code == 0, created.output
    for name in ("signing.key", "encryption.key"):
        path = workspace.folder / "keys" / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert b"ENCRYPTED" in path.read_bytes()
    again = cli("keys", "create", "-w", str(tmp_path / "firma"))
    assert again.exit_code == 1 and "nicht ersetzt" in again.output
    with pytest.raises(KeysError) as missing:
        load_keys(workspace)
    assert "--passphrase-env" in str(missing.value)
    with pytest.raises(KeysError, match="passt nicht"):
        load_keys(workspace, "falsch")
    assert load_keys(workspace, "richtig lang und geheim").public.fingerprint == \
        own_public_keys(workspace).fingerprint
    shown = cli("keys", "show", "--public", "--json", "-w", str(tmp_path / "firma"))
    public = json.loads(shown.output)
    assert set(public) >= {"signing_key", "encryption_key", "fingerprint"}
    assert "PRIVATE" not in shown.output


def test_a_changed_public_key_file_is_refused(cli, parties, tmp_path):
    data = json.loads(parties["b_pub"].read_text("utf-8"))
    data["encryption_key"] = json.loads(parties["c_pub"].read_text("utf-8"))["encryption_key"]
    forged = tmp_path / "b_gefaelscht.json"
    forged.write_text(json.dumps(data), "utf-8")
    result = cli("share", "pack", "verschleiss.csv", "--for", str(forged), "--purpose",
                 "Prognose", "--out", str(tmp_path / "paket"), "-w", str(parties["a"].root))
    assert result.exit_code == 1 and "Fingerabdruck" in result.output
    assert not (tmp_path / "paket").exists()


def test_without_keys_the_commands_say_what_to_do(cli, tmp_path):
    init_workspace(tmp_path / "leer")
    result = cli("keys", "show", "--public", "-w", str(tmp_path / "leer"))
    assert result.exit_code == 1 and "keys create" in result.output


def test_demo_company_staff_list_leaves_only_as_protected_copy(parties, demo_company, tmp_path):
    import openpyxl

    folder = tmp_path / "firma" / "personal"
    shutil.copytree(demo_company / "personal", folder)
    workspace = init_workspace(tmp_path / "firma")
    create_keys(workspace)
    catalog = workspace.open_catalog()
    try:
        scan(workspace, catalog, [folder])
        table = next(d for d in catalog.datasets() if d.kind == "table")
        result = pack(workspace, catalog, load_keys(workspace), table.id, parties["b_pub"],
                      "Qualitätsanalyse", tmp_path / "paket")
    finally:
        catalog.close()
    assert result.personal and result.protected
    opened = open_package(parties["b"], load_keys(parties["b"]), tmp_path / "paket",
                          "quality_analysis", tmp_path / "aus")
    text = "\n".join(path.read_text("utf-8") for path in opened.written)
    sheet = openpyxl.load_workbook(folder / "mitarbeiter.xlsx", read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(cell) for cell in rows[0]]
    personal = [header.index(name) for name in ("Nachname", "Vorname", "IBAN", "Steuer-ID")
                if name in header]
    assert len(personal) >= 3
    for row in rows[1:]:
        for index in personal:
            if row[index]:
                assert str(row[index]) not in text, header[index]
