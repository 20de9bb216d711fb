"""Semantic type of a column (what it means, not how it is stored), from its header words and
its values: date, amount, quantity, postal_code, email, phone, iban, identifier, free_text,
category, measurement, or None. The header words are the column vocabulary
(``knowledge/columns.yaml``); later steps read the stored type instead of guessing again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from datensorgfalt.services.vocabulary import Meaning, says

NUMERIC = {"integer", "decimal"}
EMAIL = re.compile(r"^[\w.+'-]+@[\w-]+(\.[\w-]+)+$")
PHONE = re.compile(r"^(\+|0)[\d\s/()\-]{5,}$")
GERMAN_POSTAL = re.compile(r"^\d{5}$")
# a number column is the first of these its header names
HEADER_KINDS: tuple[Meaning, ...] = ("identifier", "quantity", "measurement", "amount")


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
    if says("phone", header) and _share(sample, PHONE.match) >= 0.6:
        return "phone"
    if says("postal_code", header) and _share(sample, GERMAN_POSTAL.match) >= 0.8:
        return "postal_code"
    if inferred_type in NUMERIC or inferred_type == "text" and _share(sample, _numberish) > 0.9:
        for kind in HEADER_KINDS:
            if says(kind, header):
                return kind
        if any(("€" in v or "EUR" in v) for v in sample[:50]):
            return "amount"
    if says("identifier", header) and (_mostly_distinct(sample) or len(set(sample)) > 20):
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
