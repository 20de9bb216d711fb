"""Pattern recognisers for free text: a regular expression finds candidates, a validator
(check digit, library) or a context word confirms them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

from datensorgfalt.services.knowledge import load
from datensorgfalt.services.privacy import validators as v
from datensorgfalt.services.privacy.entities import Entity
from datensorgfalt.services.privacy.lexicon import lexicon


@dataclass(frozen=True)
class Recogniser:
    type: str
    pattern: re.Pattern[str]
    validator: object  # Callable[[str], bool] | None
    score: float  # score when validated
    context: str | None = None  # key in context.yaml
    context_required: bool = False


_B = r"(?<![\w/.-])"  # left boundary: not inside a word, path or number
_E = r"(?![\w/-]|\.\w)"  # right boundary

RECOGNISERS = [
    Recogniser("EMAIL", v.EMAIL_RE, None, 0.95),
    Recogniser("IBAN",
               re.compile(_B + r"[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?"
                          + _E),
               v.is_iban, 0.95),
    Recogniser("BIC", re.compile(_B + r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?" + _E),
               v.is_bic, 0.85, "bic", context_required=True),
    Recogniser("VAT_ID", re.compile(_B + r"DE ?\d{3} ?\d{3} ?\d{3}" + _E), v.is_vat_id, 0.9),
    Recogniser("TAX_ID", re.compile(_B + r"[1-9]\d(?: ?\d{3}){3}" + _E), v.is_tax_id, 0.75,
               "tax_id"),
    Recogniser("TAX_NUMBER", re.compile(_B + r"\d{2,3}/\d{3,4}/\d{4,5}" + _E), v.is_tax_number,
               0.75, "tax_number"),
    Recogniser("TAX_NUMBER", re.compile(_B + r"\d{13}" + _E), v.is_tax_number, 0.75,
               "tax_number", context_required=True),
    Recogniser("SOCIAL_SECURITY_NUMBER",
               re.compile(_B + r"\d{2} ?\d{6} ?[A-Z] ?\d{3}" + _E),
               v.is_social_security_number, 0.9, "social_security"),
    Recogniser("HEALTH_INSURANCE_NUMBER", re.compile(_B + r"[A-Z] ?\d{3} ?\d{3} ?\d{3}" + _E),
               v.is_health_insurance_number, 0.8, "health_insurance"),
    Recogniser("PASSPORT", re.compile(_B + r"[CFGHJK][CFGHJKLMNPRTVWXYZ0-9]{8}\d?" + _E),
               v.is_passport, 0.6, "passport", context_required=True),
    Recogniser("ID_CARD", re.compile(_B + r"[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}\d?" + _E),
               v.is_id_card, 0.6, "id_card", context_required=True),
    Recogniser("LICENSE_PLATE",
               re.compile(r"(?<![\w-])[A-ZÄÖÜ]{1,3}[- ][A-Z]{1,2}[- ]?[1-9]\d{0,3}[EH]?(?![\w-])"),
               v.is_license_plate, 0.6, "plate"),
    Recogniser("IP_ADDRESS",
               re.compile(r"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)"
                          r"|(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f:]{1,4}(?![\w:])"),
               v.is_ip_address, 0.9),
]


def context_words() -> dict:
    return load("privacy/context")


def has_context(text: str, start: int, key: str, window: int | None = None) -> bool:
    config = context_words()
    window = window or int(config.get("window", 40))
    before = text[max(0, start - window):start].lower()
    words = config.get(key, [])
    return any(_contains_word(before, w) for w in words)


def _contains_word(haystack: str, word: str) -> bool:
    pattern = r"(?<![\wäöüß])" + re.escape(word) + (r"(?![\wäöüß])" if word[-1].isalnum() else "")
    return re.search(pattern, haystack) is not None


def find_patterns(text: str) -> Iterator[Entity]:
    for recogniser in RECOGNISERS:
        for match in recogniser.pattern.finditer(text):
            entity = _confirm(text, recogniser, match.start(), match.end())
            if entity is not None:
                yield entity
    yield from find_phones(text)
    yield from find_phone_shapes(text)
    yield from find_birth_dates(text)
    yield from find_addresses(text)


def _confirm(text: str, rec: Recogniser, start: int, end: int) -> Entity | None:
    value = text[start:end]
    if rec.type == "IBAN":
        return _shrink_iban(text, start, end)
    if rec.validator is not None and not rec.validator(value):
        return None
    score = rec.score
    if rec.context:
        found = has_context(text, start, rec.context)
        if rec.context_required and not found:
            return None
        score = min(0.99, score + 0.2) if found else score
    if rec.type == "LICENSE_PLATE" and not (" " in value or "-" in value):
        return None
    return Entity(start, end, rec.type, value, score)


def _shrink_iban(text: str, start: int, end: int) -> Entity | None:
    """IBANs are often followed by more groups of letters/digits: try shorter spans."""
    while end - start >= 15:
        value = text[start:end]
        if v.is_iban(value):
            return Entity(start, end, "IBAN", value, 0.95)
        cut = value.rstrip().rfind(" ")
        end = start + cut if cut > 0 else end - 1
    return None


_PHONE_CHARS = re.compile(r"[+(]?\d[\d ()/.-]{4,}\d")


def find_phones(text: str) -> Iterator[Entity]:
    for match in phonenumbers.PhoneNumberMatcher(text, "DE", leniency=phonenumbers.Leniency.VALID):
        raw = match.raw_string
        if not raw.lstrip("(").startswith(("+", "0")):
            continue
        if _PHONE_CHARS.fullmatch(raw) is None or _DATE_RE.fullmatch(raw):
            continue
        score = 0.75 if not has_context(text, match.start, "phone_words") else 0.9
        yield Entity(match.start, match.end, "PHONE", raw, score)


_PHONE_SHAPE = re.compile(
    r"(?<![\w+])(?:\+\d{2}\s?(?:\(0\)\s?)?\d|\(0\d{2,5}\)\s?\d|0\d)[\d /-]{4,16}\d(?![\w-])"
)


def find_phone_shapes(text: str) -> Iterator[Entity]:
    """Phone-shaped numbers right after a phone word, even if no valid number (typos)."""
    for match in _PHONE_SHAPE.finditer(text):
        raw = match.group()
        if len(re.sub(r"\D", "", raw)) >= 7 and not _DATE_RE.fullmatch(raw) and has_context(
                text, match.start(), "phone_words", window=25):
            yield Entity(match.start(), match.end(), "PHONE", raw, 0.6)


_MONTHS = ("Januar|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|November|"
           "Dezember|Jan\\.|Feb\\.|Mär\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sep\\.|Sept\\.|Okt\\.|"
           "Nov\\.|Dez\\.")
_DATE_RE = re.compile(
    r"(?<![\d.])(?:\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)?\d{2}|\d{1,2}\.\s?(?:" + _MONTHS
    + r")\s\d{4}|(?:19|20)\d{2}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/(?:19|20)\d{2})(?![\d])"
)


def find_birth_dates(text: str) -> Iterator[Entity]:
    for match in _DATE_RE.finditer(text):
        if has_context(text, match.start(), "birth", window=30):
            yield Entity(match.start(), match.end(), "DATE_OF_BIRTH", match.group(), 0.85)


_STREET_SUFFIX = (r"(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|"
                  r"pfad|steig|markt|hof|berg|feld|garten|park|stieg|wall|graben|kamp|twiete|"
                  r"tor|brücke|höhe|hang|anger|aue|grund|winkel|promenade|zeile|bogen|"
                  r"landstraße|heide|straat|strase)")
_CAP = r"[A-ZÄÖÜ][a-zäöüß]+"
_STREET_RE = re.compile(
    r"(?<![\w-])(?:(?:" + _CAP + r"[-\s])?(?:" + _CAP + r"-)*[A-ZÄÖÜ][a-zäöüß-]*" + _STREET_SUFFIX
    + r"|(?:Am|An\sder|An\sden|Auf\sdem|Auf\sder|Im|In\sder|In\sden|Zum|Zur|Hinter\sder|"
    r"Unter\sden|Alte|Alter|Neue|Neuer|Große|Kleine)\s"
    + _CAP + r"(?:[-\s]" + _CAP + r")?(?=\s(?!(?:19|20)\d\d\b)\d{1,3}(?!\d))"
    + r"|(?:" + _CAP + r"[\s-])?" + _CAP
    + r"[\s-](?:Straße|Strasse|Str\.|Weg|Platz|Allee|Ring|Gasse|"
    r"Damm|Ufer|Pfad|Steig|Markt|Hof|Berg|Chaussee|Promenade|Stieg|Kamp|Wall|Graben)"
    + r"|(?:" + _CAP + r"-){2,3}(?:Straße|Strasse|Str\.|Weg|Platz|Allee|Ring|Gasse|Damm|Ufer|Pfad))"
    r"\s\d{1,4}(?:\s?[a-zA-Z](?![\w]))?(?:\s?[-/]\s?\d{1,4}[a-z]?)?"
)
_PLZ_CITY_RE = re.compile(
    r"(?<![\d\w])(?:D-)?\d{5}\s" + _CAP + r"(?:(?:[-\s](?:an\sder|am|im|in\sder|ob\sder|bei)\s"
    + _CAP + r")|(?:-" + _CAP + r")|(?:\s\(" + _CAP + r"\)))?(?:\s(?:" + _CAP
    + r")(?=\s*(?:$|[\n,;.])))?"
)


def _windows(text: str, size: int = 1000, overlap: int = 120) -> Iterator[tuple[int, str]]:
    """Lines, long lines cut into overlapping windows: keeps the address search linear."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if len(line) <= size:
            yield offset, line
        else:
            for start in range(0, len(line), size - overlap):
                yield offset + start, line[start:start + size]
        offset += len(line)


def find_addresses(text: str) -> Iterator[Entity]:
    seen: set[tuple[int, int]] = set()
    for offset, part in _windows(text):
        for entity in _addresses_in(part):
            span = (entity.start + offset, entity.end + offset)
            if span not in seen:
                seen.add(span)
                yield Entity(span[0], span[1], entity.type, entity.text, entity.score)


def _addresses_in(text: str) -> Iterator[Entity]:
    for match in _STREET_RE.finditer(text):
        yield Entity(match.start(), match.end(), "ADDRESS", match.group(), 0.8)
    for match in _PLZ_CITY_RE.finditer(text):
        value = match.group()
        if not v.is_postal_code(value.removeprefix("D-")[:5]):
            continue
        if not _plz_context(text, match.start(), value):
            continue
        yield Entity(match.start(), match.end(), "ADDRESS", value, 0.7)


def _plz_context(text: str, start: int, value: str) -> bool:
    """"58636 Iserlohn" at a line start, after a comma or "in"; or a city that is no noun."""

    before = text[max(0, start - 5):start]
    if start == 0 or re.search(r"(?:^|[\n,;(]|\bin|\bD-)\s*$", before) or before.endswith("\t"):
        return True
    city = value.removeprefix("D-")[6:].split()[0]
    return not lexicon().is_noun(city)
