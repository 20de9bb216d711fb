"""Person names in German free text, without a language model.

Evidence, strongest first: a form of address or title before the words ("Herr", "Frau Dr."),
a lead phrase (signature "Mit freundlichen Grüßen", "Ansprechpartner:", "Hallo"), a known first
name followed by a known surname or by a capitalised word that is no German noun, and a known
surname that is no noun. A capitalised word alone is weak (German capitalises every noun), so
the noun list decides between "Wald" the noun and "Schmidt" the name. Names that are followed
by a legal form (GmbH, AG, KG ...) belong to companies and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from datensorgfalt.services.privacy.entities import Entity
from datensorgfalt.services.privacy.lexicon import Lexicon, lexicon
from datensorgfalt.services.privacy.patterns import context_words

_LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
_WORD = re.compile(rf"[{_LETTER}][{_LETTER}'’]*(?:-[{_LETTER}][{_LETTER}'’]*)*\.?")
_GAP = re.compile(r"[ \t]+")  # words of one name stand on one line


@dataclass
class Token:
    start: int
    end: int
    text: str

    @property
    def word(self) -> str:
        return self.text.rstrip(".")

    @property
    def capitalised(self) -> bool:
        """Upper-case first letter, not an all-caps abbreviation (single initials count)."""
        word = self.word
        return word[:1].isupper() and (len(word) == 1 or not word.isupper())


@cache
def _config() -> dict[str, frozenset[str]]:
    ctx = context_words()
    return {
        "titles": frozenset(ctx["titles"]),
        "greetings": frozenset(ctx["greetings"]),
        "academic": frozenset(ctx["academic"]),
        "particles": frozenset(ctx["name_particles"]),
        "lead": frozenset(ctx["name_lead"]),
        "company": frozenset(ctx["company_forms"]),
    }


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def _chains(text: str, toks: list[Token]) -> Iterator[list[int]]:
    """Indexes of runs of capitalised words (with particles and titles) on one line."""
    conf = _config()
    run: list[int] = []
    for i, tok in enumerate(toks):
        lower = tok.text.lower()
        joinable = tok.capitalised or lower in conf["particles"] or lower in conf["academic"]
        if _is_initial(tok.text) and i and _is_abbreviation_part(toks[i - 1].text):
            joinable = False  # "z. B.", "u. A.", "i. d. R."
        adjacent = run and _GAP.fullmatch(text[toks[run[-1]].end:tok.start]) is not None
        previous = toks[run[-1]].text if run else ""
        stops = previous.endswith(".") and previous.lower() not in (
            conf["academic"] | conf["titles"]) and not _is_initial(previous)
        if joinable and (not run or adjacent) and not stops:
            run.append(i)
            continue
        if run:
            yield run
        run = [i] if joinable else []
    if run:
        yield run


def _is_abbreviation_part(text: str) -> bool:
    return len(text) == 2 and text[0].islower() and text[1] == "."


def _is_initial(text: str) -> bool:
    return len(text) == 2 and text[0].isupper() and text[1] == "."


def find_names(text: str) -> list[Entity]:
    lex = lexicon()
    toks = tokens(text)
    found: list[Entity] = []
    titles = _config()["titles"]
    for chain in _chains(text, toks):
        for part in _split_at_titles(chain, toks, titles):
            found.extend(_names_in_chain(text, toks, part, lex))
    found += list(_inverted(text, toks, found, lex))
    return found + list(_repeated(text, toks, found, lex))


def _inverted(text: str, toks: list[Token], found: list[Entity], lex: Lexicon) -> Iterator[Entity]:
    """"Müller, Hans" (surname, comma, first name) as in lists and forms."""
    covered = {i for e in found for i in range(e.start, e.end)}
    for left, right in zip(toks, toks[1:], strict=False):
        if text[left.end:right.start] != ", " or not left.capitalised or not right.capitalised:
            continue
        if left.text.endswith(".") or lex.is_function_word(left.word):
            continue
        if _kind(right.word, lex) not in "Ff" or _kind(left.word, lex) not in "LUN":
            continue
        if _kind(left.word, lex) == "N" and not lex.is_surname(left.word):
            continue
        if left.start in covered and right.start in covered:
            continue
        yield Entity(left.start, right.start + len(right.word), "PERSON", "", 0.88)


def _split_at_titles(chain: list[int], toks: list[Token],
                     titles: frozenset[str]) -> list[list[int]]:
    """"Ansprechpartner Frau Meier" -> "Ansprechpartner" | "Frau Meier"."""
    parts: list[list[int]] = [[]]
    for index in chain:
        if toks[index].text.lower() in titles and parts[-1]:
            parts.append([])
        parts[-1].append(index)
    return parts


def _lead_before(text: str, start: int) -> bool:
    """A lead phrase right before: "Mit freundlichen Grüßen\n", "Ansprechpartner:", "Hallo"."""
    raw = text[max(0, start - 40):start].lower().rstrip(" \t\n\r")
    loose = raw.rstrip(",;:-–")
    for lead in _config()["lead"]:
        target = raw if lead.endswith(":") else loose
        if target.endswith(lead) and _word_start(target, lead):
            return True
    return False


def _word_start(before: str, lead: str) -> bool:
    index = len(before) - len(lead)
    return index == 0 or not before[index - 1].isalnum()


def _is_company(text: str, end: int, words: list[str]) -> bool:
    conf = _config()
    after = text[end:end + 40].lower().lstrip(" ")
    if after.startswith(("&", "+", "und söhne", "und partner", "& co")):
        return True
    first_after = after.split()[0].strip(",.;:()") if after.split() else ""
    first_after_raw = after.split()[0].strip(",;:()") if after.split() else ""
    forms = conf["company"]
    return (first_after in forms or first_after_raw in forms
            or any(w.lower() in forms for w in words))


def _names_in_chain(text: str, toks: list[Token], chain: list[int], lex: Lexicon) -> list[Entity]:
    conf = _config()
    words = [toks[i] for i in chain]
    # a form of address or a title in front: strong evidence for what follows
    trigger = 0.0
    while words and (words[0].text.lower() in conf["titles"]
                     or words[0].text.lower() in conf["academic"]):
        trigger = 0.9
        words = words[1:]
    while words and words[0].word.lower() in conf["greetings"]:
        trigger = max(trigger, 0.85)
        words = words[1:]
    while words and lex.is_function_word(words[0].word) and words[0].word.lower() not in (
            conf["particles"]):
        words = words[1:]
    while words and not trigger and words[0].text in conf["particles"]:
        words = words[1:]
    while words and words[-1].text.lower() in conf["particles"]:
        words = words[:-1]
    if not words:
        return []
    if _is_company(text, words[-1].end, [w.word for w in words]):
        # "Herr Hans Stoll von Flantz GmbH": the company starts at the particle
        cut = next((i for i, w in enumerate(words) if i and w.text in conf["particles"]), None)
        if cut is None or _is_company(text, words[cut - 1].end, [w.word for w in words[:cut]]):
            return []
        words = words[:cut]
    if not trigger and _lead_before(text, words[0].start):
        trigger = 0.85
    return _decide(words, trigger, lex)


def _kind(word: str, lex: Lexicon) -> str:
    if word in _config()["particles"]:
        return "p"
    if len(word) == 1 and word.isupper():
        return "I"
    if lex.is_function_word(word):
        return "W"
    first = lex.is_first_name(word)
    last = lex.is_surname(word)
    noun = lex.is_noun(word)
    if first and not noun:
        return "F"
    if last:
        return "L"
    if first:
        return "f"  # a first name that is also a noun (Rose, Mark, Ernst)
    if noun:
        return "N"
    return "U" if word[:1].isupper() else "p"


def _decide(words: list[Token], trigger: float, lex: Lexicon) -> list[Entity]:
    kinds = [_kind(w.word, lex) for w in words]
    if trigger:
        span = _take_name(words, kinds, allow_noun_first=True)
        return [_entity(words, span, trigger)] if span else []
    results: list[Entity] = []
    i = 0
    while i < len(words):
        kind = kinds[i]
        if kind in "Ff":
            span = _take_name(words[i:], kinds[i:], allow_noun_first=False)
            if span and span[1] - span[0] >= 2:
                results.append(_entity(words[i:], span, 0.85))
                i += span[1]
                continue
            if kind == "F":  # a first name alone ("Unser Azubi Leon", "Hallo Jörg")
                results.append(_entity(words[i:], (0, 1), 0.6))
        elif kind == "I" and i + 1 < len(words) and kinds[i + 1] in "FfLU":
            span = _take_name(words[i + 1:], kinds[i + 1:], allow_noun_first=True)
            if span:
                results.append(_entity(words[i:], (0, span[1] + 1), 0.8))
                i += span[1] + 1
                continue
        elif (kind == "U" and i + 1 < len(kinds) and kinds[i + 1] == "L"
              and not lex.is_noun(words[i + 1].word)):
            # an unknown given name before a known surname ("Xiaoming Li")
            results.append(_entity(words[i:], (0, 2), 0.75))
            i += 2
            continue
        elif kind == "L" and not lex.is_noun(words[i].word) and words[i].word not in lex.places:
            span = _take_name(words[i:], kinds[i:], allow_noun_first=True)
            results.append(_entity(words[i:], span or (0, 1), 0.65))
            i += span[1] if span else 1
            continue
        i += 1
    return results


def _take_name(words: list[Token], kinds: list[str],
               allow_noun_first: bool) -> tuple[int, int] | None:
    """The longest run from the start that reads as a name (max. 4 words + particles)."""
    end = 0
    names = 0
    for index, kind in enumerate(kinds):
        if kind in "pI" and index + 1 < len(kinds):
            end = index + 1
            continue
        if kind in "FfLU" or (kind == "N" and allow_noun_first and names == 0):
            names += 1
            end = index + 1
        elif kind == "N" and names >= 1 and index == len(kinds) - 1 and kinds[index - 1] in "Ff":
            # "Anna Wald" at the end of a run: a first name followed by a noun-surname
            names += 1
            end = index + 1
        else:
            break
        if names == 4:
            break
    if names == 0:
        return None
    while end > 0 and kinds[end - 1] in "pI":
        end -= 1
    return (0, end)


def _entity(words: list[Token], span: tuple[int, int], score: float) -> Entity:
    first, last = words[span[0]], words[span[1] - 1]
    end = last.end - (1 if last.text.endswith(".") and last.word != last.text else 0)
    return Entity(first.start, end, "PERSON", "", score)


def _repeated(text: str, toks: list[Token], found: list[Entity], lex: Lexicon) -> Iterator[Entity]:
    """A surname seen in a name elsewhere in the text is a name again when it stands alone."""
    known = set()
    for entity in found:
        parts = text[entity.start:entity.end].split()
        last = parts[-1] if parts else ""
        if (len(parts) >= 2 or entity.score >= 0.85) and len(last) > 2 and (
                lex.is_surname(last) or not lex.is_noun(last)):
            known.add(last)
    if not known:
        return
    covered = set()
    for entity in found:
        covered.update(range(entity.start, entity.end))
    for tok in toks:
        if tok.word in known and tok.start not in covered:
            if lex.is_function_word(tok.word) or _is_company(text, tok.end, [tok.word]):
                continue
            yield Entity(tok.start, tok.start + len(tok.word), "PERSON", "", 0.7)


def with_text(text: str, entities: list[Entity]) -> list[Entity]:
    return [Entity(e.start, e.end, e.type, text[e.start:e.end], e.score) for e in entities]
