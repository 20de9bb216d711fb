"""Personal data in free text: every entity with its character positions.

``find_entities(text)`` is the one entry point (used by ``privacy text``, by the document and
notes-column scan and by ``protect`` to replace entities with placeholders).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.privacy.entities import Entity, resolve_overlaps
from datensorgfalt.services.privacy.names import find_names, with_text
from datensorgfalt.services.privacy.patterns import find_patterns
from datensorgfalt.services.privacy.special import find_special_terms

MAX_TEXT_CHARS = 5_000_000  # longer texts are read in parts of this size

TEXT_TYPES = (
    "PERSON", "EMAIL", "PHONE", "ADDRESS", "DATE_OF_BIRTH", "IBAN", "BIC", "TAX_ID",
    "TAX_NUMBER", "VAT_ID", "SOCIAL_SECURITY_NUMBER", "HEALTH_INSURANCE_NUMBER", "ID_CARD",
    "PASSPORT", "LICENSE_PLATE", "IP_ADDRESS", "SPECIAL_CATEGORY",
)


def find_entities(text: str, min_score: float = 0.5, special: bool = False) -> list[Entity]:
    """Entities in ``text``, overlaps resolved, sorted by position."""
    if not text:
        return []
    if len(text) > MAX_TEXT_CHARS:
        return _in_parts(text, min_score, special)
    candidates = list(find_patterns(text))
    candidates += with_text(text, find_names(text))
    if special:
        candidates += find_special_terms(text)
    kept = resolve_overlaps([e for e in candidates if e.score >= min_score])
    return kept


def _in_parts(text: str, min_score: float, special: bool) -> list[Entity]:
    found: list[Entity] = []
    step = MAX_TEXT_CHARS
    for offset in range(0, len(text), step):
        part = text[offset:offset + step]
        for e in find_entities(part, min_score, special):
            found.append(Entity(e.start + offset, e.end + offset, e.type, e.text, e.score))
    return found


def scan_text(text: str, min_score: float = 0.5, special: bool = False) -> list[Entity]:
    """Entities of the kinds in TEXT_TYPES (Art. 9 terms only when ``special``)."""
    return find_entities(text, min_score=min_score, special=special)


def read_text_input(file: str, stdin: TextIO) -> str:
    """The text of a file (any common encoding) or of standard input (``-``)."""
    # here, not at the top: the detectors import this module, and only this function needs
    # the document readers (charset detection costs every quality run 12 ms)
    from datensorgfalt.sources.documents import decode_text, read_text_file

    if file == "-":
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
    else:
        try:
            data = read_text_file(Path(file))
        except OSError as exc:
            raise DatensorgfaltError("privacy.error.text_unreadable", path=file,
                                     reason=exc.strerror or str(exc)) from exc
    return decode_text(data) if isinstance(data, bytes) else data

