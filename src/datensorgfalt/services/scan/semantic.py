"""Semantic type of a column (what it means, not how it is stored), from its header words and
its values: date, amount, quantity, postal_code, email, phone, iban, identifier, free_text,
category, measurement, or None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "email": ("e-mail", "email", "mail"),
    "iban": ("iban",),
    "phone": ("telefon", "tel", "phone", "mobil", "handy", "fax", "rufnummer"),
    "postal_code": ("plz", "postleitzahl", "zip", "postal", "postcode"),
    "date": ("datum", "date", "zeitstempel", "timestamp", "geburtstag", "zeitpunkt", "tag"),
    "amount": ("preis", "betrag", "umsatz", "summe", "kosten", "netto", "brutto", "amount",
               "price", "eur", "gehalt", "lohn", "rabatt", "revenue", "total"),
    "quantity": ("menge", "anzahl", "stück", "stueck", "stk", "qty", "quantity", "count",
                 "bestand"),
    "measurement": ("temperatur", "vibration", "strom", "druck", "spannung", "gewicht",
                    "drehzahl", "messwert", "mm_s", "grad", "temp", "pressure", "voltage",
                    "current", "weight", "länge", "breite", "höhe", "dauer", "mm", "kg", "bar",
                    "hz", "rpm", "istwert", "sollwert", "toleranz", "stunden", "h", "min"),
    "identifier": ("id", "nr", "nummer", "kennung", "schlüssel", "key", "code", "no", "number",
                   "nummern", "belegnr", "steuer-id", "sv-nr", "uuid"),
}
NUMERIC = {"integer", "decimal"}
EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")
PHONE = re.compile(r"^(\+|0)[\d\s/()\-]{5,}$")
GERMAN_POSTAL = re.compile(r"^\d{5}$")
WORD_SPLIT = re.compile(r"[\s_\-./()\[\]]+")


def _words(header: str) -> list[str]:
    return [w for w in WORD_SPLIT.split(header.lower()) if w]


def header_says(header: str, kind: str) -> bool:
    """True when a word of the header (or its end, e.g. Kunden*nr*) names ``kind``."""
    lowered = header.lower()
    words = _words(header)
    for word in HEADER_WORDS[kind]:
        if word in words or (len(word) >= 4 and word in lowered):
            return True
        if kind == "identifier" and any(w.endswith(word) and len(w) > len(word) + 2
                                        for w in words if word in ("nr", "id", "nummer")):
            return True
    return False


def _share(values: Sequence[str], test) -> float:
    return sum(1 for v in values if test(v)) / len(values) if values else 0.0


def _is_iban(value: str) -> bool:
    if len(value) < 15 or not value[:2].isalpha():
        return False
    try:
        IBAN(value)
    except SchwiftyException:
        return False
    return True


def semantic_type(header: str, inferred_type: str, values: Sequence[str | None]) -> str | None:
    """The meaning of a column; ``values`` is a sample of its non-empty raw values."""
    sample = [str(v).strip() for v in values if v is not None and str(v).strip()][:500]
    if not sample:
        return None
    for kind, test, threshold in (("email", EMAIL.match, 0.8), ("iban", _is_iban, 0.8)):
        if _share(sample, test) >= threshold:
            return kind
    if inferred_type in ("date", "datetime"):
        return "date"
    if header_says(header, "phone") and _share(sample, PHONE.match) >= 0.6:
        return "phone"
    if header_says(header, "postal_code") and _share(sample, GERMAN_POSTAL.match) >= 0.8:
        return "postal_code"
    if inferred_type in NUMERIC or inferred_type == "text" and _share(sample, _numberish) > 0.9:
        for kind in ("identifier", "quantity", "measurement", "amount"):
            if header_says(header, kind):
                return kind
        if any(("€" in v or "EUR" in v) for v in sample[:50]):
            return "amount"
    if header_says(header, "identifier") and (_mostly_distinct(sample) or len(set(sample)) > 20):
        return "identifier"  # order lines repeat their order number: still an identifier
    if inferred_type in NUMERIC:
        return "measurement" if inferred_type == "decimal" else _integer_meaning(sample)
    if inferred_type == "boolean":
        return "category"
    if _share(sample, lambda v: " " in v and len(v) > 40) > 0.3:
        return "free_text"
    if _is_category(sample):
        return "category"
    if _mostly_distinct(sample) and not any(" " in v for v in sample[:100]):
        return "identifier"
    return None


def _numberish(value: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[\d.,\s]+(€|EUR)?", value))


def _mostly_distinct(sample: Sequence[str]) -> bool:
    return len(sample) >= 5 and len(set(sample)) >= 0.95 * len(sample)


def _is_category(sample: Sequence[str]) -> bool:
    distinct = len(set(sample))
    return len(sample) >= 10 and (distinct <= 20 or distinct <= 0.05 * len(sample))


def _integer_meaning(sample: Sequence[str]) -> str | None:
    if _mostly_distinct(sample):
        return "identifier"
    return "category" if _is_category(sample) else "quantity"
