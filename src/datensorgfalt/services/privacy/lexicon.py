"""Word lists for telling names from nouns, loaded from registry packages (no models).

- ``german-nouns`` (Wiktionary DE, CC BY-SA 4.0): ~100,000 German nouns, and the entries
  Wiktionary marks as ``Vorname`` (first name) and ``Nachname`` (surname).
- ``gender-guesser`` ships ``nam_dict.txt`` (Jörg Michael's name dictionary, GNU FDL): first
  names with their frequency per country; names common in Germany, Austria, Switzerland and
  the countries most immigrants to Germany come from are taken.

Both are read once and cached. Nothing is downloaded.
"""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from datensorgfalt.services.knowledge import load, path_of

# Column offsets of countries in nam_dict.txt (its own documented layout: one character per
# country starting at column 30; the value is a frequency class 1-D, blank = not used).
_NAM_DICT_COUNTRIES = {
    "germany": 12, "austria": 13, "swiss": 14, "poland": 23, "czech_republic": 24,
    "italy": 3, "turkey": 46, "greece": 37, "russia": 38, "croatia": 30, "serbia": 34,
    "romania": 27, "the_netherlands": 10, "france": 7, "spain": 6, "portugal": 5,
    "albania": 36,
}
_NAM_DICT_MIN_FREQUENCY = 2  # frequency classes start at 1 ("rare")


@dataclass(frozen=True)
class Lexicon:
    first_names: frozenset[str]
    surnames: frozenset[str]
    nouns: frozenset[str]
    function_words: frozenset[str]
    places: frozenset[str] = frozenset()

    def is_first_name(self, word: str) -> bool:
        parts = word.split("-")
        return all(p in self.first_names for p in parts if p)

    def is_surname(self, word: str) -> bool:
        return word in self.surnames

    def is_noun(self, word: str) -> bool:
        return word in self.nouns

    def is_function_word(self, word: str) -> bool:
        return word.lower() in self.function_words


def _package_file(package: str, *parts: str) -> Path | None:
    try:
        path = Path(str(resources.files(package).joinpath(*parts)))
    except ModuleNotFoundError:
        return None
    return path if path.exists() else None


def _wiktionary() -> tuple[set[str], set[str], set[str], set[str]]:
    first, last, nouns, places = set(), set(), set(), set()
    path = _package_file("german_nouns", "nouns.csv")
    if path is None:
        return first, last, nouns, places
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row in reader:
            if len(row) < 2 or not row[0]:
                continue
            word, pos = row[0], set(row[1].split(","))
            if "Toponym" in pos:
                places.add(word)
            if "Vorname" in pos:
                first.add(word)
            elif "Nachname" in pos:
                last.add(word)
            elif "Substantiv" in pos and "Toponym" not in pos and "Eigenname" not in pos:
                nouns.add(word)
                nouns.update(v for v in row[7:] if v and v[:1].isupper() and " " not in v)
    return first, last, nouns, places


def _nam_dict() -> set[str]:
    path = _package_file("gender_guesser", "data", "nam_dict.txt")
    names: set[str] = set()
    if path is None:
        return names
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line or line[0] in "#=" or len(line) < 31:
                continue
            values = line[30:]
            if not any(_frequency(values, i) >= _NAM_DICT_MIN_FREQUENCY
                       for i in _NAM_DICT_COUNTRIES.values()):
                continue
            name = line[3:29].strip()
            if name and "+" not in name and " " not in name:
                names.add(name)
            elif "+" in name:
                names.add(name.replace("+", "-"))
    return names


def _frequency(values: str, index: int) -> int:
    if index >= len(values) or values[index] in " $\n":
        return 0
    char = values[index]
    return int(char, 16) if char in "0123456789ABCDEF" else 0


@cache
def lexicon() -> Lexicon:
    """The word lists; a pickled copy in the user's cache folder makes later starts fast."""
    path = _cache_path()
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Lexicon):
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
    built = _build()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as handle:
                pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temporary.replace(path)
        except OSError:
            pass  # a read-only home folder only costs time
    return built


def _cache_path() -> Path | None:
    """Keyed by the source files and the function-word list, so a change rebuilds it."""
    sources = [_package_file("german_nouns", "nouns.csv"),
               _package_file("gender_guesser", "data", "nam_dict.txt"),
               path_of("privacy/function_words.yaml")]
    digest = hashlib.sha256()
    for source in sources:
        if source is not None and source.exists():
            stat = source.stat()
            digest.update(f"{source}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "datensorgfalt" / f"lexicon-{digest.hexdigest()[:16]}.pickle"


def _build() -> Lexicon:
    first, last, nouns, places = _wiktionary()
    first |= _nam_dict()
    words = load("privacy/function_words")
    function_words = {w.lower() for w in words.get("words", [])}
    first = {n for n in first if n.lower() not in function_words and len(n) > 1}
    last = {n for n in last if n.lower() not in function_words and len(n) > 1}
    return Lexicon(frozenset(first), frozenset(last), frozenset(nouns), frozenset(function_words),
                   frozenset(places))
