"""Which delimiter, quote and escape character a delimited text uses.

Every plausible dialect parses a sample of the text; the dialect whose table is the most
regular (rows of one width, many columns) and whose cells look the most like clean values
(numbers, dates, words - not fragments with stray quotes) wins. This is the "data consistency"
idea of van den Burg et al. (CleverCSV), written here in our own, simpler form.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from functools import lru_cache

from datensorgfalt.sources.csv_dialect import Dialect
from datensorgfalt.sources.layout import Profile, conforms
from datensorgfalt.sources.layout import dominant_width as table_width
from datensorgfalt.sources.records import LineFeed, records
from datensorgfalt.sources.types import looks_typed

DELIMITERS = (",", ";", "\t", "|", " ", ":", "^", "~")  # order breaks ties
QUOTES = ('"', "'", None)
SCORE_CHARS = 64 * 1024
SCORE_ROWS = 300

_QUOTE_NEXT_TO_DELIMITER = re.compile(r"[,;\t|][\"']|[\"'][,;\t|]")
_NUMBERS_AROUND_DELIMITER = re.compile(r"\d[;\t|]\d")
#: '2012-01-01 00' - a date with the hour of a time cut off at its colon
_CUT_TIMESTAMP = re.compile(r"(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})[ T]\d{1,2}")
#: Spaces separate words as well as fields: a space-delimited reading must win clearly.
PRIOR = {" ": 0.85, ":": 0.9, "^": 0.9, "~": 0.9}
_WORDLIKE = re.compile(r"[\w\s.,;:!?()\[\]{}/\\&%+*#@$€£§°=<>'’\"-]*", re.UNICODE)


def record_delimiter(text: str) -> str:
    """The line ending used most: \\r\\n, \\n or \\r."""
    crlf = text.count("\r\n")
    lf, cr = text.count("\n") - crlf, text.count("\r") - crlf
    best = max((crlf, "\r\n"), (lf, "\n"), (cr, "\r"))
    return best[1] if best[0] else "\n"


def _space_follows(text: str, delimiter: str) -> bool:
    """', ' as separator: nearly every delimiter is followed by a space."""
    count = text.count(delimiter)
    return delimiter != " " and count >= 3 and text.count(delimiter + " ") > 0.8 * count


def candidate_dialects(text: str) -> list[Dialect]:
    present = [d for d in DELIMITERS if d in text] or [","]
    quotes = [q for q in QUOTES if q in (None, '"') or q in text]
    return [
        Dialect(d, q, e, _space_follows(text, d))
        for d in present
        for q in quotes
        for e in ([None, "\\"] if q and "\\" + q in text else [None])
    ]


def cell_quality(cell: str, dialect: Dialect) -> float:
    """1 for a clean value, less for fragments that a wrong dialect leaves behind."""
    value = cell.strip()
    return _value_quality(value) if len(value) > 64 else _cached_value_quality(value)


def _value_quality(value: str) -> float:
    """``cell_quality`` of a stripped value (the candidate dialects meet the same cells)."""
    if _CUT_TIMESTAMP.fullmatch(value):
        return 0.0
    if not value or looks_typed(value):
        return 1.0
    if _QUOTE_NEXT_TO_DELIMITER.search(value) or _NUMBERS_AROUND_DELIMITER.search(value):
        return 0.0  # '4;"Zeile' or '5;2': fields that the wrong delimiter failed to split
    for quote in ('"', "'"):
        if value.startswith(quote) or (value.endswith(quote) and value.count(quote) % 2):
            if quote == "'" and value.endswith("'") and not value.startswith("'"):
                continue  # ordinary apostrophes: "Müllers'"
            return 0.0
    if not _WORDLIKE.fullmatch(value):
        return 0.5
    return 1.0


_cached_value_quality = lru_cache(maxsize=65_536)(_value_quality)


def dominant_width(rows: list[list[str]]) -> tuple[int, int]:
    """The most frequent row width among non-blank rows (the wider one on ties) and its count."""
    widths = Counter(len(r) for r in rows if not is_blank(r))
    if not widths:
        return 0, 0
    width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
    return width, count


def is_blank(row: list[str]) -> bool:
    return all(not cell.strip() for cell in row)


def consistency(rows: list[list[str]], dialect: Dialect) -> float:
    """Regular width times clean cells; more columns rank higher."""
    filled = [r for r in rows if not is_blank(r)]
    if not filled:
        return 0.0
    width, _count = dominant_width(filled)
    regular = local_regularity(filled)
    columns = (width - 1 + 0.1) / width if width else 0.0
    body = [r for r in filled if len(r) == width]
    cells = [c for r in body for c in r]
    quality = sum(cell_quality(c, dialect) for c in cells) / max(1, len(cells))
    return regular * columns * (0.1 + quality)


def local_regularity(rows: list[list[str]]) -> float:
    """Share of rows as wide as the row before: several tables of other widths still count."""
    if len(rows) < 2:
        return 1.0
    same = sum(len(a) == len(b) for a, b in zip(rows, rows[1:], strict=False))
    return same / (len(rows) - 1)


def score_sample(text: str) -> str:
    """The part of the sample used to compare dialects: whole lines, not too many."""
    if len(text) <= SCORE_CHARS:
        return text
    cut = text.rfind("\n", 0, SCORE_CHARS)
    return text[: cut + 1] if cut > 0 else text[:SCORE_CHARS]


def repaired_rows(sample: str, dialect: Dialect) -> list[list[str]]:
    """The sample's first records read with ``dialect``, stray quotes repaired."""

    plain = dialect.parse(sample, SCORE_ROWS)
    width = table_width(plain)
    if not dialect.quotechar or sum(len(r) == width for r in plain) < 0.5 * len(plain):
        return plain  # no repair can save a dialect that reads most rows wrong
    profile = Profile.learn([r for r in plain if conforms(r, width)], width)
    feed = LineFeed(iter(io.StringIO(sample, newline="")))
    rows = []
    for row, _line in records(feed, dialect, width, profile):
        rows.append(row)
        if len(rows) >= SCORE_ROWS:
            break
    return rows


def excel_separator_hint(text: str) -> str | None:
    """Excel writes 'sep=;' as the first line to name the delimiter."""
    first = text.split("\n", 1)[0].rstrip("\r")
    return first[4] if len(first) == 5 and first.lower().startswith("sep=") else None


def detect_dialect(text: str, delimiter: str | None = None) -> Dialect:
    """The dialect that explains the sample best; ties go to the more common dialect.
    ``delimiter`` fixes the delimiter (when the file names it) and leaves the rest to find."""
    sample = score_sample(text)
    best, best_score = Dialect(), -1.0
    for dialect in candidate_dialects(sample):
        if delimiter and dialect.delimiter != delimiter:
            continue
        score = consistency(repaired_rows(sample, dialect), dialect)
        score *= PRIOR.get(dialect.delimiter, 1.0)
        margin = 1e-3 if dialect.escapechar else 1e-9  # escaping only when it clearly helps
        if score > best_score + margin:
            best, best_score = dialect, score
    return best
