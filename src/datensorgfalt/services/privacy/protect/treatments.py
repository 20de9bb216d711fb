"""What happens to one value: keyed pseudonym, mask, generalisation step, suppression,
placeholders for entities in free text."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from datensorgfalt.services.privacy.free_text import find_entities
from datensorgfalt.services.privacy.validators import compact, parse_date

TREATMENTS = ("pseudonym", "mask", "generalise", "suppress", "keep", "text")
TOP = "*"


def normalise(value: str, kind: str | None) -> str:
    """The same person, account or number written differently gets the same pseudonym."""
    text = " ".join(str(value).split())
    if kind in ("EMAIL",):
        return text.lower()
    if kind in ("IBAN", "TAX_ID", "SOCIAL_SECURITY_NUMBER", "HEALTH_INSURANCE_NUMBER", "ID_CARD",
                "PASSPORT", "VAT_ID", "LICENSE_PLATE", "PHONE"):
        return compact(text)
    return text.casefold()


def pseudonym(value: str | None, key: bytes, kind: str | None = None) -> str | None:
    if value is None or not str(value).strip():
        return value
    digest = hmac.new(key, normalise(value, kind).encode("utf-8"), hashlib.sha256).digest()
    return "ps-" + base64.b32encode(digest[:10]).decode("ascii").lower()


def mask_value(value: str | None, kind: str | None = None) -> str | None:
    if value is None or not str(value).strip():
        return value
    text = str(value).strip()
    if kind == "EMAIL" and "@" in text:
        local, _, domain = text.partition("@")
        return local[:1] + "***@***." + domain.rsplit(".", 1)[-1]
    if kind == "IP_ADDRESS" and text.count(".") == 3:
        return ".".join(text.split(".")[:2] + ["x", "x"])
    if kind == "PHONE":
        digits = re.sub(r"\D", "", text)
        return digits[:4] + "x" * max(0, len(digits) - 4)
    return text[:1] + "*" * max(0, len(text) - 1)


def generalise(value: str | None, kind: str | None, level: int) -> str | None:
    """One step of a simple hierarchy per kind; level 0 keeps the value, the top is ``*``."""
    if value is None or not str(value).strip() or level <= 0:
        return value
    text = str(value).strip()
    steps = HIERARCHY_DEPTH.get(kind or "", 1)
    if level >= steps:
        return TOP
    if kind == "DATE_OF_BIRTH":
        return _date_level(text, level)
    if kind == "POSTAL_CODE" and text.isdigit():
        keep = {1: 3, 2: 2, 3: 1}[level]
        return text[:keep] + "x" * (len(text) - keep)
    if kind == "AGE" and text.isdigit():
        width = {1: 5, 2: 10, 3: 20}[level]
        low = int(text) // width * width
        return f"{low}-{low + width - 1}"
    return TOP


def _date_level(text: str, level: int) -> str:
    parsed = parse_date(text)
    if parsed is None:
        return TOP
    if level == 1:
        return f"{parsed.month:02d}.{parsed.year}"
    if level == 2:
        return str(parsed.year)
    decade = parsed.year // 10 * 10
    return f"{decade}-{decade + 9}"


HIERARCHY_DEPTH = {"DATE_OF_BIRTH": 4, "POSTAL_CODE": 4, "AGE": 4}
START_LEVEL = {"DATE_OF_BIRTH": 1, "POSTAL_CODE": 2, "AGE": 2}


def placeholders(value: str | None) -> str | None:
    """Every entity found in a free text replaced by ``[TYPE]``."""
    if value is None or not str(value).strip():
        return value
    text = str(value)
    for entity in sorted(find_entities(text), key=lambda e: e.start, reverse=True):
        text = text[:entity.start] + f"[{entity.type}]" + text[entity.end:]
    return text
