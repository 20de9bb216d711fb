"""Which personal data does a table column hold? Decided from the header's meaning and from
the share of values that pass a validator or have the right shape.

A header alone never makes a finding (the values must fit), and values alone must be very
clear (a high share validated) before a column without a telling header is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from datensorgfalt.services.knowledge import load
from datensorgfalt.services.privacy import validators as v
from datensorgfalt.services.privacy.entities import mask
from datensorgfalt.services.privacy.free_text import find_entities
from datensorgfalt.services.privacy.lexicon import lexicon
from datensorgfalt.services.privacy.patterns import _STREET_RE, context_words
from datensorgfalt.services.privacy.special import (
    normalise_header,
    special_categories_in,
    special_category_of_header,
)

SAMPLE = 400
# Share of validated values needed without a telling header (higher for weak validators
# whose check digit lets about one random number in ten pass).
SHARE_WITHOUT_HEADER = {
    "EMAIL": 0.8, "IBAN": 0.8, "SOCIAL_SECURITY_NUMBER": 0.8, "VAT_ID": 0.8,
    "IP_ADDRESS": 0.9, "PHONE": 0.9, "TAX_ID": 0.9, "HEALTH_INSURANCE_NUMBER": 0.95,
    "BIC": 0.95, "LICENSE_PLATE": 0.95, "TAX_NUMBER": 0.95,
}
SHARE_WITH_HEADER = 0.5
_ID_LIKE = re.compile(r"^[A-Za-z]{0,4}[-/ ]?\d{2,12}(?:[-/]\d{1,6})?$")
_TITLE = (r"(?:(?:Univ\.)?Prof\.|Dr\.(?:\s?(?:med|rer\.\s?nat|phil|jur|h\.\s?c)\.)?"
          r"|Dipl\.-\w+\.?|Ing\.|Mag\.)")
_NAME_SHAPE = re.compile(
    r"^(?:" + _TITLE + r"\s?)*[A-ZÄÖÜ][a-zäöüßéèáàçñ'’]+(?:-[A-ZÄÖÜ][a-zäöüß'’]+)?"
    r"(?:,?\s(?:von|van|de|zu|von der|van der|ter|ten)?\s?[A-ZÄÖÜ][a-zäöüßéèáàçñ'’]+"
    r"(?:-[A-ZÄÖÜ][a-zäöüß'’]+)?){0,3}"
    r"(?:,?\s(?:B\.\s?A\.|M\.\s?A\.|B\.\s?Sc\.|M\.\s?Sc\.|MBA\.?|LL\.\s?M\.|B\.\s?Eng\.|"
    r"M\.\s?Eng\.|Dipl\.-\w+\.?|jun\.|sen\.))?$"
)
_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:[.,\s]?\d{3})*(?:[.,]\d+)?$|^[+-]?\d+(?:[.,]\d+)?$")
_GENDER = {"m", "w", "d", "f", "männlich", "weiblich", "divers", "herr", "frau", "male", "female",
           "maennlich", "mann"}


@dataclass
class ColumnVerdict:
    kinds: list[str] = field(default_factory=list)
    count: int = 0
    confidence: float = 0.0
    examples: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    special_categories: list[str] = field(default_factory=list)
    company: bool = False  # holds company names (tells rows are companies)

    @property
    def personal(self) -> bool:
        return bool(self.kinds)

    def to_dict(self) -> dict:
        return {"kinds": self.kinds, "count": self.count, "confidence": round(self.confidence, 2),
                "examples": self.examples, "evidence": self.evidence,
                **({"special_categories": self.special_categories}
                   if self.special_categories else {})}


@cache
def _header_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for kind, names in load("privacy/headers").items():
        for name in names:
            words.setdefault(normalise_header(name), kind)
    return words


def header_kind(header: str) -> str | None:
    """The kind a header names (``Telefon privat`` -> PHONE), or None."""
    norm = normalise_header(header)
    if not norm:
        return None
    words = _header_words()
    if norm in words:
        return words[norm]
    parts = [normalise_header(w) for w in re.split(r"[\s()/,;:_]+", str(header))]
    known = sorted((p for p in parts if p in words), key=len, reverse=True)
    if known:
        return words[known[0]]
    for word, kind in sorted(words.items(), key=lambda item: -len(item[0])):
        if len(word) >= 5 and (norm.startswith(word) or norm.endswith(word)):
            return kind
    return None


def _sample(values: list[str | None]) -> list[str]:
    present = [str(x).strip() for x in values if x is not None and str(x).strip()]
    if len(present) <= SAMPLE:
        return present
    step = len(present) / SAMPLE
    return [present[int(i * step)] for i in range(SAMPLE)]


def _share(sample: list[str], check) -> float:
    if not sample:
        return 0.0
    return sum(1 for x in sample if check(x)) / len(sample)


def classify_column(header: str, values: list[str | None],
                    rows_are_people: bool = False) -> ColumnVerdict:
    sample = _sample(values)
    present = sum(1 for x in values if x is not None and str(x).strip())
    hint = header_kind(header)
    verdict = ColumnVerdict(evidence={"header": hint})
    special = special_category_of_header(header)
    if special and sample:
        verdict.kinds.append("SPECIAL_CATEGORY")
        verdict.special_categories.append(special)
        verdict.evidence["special_header"] = special
    if not sample:
        return verdict
    if special:
        verdict.confidence = 0.8
        verdict.count = present
        verdict.examples = _examples(sample, verdict)
    decided = (_validated(hint, sample, verdict) or _names(hint, sample, verdict)
               or _shaped(hint, sample, verdict)
               or _free_text(hint, sample, verdict, rows_are_people))
    if decided and verdict.kinds:
        share = verdict.evidence.get("share", 1.0)
        verdict.count = round(share * present)
        verdict.examples = _examples(sample, verdict)
    return verdict


def _examples(sample: list[str], verdict: ColumnVerdict) -> list[str]:
    seen: list[str] = []
    for value in sample:
        masked = mask(value)
        if masked not in seen:
            seen.append(masked)
        if len(seen) == 3:
            break
    return seen


def _add(verdict: ColumnVerdict, kind: str, share: float, confidence: float, **evidence) -> bool:
    if kind not in verdict.kinds:
        verdict.kinds.insert(0, kind)
    verdict.confidence = max(verdict.confidence, min(0.99, confidence))
    verdict.evidence.update({"share": round(share, 3), **evidence})
    return True


def _validated(hint: str | None, sample: list[str], verdict: ColumnVerdict) -> bool:
    numeric = _share(sample, lambda x: _NUMBER.match(x) is not None) >= 0.9
    best_kind, best_share = None, 0.0
    for kind, _needed in SHARE_WITHOUT_HEADER.items():
        if numeric and kind not in ("TAX_ID", "PHONE") and kind != hint:
            continue
        share = _share(sample, v.VALIDATORS[kind])
        if share > best_share:
            best_kind, best_share = kind, share
    if hint in v.VALIDATORS and hint not in ("POSTAL_CODE", "DATE_OF_BIRTH"):
        share = _share(sample, v.VALIDATORS[hint])
        if share >= SHARE_WITH_HEADER:
            return _add(verdict, hint, share, 0.6 + 0.4 * share, validator=hint)
    if hint is None and _phone_column(sample):
        share = _share(sample, v.is_phone)
        return _add(verdict, "PHONE", share, 0.5 + 0.4 * share, validator="PHONE")
    if best_kind and best_share >= SHARE_WITHOUT_HEADER[best_kind] and (
            hint is None or hint in ("PERSON", "FREE_TEXT", best_kind, "CUSTOMER_ID",
                                     "EMPLOYEE_ID", "ID_CARD", "PASSPORT")):
        return _add(verdict, best_kind, best_share, 0.5 + 0.45 * best_share,
                    validator=best_kind)
    if hint in ("ID_CARD", "PASSPORT"):
        share = _share(sample, v.VALIDATORS[hint])
        if share >= SHARE_WITH_HEADER:
            return _add(verdict, hint, share, 0.5 + 0.4 * share, validator=hint)
    return False


_PHONE_SHAPE = re.compile(r"^(?:\+\d{2}\s?(?:\(0\)\s?)?|\(0\d{2,5}\)\s?|0)\d[\d /-]{4,16}\d$")


def _phone_column(sample: list[str]) -> bool:
    """Phone-shaped values (+49 ..., 0xxxx ...) with 9+ digits, most of them valid numbers."""
    shaped = _share(sample, lambda x: _PHONE_SHAPE.match(x) is not None
                    and len(re.sub(r"\D", "", x)) >= 9)
    return shaped >= 0.9 and _share(sample, v.is_phone) >= 0.6


def _is_company(value: str) -> bool:
    forms = context_words()["company_forms"]
    words = [w.strip(",.()").lower() for w in value.split()]
    lowered = value.lower()
    return any(w in forms for w in words) or any(
        f in lowered for f in ("gmbh", " & co", " ag", "e.k.", "mbh"))


def _looks_like_name(value: str) -> bool:
    return _NAME_SHAPE.match(value) is not None and not _is_company(value)


def _known_name_part(value: str) -> bool:
    lex = lexicon()
    parts = [p for p in re.split(r"[\s,]+", value) if p]
    return any(lex.is_first_name(p) or lex.is_surname(p) for p in parts)


def _not_a_noun(value: str) -> bool:
    lex = lexicon()
    parts = [p for p in re.split(r"[\s,]+", value) if p and p[0].isupper()]
    return bool(parts) and not any(lex.is_noun(p) and not lex.is_surname(p) for p in parts)


def _names(hint: str | None, sample: list[str], verdict: ColumnVerdict) -> bool:
    company = _share(sample, _is_company)
    if company >= 0.3:
        verdict.company = True
        verdict.evidence["company_share"] = round(company, 3)
        return False
    if hint not in (None, "PERSON", "FIRST_NAME", "LAST_NAME", "FREE_TEXT"):
        return False
    shape = _share(sample, _looks_like_name)
    if shape < 0.7:
        return False
    known = _share(sample, _known_name_part)
    lex = lexicon()
    not_nouns = _share(sample, _not_a_noun)
    if hint in ("PERSON", "FIRST_NAME", "LAST_NAME") and (known >= 0.3 or not_nouns >= 0.5):
        return _add(verdict, hint, shape, 0.5 + 0.45 * known, name_list_share=round(known, 3))
    if hint is None and shape >= 0.8 and known >= 0.6:
        single = _share(sample, lambda x: " " not in x.strip())
        kind = "PERSON"
        if single >= 0.9:
            firsts = _share(sample, lambda x: lex.is_first_name(x.strip()))
            kind = "FIRST_NAME" if firsts >= 0.6 else "LAST_NAME"
            if kind == "LAST_NAME" and _share(sample, lambda x: lex.is_surname(x.strip())) < 0.4:
                return False
        return _add(verdict, kind, shape, 0.4 + 0.5 * known, name_list_share=round(known, 3))
    return False


def _age(value: str) -> bool:
    return value.isdigit() and 14 <= int(value) <= 110


def _shaped(hint: str | None, sample: list[str], verdict: ColumnVerdict) -> bool:
    checks = {
        "ADDRESS": lambda x: _STREET_RE.search(x) is not None,
        "POSTAL_CODE": v.is_postal_code,
        "DATE_OF_BIRTH": v.is_birth_date,
        "AGE": _age,
        "GENDER": lambda x: x.strip().lower().rstrip(".") in _GENDER,
        "CITY": lambda x: re.fullmatch(r"(?:\d{5}\s)?[A-ZÄÖÜ][\wäöüß .()/-]+", x) is not None,
        "CUSTOMER_ID": lambda x: _ID_LIKE.match(x) is not None,
        "EMPLOYEE_ID": lambda x: _ID_LIKE.match(x) is not None,
    }
    if hint in checks:
        share = _share(sample, checks[hint])
        if share >= 0.7:
            return _add(verdict, hint, share, 0.5 + 0.4 * share, shape=hint)
        return False
    if hint is None:
        share = _share(sample, checks["ADDRESS"])
        if share >= 0.8:
            return _add(verdict, "ADDRESS", share, 0.4 + 0.5 * share, shape="ADDRESS")
    return False


def _free_text(hint: str | None, sample: list[str], verdict: ColumnVerdict,
               rows_are_people: bool = False) -> bool:
    long_values = _share(sample, lambda x: len(x) >= 25 and x.count(" ") >= 3)
    if hint != "FREE_TEXT" and long_values < 0.5:
        return False
    rows_with, kinds = 0, {}
    for value in sample[:200]:
        found = find_entities(value)
        if found:
            rows_with += 1
        for entity in found:
            kinds[entity.type] = kinds.get(entity.type, 0) + 1
    special = sorted({c for value in sample[:200]
                      for c in special_categories_in(value, rows_are_people)})
    if special:
        verdict.special_categories.extend(c for c in special if c not in verdict.special_categories)
        if "SPECIAL_CATEGORY" not in verdict.kinds:
            verdict.kinds.append("SPECIAL_CATEGORY")
    if not rows_with:
        if special:
            rows = sum(1 for value in sample[:200] if special_categories_in(value, rows_are_people))
            verdict.count = rows
            verdict.evidence["special_rows"] = rows
            return _add(verdict, "SPECIAL_CATEGORY", rows / min(len(sample), 200), 0.7)
        return False
    share = rows_with / min(len(sample), 200)
    verdict.kinds[:0] = [k for k in sorted(kinds, key=kinds.get, reverse=True)
                         if k not in verdict.kinds]
    verdict.evidence["free_text_entities"] = kinds
    return _add(verdict, "FREE_TEXT", share, 0.5 + 0.4 * min(1.0, share * 2), free_text=True)


PERSON_KINDS = {"PERSON", "FIRST_NAME", "LAST_NAME", "EMPLOYEE_ID", "DATE_OF_BIRTH",
                "SOCIAL_SECURITY_NUMBER", "TAX_ID", "HEALTH_INSURANCE_NUMBER"}


def classify_table(columns: dict[str, list[str | None]]) -> dict[str, ColumnVerdict]:
    """Verdicts for all columns. Addresses in a table of companies without any person column
    are company addresses, not personal data; remarks in a table of people are about them."""
    verdicts = {name: classify_column(name, values) for name, values in columns.items()}
    people = any(set(vd.kinds) & PERSON_KINDS for vd in verdicts.values())
    if people:
        for name, vd in verdicts.items():
            if header_kind(name) == "FREE_TEXT" and "FREE_TEXT" not in vd.kinds:
                verdicts[name] = classify_column(name, columns[name], rows_are_people=True)
    for vd in verdicts.values():
        for part, whole in (("FIRST_NAME", "PERSON"), ("LAST_NAME", "PERSON")):
            if part in vd.kinds and whole not in vd.kinds:
                vd.kinds.append(whole)  # a first or last name column holds person names
    companies = any(vd.company for vd in verdicts.values())
    if companies and not people:
        for vd in verdicts.values():
            company_address = [k for k in vd.kinds if k in ("ADDRESS", "POSTAL_CODE", "CITY")]
            if company_address:
                vd.kinds = [k for k in vd.kinds if k not in company_address]
                vd.evidence["company_address"] = True
    return verdicts
