"""Special categories of personal data (DSGVO Art. 9), by vocabulary and context.

The vocabulary lives in ``knowledge/privacy/special_categories.yaml``. A term in a text counts
when a person (or a personal word like "Mitarbeiter", "Patient") is near; a header word counts
for a column.
"""

from __future__ import annotations

import re
from functools import cache

from datensorgfalt.services.knowledge import load
from datensorgfalt.services.privacy.entities import Entity

_PERSONAL_CONTEXT = re.compile(
    r"(?i)\b(herr|herrn|frau|mitarbeiter\w*|kolleg\w*|beschäftigte\w*|patient\w*|kunde|kundin|"
    r"bewerber\w*|er|sie|ihr|sein|seine|ihre|ich|mein\w*|wir)\b"
)


def categories() -> dict:
    return load("privacy/special_categories")


def _term_regex(term: str) -> str:
    if term.endswith("*"):
        return r"(?<![\wäöüß])" + re.escape(term[:-1]) + r"[\wäöüß-]*"
    return r"(?<![\wäöüß])" + re.escape(term) + r"(?![\wäöüß])"


@cache
def _term_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for key, entry in categories().items():
        joined = "|".join(_term_regex(t) for t in entry.get("terms", []))
        patterns.append((key, re.compile(joined, re.IGNORECASE)))
    return patterns


def find_special_terms(text: str, window: int = 120) -> list[Entity]:
    found = []
    for _key, pattern in _term_patterns():
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - window):match.end() + window]
            if _PERSONAL_CONTEXT.search(around):
                found.append(Entity(match.start(), match.end(), "SPECIAL_CATEGORY",
                                    match.group(), 0.6))
    return found


def special_categories_in(text: str, about_a_person: bool = False) -> list[str]:
    """The Art. 9 categories whose vocabulary occurs near a person in ``text`` (anywhere when
    the text is already ``about_a_person``, e.g. a remark in a row of a staff list)."""
    hits = []
    for key, pattern in _term_patterns():
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - 120):match.end() + 120]
            if about_a_person or _PERSONAL_CONTEXT.search(around):
                hits.append(key)
                break
    return hits


def special_category_of_header(header: str) -> str | None:
    norm = normalise_header(header)
    for key, entry in categories().items():
        for word in entry.get("headers", []):
            if word.endswith("*") and norm.startswith(normalise_header(word[:-1])):
                return key
            if norm == normalise_header(word):
                return key
    return None


def normalise_header(header: str) -> str:
    text = str(header).lower().replace("ß", "ss").replace("ä", "ae").replace("ö", "oe")
    text = text.replace("ü", "ue")
    return re.sub(r"[^a-z0-9]", "", text)
