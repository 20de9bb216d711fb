"""Word lists for telling names from nouns, loaded from registry packages (no models).

- ``german-nouns`` (Wiktionary DE, CC BY-SA 4.0): ~100,000 German nouns, and the entries
  Wiktionary marks as ``Vorname`` (first name) and ``Nachname`` (surname).
- ``knowledge/privacy/first_names.txt``: first names given in Berlin 2012-2023 (LABO /
  BerlinOnline, CC BY 3.0 DE; built by ``scripts/build_first_names.py``), second names
  included, so older German names and those of immigrant families are in it too.

Both are read once and cached as JSON (plain data: nothing executable is loaded from the
writable cache folder). Nothing is downloaded.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from datensorgfalt.services.knowledge import load, path_of

FIRST_NAMES = "privacy/first_names.txt"


LISTS = ("first_names", "surnames", "nouns", "function_words", "places")


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


def _first_names() -> set[str]:
    path = path_of(FIRST_NAMES)
    if not path.exists():
        return set()
    lines = path.read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


@cache
def lexicon() -> Lexicon:
    """The word lists; a JSON copy in the user's cache folder makes later starts fast."""
    path = _cache_path()
    cached = _read_cache(path)
    if cached is not None:
        return cached
    built = _build()
    _write_cache(path, built)
    return built


def _read_cache(path: Path) -> Lexicon | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return Lexicon(**{name: frozenset(str(w) for w in data[name]) for name in LISTS})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, lexicon: Lexicon) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({name: sorted(getattr(lexicon, name)) for name in LISTS},
                                        ensure_ascii=False), "utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a read-only home folder only costs time


def _cache_path() -> Path:
    """Keyed by the source files, the function-word list and this module, so a change of any
    rebuilds it."""
    sources = [_package_file("german_nouns", "nouns.csv"), path_of(FIRST_NAMES),
               path_of("privacy/function_words.yaml"), Path(__file__)]
    digest = hashlib.sha256()
    for source in sources:
        if source is not None and source.exists():
            stat = source.stat()
            digest.update(f"{source}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "datensorgfalt" / f"lexicon-{digest.hexdigest()[:16]}.json"


def _build() -> Lexicon:
    first, last, nouns, places = _wiktionary()
    # a Berlin child called "Berlin" or "April" does not make every town or noun a name
    first |= _first_names() - ((nouns | places) - first)
    words = load("privacy/function_words")
    function_words = {w.lower() for w in words.get("words", [])}
    first = {n for n in first if n.lower() not in function_words and len(n) > 1}
    last = {n for n in last if n.lower() not in function_words and len(n) > 1}
    return Lexicon(frozenset(first), frozenset(last), frozenset(nouns), frozenset(function_words),
                   frozenset(places))
