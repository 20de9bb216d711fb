"""The column vocabulary: which words in a column (or file) name say what it means.

The words live in ``knowledge/columns.yaml`` (one entry per meaning, German and English);
this module compiles them once into one pattern per meaning. Every step asks here
(``says("amount", "Umsatz netto")``) instead of keeping a word list of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal, get_args

from datensorgfalt.services.knowledge import load

Meaning = Literal[
    "identifier", "amount", "net_amount", "forecast_target", "quantity", "measurement",
    "postal_code", "email", "phone", "iban", "date", "timestamp", "not_a_time_axis",
    "calendar_part", "person", "address", "label", "outcome", "anomaly_label", "plan",
    "free_text", "file_reference", "wear_signal", "event_log", "event_start", "failure", "copy",
]
MEANINGS: tuple[str, ...] = get_args(Meaning)
WAYS = ("parts", "words", "endings", "names")

_LETTER = r"[^\W_]"  # a letter or digit: what a word is made of
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


class UnknownMeaning(KeyError):
    """A meaning that ``knowledge/columns.yaml`` does not have (a typo in code or file)."""


def fold(text: str) -> str:
    """Lower case with umlauts written out, so "Stück" and "Stueck" read the same."""
    return str(text).lower().translate(_UMLAUTS)


def _alternatives(way: str, word: str) -> str:
    word = re.escape(fold(word))
    if way == "parts":
        return word
    if way == "words":
        return rf"(?<!{_LETTER}){word}(?!{_LETTER})"
    if way == "endings":
        return rf"(?<={_LETTER}{{3}}){word}(?!{_LETTER})"
    return rf"^\s*{word}\s*$"


def _compile(meaning: str, entry: dict[str, list[str]]) -> re.Pattern[str]:
    unknown = set(entry) - set(WAYS)
    if unknown:
        raise ValueError(f"columns.yaml, {meaning}: unknown key(s) {sorted(unknown)}; "
                         f"use {', '.join(WAYS)}")
    words = [(way, word) for way in WAYS for word in entry.get(way) or []]
    not_text = [word for _, word in words if not isinstance(word, str)]
    if not_text:
        raise ValueError(f"columns.yaml, {meaning}: {not_text} are not words; put quotes "
                         f"around no, yes, on, off, true, false and numbers")
    alternatives = [_alternatives(way, word) for way, word in words]
    return re.compile("|".join(alternatives) or r"(?!)")


@dataclass(frozen=True)
class Vocabulary:
    """One compiled pattern per meaning of ``knowledge/columns.yaml``."""

    patterns: dict[str, re.Pattern[str]]

    @classmethod
    def from_knowledge(cls, entries: dict[str, dict[str, list[str]]]) -> Vocabulary:
        return cls({meaning: _compile(meaning, entry or {})
                    for meaning, entry in entries.items()})

    def matches(self, meaning: Meaning, name: str) -> bool:
        """True when ``name`` (a column name, a title or a path) has a word of ``meaning``."""
        pattern = self.patterns.get(meaning)
        if pattern is None:
            raise UnknownMeaning(f"columns.yaml has no meaning {meaning!r}")
        return pattern.search(fold(name)) is not None


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary of ``knowledge/columns.yaml``, compiled once."""
    return Vocabulary.from_knowledge(load("columns"))


def says(meaning: Meaning, name: str) -> bool:
    """``says("amount", "Umsatz netto")``: the name has a word of the meaning."""
    return vocabulary().matches(meaning, name)


def says_any(meanings: tuple[Meaning, ...], name: str) -> bool:
    """The name has a word of one of the meanings."""
    return any(says(meaning, name) for meaning in meanings)
