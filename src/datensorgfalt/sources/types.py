"""Type inference for columns of raw strings, with German exports in mind.

``infer_column`` looks at the strings of one column and says what they are (integer, decimal,
boolean, date, datetime, time or text) and how they are written (decimal comma, thousands
separator, date format, placeholders for "no value"). ``parse_column`` turns the strings into a
typed pyarrow array with that description; values that do not fit become null, so a column
with a few odd values keeps its type and the quality step can report the odd ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import pyarrow as pa

#: The first rows of a table its column types are inferred from (by the reader's detection of
#: the number and date conventions and by the scan's profile alike).
INFER_ROWS = 1_000
#: A column is given a type when at least this share of its non-empty values fit it.
MIN_SHARE = 0.9
MAX_EXAMPLES = 5

NULL_TOKENS = frozenset(
    {
        "", "-", "--", "---", "–", "—", "?", "n/a", "n.a.", "n. a.", "na", "#n/a", "#nv",
        "null", "none", "nil", "nan", "k.a.", "k. a.", "keine angabe", "unbekannt",
        "0000-00-00", "00.00.0000", "0000-00-00 00:00:00", "00.00.0000 00:00",
    }
)
TRUE_TOKENS = frozenset({"ja", "j", "yes", "y", "true", "wahr", "x", "✓"})
FALSE_TOKENS = frozenset({"nein", "n", "no", "false", "falsch"})
CURRENCY = ("€", "$", "£", "EUR", "USD", "CHF", "%")

DATE_FORMATS = (
    "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d",
    "%d-%m-%Y", "%d/%m/%y", "%m/%d/%y", "%Y.%m.%d",
)
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H:%M:%S.%f")
DATETIME_FORMATS = tuple(
    f"{d}{sep}{t}"
    for d in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d")
    for sep in (" ", "T", ", ")
    for t in TIME_FORMATS
)

_INT = re.compile(r"[+-]?\d+")
_LOOKS_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")
_LOOKS_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")
_NUMBER_LIKE = re.compile(r"[+-]?[\d.,' ]*\d[\d.,]*-?")


def is_null(value: str | None) -> bool:
    return value is None or value.strip().lower() in NULL_TOKENS


def _strip_unit(text: str) -> tuple[str, str | None]:
    """'12,50 €' -> ('12,50', '€'); '$74.69' -> ('74.69', '$')."""
    if not text or text[-1].isdigit() and (text[0].isdigit() or text[0] in "+-."):
        return text, None
    for unit in CURRENCY:
        if text.endswith(unit):
            return text[: -len(unit)].strip(), unit
        if text.startswith(unit):
            return text[len(unit) :].strip(), unit
    return text, None


# --- numbers -----------------------------------------------------------------------------


def _separator_votes(texts: Iterable[str]) -> Counter:
    """Evidence for the decimal separator: what follows the last separator in each number."""
    votes: Counter = Counter()
    for text, weight in Counter(texts).items():  # each distinct text weighed once
        body = text.lstrip("+-")
        dots, commas = body.count("."), body.count(",")
        if dots and commas:
            votes["." if body.rfind(".") > body.rfind(",") else ","] += weight
        elif dots == 1 or commas == 1:
            sep = "." if dots else ","
            tail = body.rsplit(sep, 1)[1]
            if len(tail) != 3 or body.startswith(("0" + sep, sep)):
                votes[sep] += weight
            else:
                votes["ambiguous" + sep] += weight
        elif dots > 1:
            votes["thousands."] += weight
        elif commas > 1:
            votes["thousands,"] += weight
    return votes


def _choose_separators(votes: Counter) -> tuple[str, str | None]:
    """(decimal separator, thousands separator) from the votes of a column."""
    if votes[","] > votes["."] or (not votes["."] and votes["thousands."]):
        return ",", "."
    if votes["."] or votes["thousands,"]:
        return ".", ","
    if votes["ambiguous,"] and not votes["ambiguous."]:
        return ".", ","  # 1,234 alone reads as a thousand in both conventions
    if votes["ambiguous."] and not votes["ambiguous,"]:
        return ",", "."  # 1.234 alone: German thousands (integers with a dot are rare)
    return ".", None


def _number_parser(decimal_sep: str, thousands_sep: str | None) -> Callable[[str], float | None]:
    group = re.escape(thousands_sep) if thousands_sep else None
    dec = re.escape(decimal_sep)
    plain = rf"\d+(?:{dec}\d*)?|{dec}\d+"
    grouped = rf"\d{{1,3}}(?:{group}\d{{3}})+(?:{dec}\d*)?" if group else None
    pattern = re.compile(rf"[+-]?\s?(?:{grouped + '|' if grouped else ''}{plain})(?:[eE][+-]?\d+)?")

    def parse(text: str) -> float | None:
        body, _unit = _strip_unit(text.strip())
        negative = body.endswith("-") and body[:-1].strip() != ""  # SAP style "12,50-"
        if negative:
            body = body[:-1].strip()
        if not pattern.fullmatch(body):
            return None
        if thousands_sep:
            body = body.replace(thousands_sep, "")
        body = body.replace(decimal_sep, ".").replace(" ", "")
        try:
            number = float(body)
        except ValueError:
            return None
        return -number if negative else number

    return parse


def _is_integer_text(text: str, thousands_sep: str | None) -> bool:
    body, _unit = _strip_unit(text.strip())
    if thousands_sep and thousands_sep in body:
        if not re.fullmatch(rf"[+-]?\d{{1,3}}(?:{re.escape(thousands_sep)}\d{{3}})+", body):
            return False
        body = body.replace(thousands_sep, "")
    return bool(_INT.fullmatch(body))


def _has_leading_zero(text: str) -> bool:
    body = text.strip().lstrip("+-")
    return len(body) > 1 and body[0] == "0" and body[1].isdigit()


# --- dates and times ---------------------------------------------------------------------


#: For each strptime directive a pattern that matches at least what strptime accepts there
#: (strptime's own patterns are narrower), so a miss proves that strptime would fail.
_DIRECTIVES = {"d": r"[ \d]?\d", "m": r"\d{1,2}", "Y": r"\d{4}", "y": r"\d{2}",
               "H": r"\d{1,2}", "M": r"\d{1,2}", "S": r"\d{1,2}", "f": r"\d{1,6}"}


@lru_cache(maxsize=256)
def _format_filter(fmt: str) -> re.Pattern[str]:
    """A cheap necessary condition for ``datetime.strptime(text, fmt)`` to succeed."""
    parts, i = [], 0
    while i < len(fmt):
        char = fmt[i]
        if char == "%" and i + 1 < len(fmt) and fmt[i + 1] in _DIRECTIVES:
            parts.append(_DIRECTIVES[fmt[i + 1]])
            i += 2
            continue
        if char == "%":  # a directive without a filter: accept anything from here on
            parts.append(".*")
            break
        parts.append(r"\s+" if char.isspace() else re.escape(char))
        i += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _fits(text: str, fmt: str) -> bool:
    return _fits_uncached(text, fmt) if len(text) > 64 else _fits_cached(text, fmt)


def _fits_uncached(text: str, fmt: str) -> bool:
    if not _format_filter(fmt).fullmatch(text):
        return False
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


_fits_cached = lru_cache(maxsize=65_536)(_fits_uncached)


def _fits_format(text: str, fmt: str, kind: str) -> bool:
    return _fits(text, fmt)


def _best_formats(texts: Sequence[str], formats: Sequence[str], kind: str) -> tuple[list[str], int]:
    """Formats that together read the most values: the best one first, then helpers."""
    remaining = Counter(texts)  # each distinct text tested once, weighted by its count
    chosen: list[str] = []
    fitted = 0
    while remaining and len(chosen) < 3:
        counts = {fmt: sum(n for t, n in remaining.items() if _fits_format(t, fmt, kind))
                  for fmt in formats}
        fmt, count = max(counts.items(), key=lambda item: item[1])
        if count == 0:
            break
        chosen.append(fmt)
        fitted += count
        remaining = Counter({t: n for t, n in remaining.items()
                             if not _fits_format(t, fmt, kind)})
    return chosen, fitted


# --- inference ---------------------------------------------------------------------------


def _fit_share(texts: Sequence[str], test: Callable[[str], bool]) -> tuple[float, list[str]]:
    odd = [t for t in texts if not test(t)]
    return 1 - len(odd) / len(texts), odd


def _result(kind: str, share: float, odd: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": kind, "share": round(share, 4), "odd_examples": odd[:MAX_EXAMPLES], **extra}


def _infer_boolean(texts: Sequence[str]) -> dict[str, Any] | None:
    lowered = {t.lower() for t in texts}
    if not lowered <= TRUE_TOKENS | FALSE_TOKENS or lowered <= {"n", "y"} and len(texts) < 3:
        return None
    if lowered <= {"x", "✓"} or (lowered & TRUE_TOKENS and lowered & FALSE_TOKENS):
        return _result("boolean", 1.0, [], true_tokens=sorted(lowered & TRUE_TOKENS))
    return None


def _infer_number(texts: Sequence[str]) -> dict[str, Any] | None:
    decimal_sep, thousands_sep = _choose_separators(_separator_votes(texts))
    parse = _number_parser(decimal_sep, thousands_sep)
    numbers: dict[str, float | None] = {}  # each distinct value parsed once
    misfits = 0
    for text in texts:
        number = numbers[text] = numbers[text] if text in numbers else parse(text)
        if number is None:
            misfits += 1
            if 1 - misfits / len(texts) < MIN_SHARE:
                return None  # too many misfits already: no number column, whatever follows
    share, odd = _fit_share(texts, lambda t: numbers[t] is not None)
    if share < MIN_SHARE:
        return None
    units = Counter(_strip_unit(t.strip())[1] for t in texts)
    unit = units.most_common(1)[0][0]
    fitting = [t for t in texts if numbers[t] is not None]
    int_share = sum(_is_integer_text(t, thousands_sep) for t in fitting) / max(1, len(fitting))
    leading_zero = sum(_has_leading_zero(t) for t in fitting) / max(1, len(fitting))
    if leading_zero > 0.05:
        return None  # codes such as postal codes or article numbers keep their zeros
    kind = "integer" if int_share == 1.0 else "decimal"
    grouped = any(thousands_sep and thousands_sep in t for t in texts)
    used_thousands = thousands_sep if grouped else None
    return _result(
        kind,
        share,
        odd,
        decimal_sep=decimal_sep if kind == "decimal" else None,
        thousands_sep=used_thousands,
        unit=unit,
    )


def _infer_temporal(texts: Sequence[str]) -> dict[str, Any] | None:
    candidates = (
        ("datetime", DATETIME_FORMATS, lambda t: _LOOKS_DATE.match(t) and _LOOKS_TIME.search(t)),
        ("date", DATE_FORMATS, lambda t: _LOOKS_DATE.fullmatch(t)),
        ("time", TIME_FORMATS, lambda t: _LOOKS_TIME.fullmatch(t)),
    )
    distinct = Counter(texts)
    for kind, formats, looks in candidates:
        if sum(n for t, n in distinct.items() if looks(t)) < MIN_SHARE * len(texts) * 0.5:
            continue
        chosen, fitted = _best_formats(texts, formats, kind)
        share = fitted / len(texts)
        if share >= MIN_SHARE:
            odd = [t for t in texts if not any(_fits_format(t, f, kind) for f in chosen)]
            key = "time_format" if kind == "time" else "date_format"
            return _result(kind, share, odd, **{key: chosen[0], key + "s": chosen})
    return None


def infer_column(values: Sequence[str | None]) -> dict[str, Any]:
    """Describe a column of raw strings: type, how it is written, placeholders, fit share."""
    key = tuple(values)
    if sum(len(v) for v in key if isinstance(v, str)) > CACHED_CHARS:
        return _infer(key)
    info = _infer_cached(key)  # detection and the scan profile ask about the same columns
    return {name: list(value) if isinstance(value, list) else value for name, value in info.items()}


#: Columns up to this many characters are remembered by ``infer_column`` (32 of them).
CACHED_CHARS = 65_536


def _infer(values: tuple[str | None, ...]) -> dict[str, Any]:
    null_tokens = sorted({v.strip() for v in values if v is not None and is_null(v)})
    texts = [v.strip() for v in values if not is_null(v)]
    base: dict[str, Any] = {
        "semantic": None,
        "decimal_sep": None,
        "thousands_sep": None,
        "date_format": None,
        "null_tokens": null_tokens,
        "n": len(values),
        "nulls": len(values) - len(texts),
    }
    if not texts:
        return {**base, "type": "text", "share": 1.0, "odd_examples": [], "empty": True}
    for infer in (_infer_boolean, _infer_number, _infer_temporal):
        found = infer(texts)
        if found:
            return {**base, **found}
    return {**base, **_result("text", 1.0, [])}


_infer_cached = lru_cache(maxsize=32)(_infer)


# --- parsing -----------------------------------------------------------------------------


def _parse_temporal(text: str, formats: Sequence[str], kind: str) -> Any:
    for fmt in formats:
        try:
            moment = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if kind == "date":
            return moment.date()
        if kind == "time":
            return moment.time()
        return moment
    return None


def _parse_boolean(text: str) -> bool | None:
    lowered = text.lower()
    if lowered in TRUE_TOKENS:
        return True
    if lowered in FALSE_TOKENS:
        return False
    return None


def value_parser(info: dict[str, Any]) -> Callable[[str], Any]:
    """A function turning one non-empty string into a Python value (or None)."""
    kind = info.get("type", "text")
    if kind in ("integer", "decimal"):
        number = _number_parser(info.get("decimal_sep") or ".", info.get("thousands_sep"))
        if kind == "decimal":
            return number
        return lambda t: None if (n := number(t)) is None or n != int(n) else int(n)
    if kind == "boolean":
        return _parse_boolean
    if kind in ("date", "datetime"):
        formats = info.get("date_formats") or [info.get("date_format")]
        return lambda t: _parse_temporal(t, formats, kind)
    if kind == "time":
        formats = info.get("time_formats") or [info.get("time_format") or "%H:%M:%S"]
        return lambda t: _parse_temporal(t, formats, kind)
    return lambda t: t


ARROW_TYPES = {
    "integer": pa.int64(),
    "decimal": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "time": pa.time64("us"),
    "text": pa.string(),
}


def parse_column(values: Sequence[str | None], info: dict[str, Any]) -> pa.Array:
    """Typed pyarrow array for ``values`` as described by ``info``; misfits become null."""
    kind = info.get("type", "text")
    parse = value_parser(info)
    keep_text = kind == "text"
    out: list[Any] = []
    for value in values:
        if is_null(value):
            out.append(None)
            continue
        out.append(value if keep_text else parse(value.strip()))
    return pa.array(out, type=ARROW_TYPES.get(kind, pa.string()))


def looks_typed(text: str) -> bool:
    """A quick check used by dialect and header detection: is this a number, date or time?"""
    return _looks_typed(text) if len(text) > 64 else _cached_looks_typed(text)


def _looks_typed(text: str) -> bool:
    text = text.strip()
    if not text:
        return False
    body, _unit = _strip_unit(text)
    if _NUMBER_LIKE.fullmatch(body):
        return True
    return bool(_LOOKS_DATE.fullmatch(text) or _LOOKS_TIME.fullmatch(text)) or bool(
        _LOOKS_DATE.match(text) and _LOOKS_TIME.search(text)
    )


_cached_looks_typed = lru_cache(maxsize=65_536)(_looks_typed)


__all__ = [
    "ARROW_TYPES", "INFER_ROWS", "NULL_TOKENS", "infer_column", "is_null", "looks_typed",
    "parse_column", "value_parser",
]
