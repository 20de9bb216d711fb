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

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’]*(?:-[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’]*)*\.?")
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
        return self.text[:1].isupper() and not self.text.isupper() or (
            len(self.text) > 1 and self.text[0].isupper() and self.text[1:2].islower())


@cache
def _config() -> dict[str, frozenset[str]]:
    ctx = context_words()
    return {
        "titles": frozenset(ctx["titles"]),
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
        adjacent = run and _GAP.fullmatch(text[toks[run[-1]].end:tok.start]) is not None
        if joinable and (not run or adjacent) and not (run and toks[run[-1]].text.endswith(".")
                                                       and toks[run[-1]].text.lower()
                                                       not in conf["academic"] | conf["titles"]):
            run.append(i)
            continue
        if run:
            yield run
        run = [i] if joinable else []
    if run:
        yield run


def find_names(text: str) -> list[Entity]:
    lex = lexicon()
    toks = tokens(text)
    found: list[Entity] = []
    for chain in _chains(text, toks):
        found.extend(_names_in_chain(text, toks, chain, lex))
    return found + list(_repeated(text, toks, found, lex))


def _lead_before(text: str, start: int) -> bool:
    before = text[max(0, start - 40):start].lower().rstrip(" \t\n\r,:;-–")
    return any(before.endswith(lead.rstrip(":")) and _word_start(before, lead.rstrip(":"))
               for lead in _config()["lead"])


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
    while words and lex.is_function_word(words[0].word) and words[0].word.lower() not in (
            conf["particles"]):
        words = words[1:]
    while words and words[-1].text.lower() in conf["particles"]:
        words = words[:-1]
    if not words:
        return []
    if _is_company(text, words[-1].end, [w.word for w in words]):
        return []
    if not trigger and _lead_before(text, words[0].start):
        trigger = 0.85
    return _decide(words, trigger, lex)


def _kind(word: str, lex: Lexicon) -> str:
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
            if kind == "F" and len(words) == 1:
                results.append(_entity(words, (0, 1), 0.6))
        elif kind == "L" and not lex.is_noun(words[i].word):
            span = _take_name(words[i:], kinds[i:], allow_noun_first=True)
            results.append(_entity(words[i:], span or (0, 1), 0.65))
            i += span[1] if span else 1
            continue
        i += 1
    return results


def _take_name(words: list[Token], kinds: list[str], allow_noun_first: bool) -> tuple[int, int] | None:
    """The longest run from the start that reads as a name (max. 4 words + particles)."""
    end = 0
    names = 0
    for index, kind in enumerate(kinds):
        if kind == "p" and index + 1 < len(kinds):
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
    while end > 0 and kinds[end - 1] == "p":
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
        if len(parts) >= 2 or entity.score >= 0.85:
            known.add(parts[-1])
    if not known:
        return
    covered = set()
    for entity in found:
        covered.update(range(entity.start, entity.end))
    for tok in toks:
        if tok.word in known and tok.start not in covered:
            if lex.is_function_word(tok.word):
                continue
            yield Entity(tok.start, tok.start + len(tok.word), "PERSON", "", 0.7)


def with_text(text: str, entities: list[Entity]) -> list[Entity]:
    return [Entity(e.start, e.end, e.type, text[e.start:e.end], e.score) for e in entities]
