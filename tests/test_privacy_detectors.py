"""Detectors per kind: valid values are found, look-alikes are not; free text with positions."""

from __future__ import annotations

import time

import pytest

from datensorgfalt.services.privacy import validators as v
from datensorgfalt.services.privacy.free_text import find_entities


def _types(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for e in find_entities(text):
        assert text[e.start:e.end] == e.text
        found.setdefault(e.type, []).append(e.text)
    return found


@pytest.mark.parametrize(("check", "valid", "look_alikes"), [
    (v.is_iban, ["DE89 3704 0044 0532 0130 00", "DE89370400440532013000"],
     ["DE89370400440532013001", "ART-4711-0815-0000"]),
    (v.is_bic, ["COBADEFFXXX", "DEUTDEDB"], ["ABCDEFGH1", "GEHAEUSE"]),
    (v.is_tax_id, ["36574261809", "36 574 261 809"], ["36574261808", "12345678901"]),
    (v.is_tax_number, ["181/815/08155"], ["4711/0815", "1/22/333", "181-815-08155-1"]),
    (v.is_vat_id, ["DE136695976"], ["DE136695978", "DE12345"]),
    (v.is_social_security_number, ["65 170839 J 003", "15070649C103"],
     ["65 170839 J 004", "65 173939 J 003"]),
    (v.is_health_insurance_number, ["A123456780"], ["A123456789", "AB12345678"]),
    (v.is_id_card, ["T220001293", "L01X00T47"], ["T220001294", "A123456789", "LLLLLLLLL"]),
    (v.is_passport, ["C01X00T478"], ["C01X00T477", "T220001293"]),
    (v.is_license_plate, ["K-AB 1234", "M AB 12E", "GL-X 7"], ["K-AB-12345", "K 1234"]),
    (v.is_ip_address, ["192.168.0.17", "2001:db8::1"], ["1.2.3", "300.1.1.1", "4.711"]),
    (v.is_phone, ["0221 1234567", "+49 170 1234567", "(02351) 12 34 56"],
     ["4711-0815", "12,5", "2024-01-05"]),
    (v.is_email, ["anna.schmidt@example.de"], ["anna.schmidt@", "@firma.de", "a b@c.de"]),
    (v.is_postal_code, ["58636", "01067"], ["5863", "00000", "586365"]),
])
def test_validators_accept_valid_and_reject_look_alikes(check, valid, look_alikes) -> None:
    for value in valid:
        assert check(value), value
    for value in look_alikes:
        assert not check(value), value


LETTER = """Sehr geehrte Frau Dr. Wald,

wir benötigen 500 Stück Artikel 4711-0815 (Auftrag 4500012345) bis KW 12.
Bitte rufen Sie mich unter 0221 / 123 45 67 an. Die Müller Umformtechnik GmbH sitzt in der
Industriestraße 12, 58636 Iserlohn. Meine Kollegin Anna-Lena Schröder ist ab Montag da.
Herr Yilmaz (geb. 03.04.1975), Steuer-ID 36574261809, SV-Nummer 65 170839 J 003,
IBAN DE89 3704 0044 0532 0130 00, Kennzeichen: K-AB 1234, IP 192.168.0.17.
Vibration 4,7 mm/s bei 63,2 °C, Charge 2024-117.

Mit freundlichen Grüßen

Peter Kowalski
Schmidt & Söhne GmbH
"""


def test_letter_entities_with_positions() -> None:
    found = _types(LETTER)
    assert found["PERSON"] == ["Wald", "Anna-Lena Schröder", "Yilmaz", "Peter Kowalski"]
    assert found["PHONE"] == ["0221 / 123 45 67"]
    assert found["ADDRESS"] == ["Industriestraße 12", "58636 Iserlohn"]
    assert found["DATE_OF_BIRTH"] == ["03.04.1975"]
    assert found["TAX_ID"] == ["36574261809"]
    assert found["SOCIAL_SECURITY_NUMBER"] == ["65 170839 J 003"]
    assert found["IBAN"] == ["DE89 3704 0044 0532 0130 00"]
    assert found["LICENSE_PLATE"] == ["K-AB 1234"]
    assert found["IP_ADDRESS"] == ["192.168.0.17"]
    everything = " ".join(t for texts in found.values() for t in texts)
    for not_personal in ("4711", "4500012345", "Müller Umformtechnik", "Schmidt & Söhne",
                         "4,7", "63,2", "2024-117", "Montag"):
        assert not_personal not in everything


def test_nouns_are_not_names_but_surnames_after_titles_are() -> None:
    assert "PERSON" not in _types("Die Rechnung und das Angebot liegen im Lager.")
    assert _types("Bitte an Herrn Bauer weiterleiten.")["PERSON"] == ["Bauer"]
    assert _types("Der Bauer pflügt das Feld.").get("PERSON") is None
    assert _types("Gespräch mit Jürgen Vogelsang heute.")["PERSON"] == ["Jürgen Vogelsang"]


def test_company_names_are_not_persons() -> None:
    text = "Lieferant: Schulz Blechbearbeitung GmbH & Co. KG, Ansprechpartner Frau Meier."
    assert _types(text)["PERSON"] == ["Meier"]


@pytest.mark.parametrize("text", ["", " ", "\x00\x01\x02", "ä" * 10, "1" * 10_000,
                                  "Aa-" * 20_000, "Herr " * 5_000, "@" * 50_000,
                                  "DE" + "1" * 5_000])
def test_hostile_and_empty_input_does_not_crash_or_hang(text: str) -> None:
    started = time.perf_counter()
    find_entities(text)
    assert time.perf_counter() - started < 20


def test_huge_text_positions_stay_right() -> None:
    block = "Notiz: Herr Wagner ruft zurück, Tel. 0221 1234567.\n"
    text = block * 4_000  # 200 KB
    found = find_entities(text)
    phones = [e for e in found if e.type == "PHONE"]
    assert len(phones) == 4_000
    assert all(text[e.start:e.end] == "0221 1234567" for e in phones)


def test_every_type_and_kind_is_documented() -> None:
    from pathlib import Path

    from datensorgfalt.services.knowledge import load
    from datensorgfalt.services.privacy.free_text import TEXT_TYPES

    docs = (Path(__file__).resolve().parent.parent / "docs" / "privacy.md").read_text("utf-8")
    for kind in set(TEXT_TYPES) | set(load("privacy/kinds")):
        assert f"`{kind}`" in docs, kind


def test_special_categories_in_text_need_a_person_nearby() -> None:
    from datensorgfalt.services.privacy.special import (
        special_categories_in,
        special_category_of_header,
    )

    assert special_categories_in("Herr Wagner ist seit Montag krankgeschrieben.") == ["health"]
    assert "union" in special_categories_in("Sie ist Mitglied der IG Metall.")
    assert special_categories_in("Die Presse 3 hat einen Ölverlust.") == []
    assert special_category_of_header("Konfession") == "religion"
    assert special_category_of_header("Schwerbehinderung") == "health"
    assert special_category_of_header("Artikelnr") is None


@pytest.mark.parametrize(("text", "names"), [
    ("Nachricht von Peter Lustig: bitte Rückruf.", ["Peter Lustig"]),
    ("Teilnehmer: Müller, Hans; Özdemir, Cem", ["Müller, Hans", "Özdemir, Cem"]),
    ("Gespräch mit Prof. Dr. med. Anna Weber.", ["Anna Weber"]),
    ("Die Übergabe erfolgte an Frau Meier-Schulz.", ["Meier-Schulz"]),
    ("Anwesend: M. Schneider", ["M. Schneider"]),
    ("Kunden wie Frau von der Heide haben bestellt.", ["von der Heide"]),
    ("Anrufer: Herr Hans Stoll von Flantz GmbH", ["Hans Stoll"]),
    ("Unser Azubi Leon hat bestanden.", ["Leon"]),
    ("Sehr geehrte Damen und Herren, anbei die Rechnung.", []),
    ("Das Meeting findet im Raum Berlin statt, z. B. Datenschutz.", []),
    ("Die Firma Hans Schmidt Transporte GmbH liefert nach Essen.", []),
    ("Der Einsatz von Daten für KI-Anwendungen in KMU.", []),
])
def test_names_in_everyday_business_text(text: str, names: list[str]) -> None:
    assert _types(text).get("PERSON", []) == names


def test_more_number_formats() -> None:
    text = ("Mobil: +49 (0) 151 / 2345 6789, geboren am 3. April 1975, "
            "IBAN: de89 3704 0044 0532 0130 00, Steuernummer 5133081508159, "
            "Bestellnummer 5133081508158")
    found = _types(text)
    assert found["PHONE"] == ["+49 (0) 151 / 2345 6789"]
    assert found["DATE_OF_BIRTH"] == ["3. April 1975"]
    assert found["IBAN"] == ["de89 3704 0044 0532 0130 00"]
    assert found["TAX_NUMBER"] == ["5133081508159"]
