"""Plain language, measured: Wiener Sachtextformel (German) and Flesch reading ease (English).

Own implementation of the published formulas; syllables are counted with Pyphen's
hyphenation dictionaries (shipped with the package, no download), body text is the prose of
the report (paragraphs and list items, without tables, code and headings).

- WSTF 1 = 0.1935·MS + 0.1672·SL + 0.1297·IW − 0.0327·ES − 0.875 (Bamberger/Vanecek 1984):
  MS % words with 3+ syllables, SL words per sentence, IW % words longer than 6 letters,
  ES % words with one syllable. School grade 4 (easy) to 15 (very hard).
- Flesch = 206.835 − 1.015·(words/sentences) − 84.6·(syllables/words). 0-100, higher = easier.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

import pyphen

WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)*")
SENTENCE_END = re.compile(r"[.!?:]+(?:\s|$)|\n")


class _Prose(HTMLParser):
    """Collect the text of <p> and <li>, skipping tables, code, headings, style and svg."""

    SKIP = {"table", "code", "style", "svg", "h1", "h2", "h3", "header", "title", "script"}
    KEEP = {"p", "li"}

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.keep = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.KEEP:
            self.keep += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag in self.KEEP:
            self.keep = max(self.keep - 1, 0)
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.keep and not self.skip:
            self.parts.append(data)


def body_text(html: str) -> str:
    parser = _Prose()
    parser.feed(html)
    return re.sub(r"[ \t]+", " ", "".join(parser.parts))


@cache
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="de_DE" if lang == "de" else "en_US", left=1, right=1)


def syllables(word: str, lang: str) -> int:
    return sum(len(_dictionary(lang).positions(part)) + 1 for part in word.split("-") if part)


def _sentences(text: str) -> list[list[str]]:
    sentences = [WORD.findall(s) for s in SENTENCE_END.split(text)]
    return [s for s in sentences if s]


def wstf1(text: str) -> float:
    sentences = _sentences(text)
    words = [w for s in sentences for w in s]
    if not words:
        return 0.0
    counts = [syllables(w, "de") for w in words]
    ms = 100 * sum(c >= 3 for c in counts) / len(words)
    sl = len(words) / len(sentences)
    iw = 100 * sum(len(w.replace("-", "")) > 6 for w in words) / len(words)
    es = 100 * sum(c == 1 for c in counts) / len(words)
    return round(0.1935 * ms + 0.1672 * sl + 0.1297 * iw - 0.0327 * es - 0.875, 2)


def flesch(text: str) -> float:
    sentences = _sentences(text)
    words = [w for s in sentences for w in s]
    if not words:
        return 0.0
    total = sum(syllables(w, "en") for w in words)
    return round(206.835 - 1.015 * len(words) / len(sentences) - 84.6 * total / len(words), 2)
