"""Validators: does a single value really look like this kind of personal data?

Check digits come from well-kept libraries where they exist (schwifty for IBAN/BIC,
python-stdnum for Steuer-ID, Steuernummer and USt-IdNr, phonenumbers for phone numbers);
the German social security, health insurance and ID document numbers use their published
check-digit rules (DRV, GKV-Spitzenverband, ICAO 9303).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import date, datetime

import phonenumbers
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.de import idnr, stnr, vat

_SPACES = re.compile(r"[\s./-]+")
EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}(?![\w-])"
)
_PLATE_RE = re.compile(
    r"^[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2}[- ]?[1-9][0-9]{0,3}[EH]?$"
)
_PHONE_TEXT = re.compile(r"[+(]?[\d ()/.+-]{6,}(?:\s*(?:x|-|durchwahl)\s*\d+)?")
_ID_ALPHABET = "CFGHJKLMNPRTVWXYZ0123456789"
_PASSPORT_FIRST = "CFGHJK"


def compact(value: str) -> str:
    return _SPACES.sub("", value).upper()


def is_email(value: str) -> bool:
    match = EMAIL_RE.fullmatch(value.strip())
    return match is not None


def is_iban(value: str) -> bool:
    text = compact(value)
    if len(text) < 15 or not text[:2].isalpha():
        return False
    try:
        IBAN(text)
    except (SchwiftyException, ValueError):
        return False
    return True


def is_bic(value: str) -> bool:
    text = value.strip().upper()
    if len(text) not in (8, 11) or not text[:6].isalpha() or not text.isalnum():
        return False
    try:
        BIC(text)
    except (SchwiftyException, ValueError):
        return False
    return True


def is_tax_id(value: str) -> bool:
    text = compact(value)
    return len(text) == 11 and text.isdigit() and idnr.is_valid(text)


def is_tax_number(value: str) -> bool:
    text = value.strip()
    if not re.fullmatch(r"\d{2,3}/?\d{3,4}/?\d{4,5}|\d{13}", text.replace(" ", "")):
        return False
    return stnr.is_valid(text)


def is_vat_id(value: str) -> bool:
    text = compact(value)
    return text.startswith("DE") and len(text) == 11 and vat.is_valid(text)


def _letter_number(letter: str) -> str:
    return f"{ord(letter) - ord('A') + 1:02d}"


def _cross_sum(number: int) -> int:
    return sum(int(d) for d in str(number))


def is_social_security_number(value: str) -> bool:
    """Rentenversicherungsnummer: area(2) birth date DDMMYY(6) initial(1) serial(2) check(1)."""
    text = compact(value)
    if not re.fullmatch(r"\d{8}[A-Z]\d{3}", text):
        return False
    day, month = int(text[2:4]), int(text[4:6])
    if not (1 <= day <= 31 or 51 <= day <= 81) or not 1 <= month <= 12:
        return False
    digits = text[:8] + _letter_number(text[8]) + text[9:11]
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(_cross_sum(int(d) * w) for d, w in zip(digits, weights, strict=True))
    return total % 10 == int(text[11])


def is_health_insurance_number(value: str) -> bool:
    """Krankenversichertennummer: letter + 8 digits + check digit (Luhn-like, weights 1,2)."""
    text = compact(value)
    if not re.fullmatch(r"[A-Z]\d{9}", text):
        return False
    digits = _letter_number(text[0]) + text[1:9]
    total = sum(_cross_sum(int(d) * (1 if i % 2 == 0 else 2)) for i, d in enumerate(digits))
    return total % 10 == int(text[9])


def icao_check_digit(text: str) -> int:
    weights = (7, 3, 1)
    total = 0
    for index, char in enumerate(text):
        number = int(char) if char.isdigit() else ord(char) - ord("A") + 10
        total += number * weights[index % 3]
    return total % 10


def _document_number(value: str, first_letters: str) -> bool:
    text = compact(value)
    if len(text) not in (9, 10) or text[0] not in first_letters:
        return False
    serial = text[:9]
    if any(c not in _ID_ALPHABET for c in serial) or not any(c.isdigit() for c in serial):
        return False
    if len(text) == 10:
        return text[9].isdigit() and icao_check_digit(serial) == int(text[9])
    return True


def is_id_card(value: str) -> bool:
    """Personalausweis (since 2010): 9 characters, optional ICAO check digit."""
    return _document_number(value, "LMNPRTVWXYZ" + _PASSPORT_FIRST)


def is_passport(value: str) -> bool:
    """Reisepass: 9 characters starting with C, F, G, H, J or K, optional check digit."""
    return _document_number(value, _PASSPORT_FIRST)


def is_license_plate(value: str) -> bool:
    return _PLATE_RE.fullmatch(value.strip()) is not None


def is_ip_address(value: str) -> bool:
    text = value.strip()
    if text.count(".") != 3 and ":" not in text:
        return False
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    return not (address.is_unspecified or (address.version == 6 and text.count(":") < 2))


def is_phone(value: str) -> bool:
    text = value.strip()
    if len(re.sub(r"\D", "", text)) < 6 or not _PHONE_TEXT.fullmatch(text):
        return False
    if not (text.startswith(("+", "0", "(0"))):
        return False
    try:
        number = phonenumbers.parse(text, "DE")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def is_postal_code(value: str) -> bool:
    text = value.strip()
    return len(text) == 5 and text.isdigit() and "01001" <= text <= "99998"


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S",
                 "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M")


def parse_date(value: str) -> date | None:
    text = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def is_birth_date(value: str) -> bool:
    """A date that can be somebody's birthday: a person between 14 and 110 years old."""
    parsed = parse_date(value)
    if parsed is None:
        return False
    today = date.today()
    return today.year - 110 <= parsed.year <= today.year - 14


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "EMAIL": is_email,
    "IBAN": is_iban,
    "BIC": is_bic,
    "TAX_ID": is_tax_id,
    "TAX_NUMBER": is_tax_number,
    "VAT_ID": is_vat_id,
    "SOCIAL_SECURITY_NUMBER": is_social_security_number,
    "HEALTH_INSURANCE_NUMBER": is_health_insurance_number,
    "ID_CARD": is_id_card,
    "PASSPORT": is_passport,
    "LICENSE_PLATE": is_license_plate,
    "IP_ADDRESS": is_ip_address,
    "PHONE": is_phone,
    "POSTAL_CODE": is_postal_code,
    "DATE_OF_BIRTH": is_birth_date,
}
