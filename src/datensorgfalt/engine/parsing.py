"""Types of raw text columns as SQL: what a value should be, and the expression that parses it.

The scan stores the readers' parse info in ``Column.details`` (``{"type": "decimal",
"decimal_sep": ",", "thousands_sep": ".", "date_format": "%d.%m.%Y", "null_tokens": [...]}``).
When it is missing (a file profiled directly), ``infer_info`` guesses it from a sample of
distinct values. ``typed_expr`` turns the info into a DuckDB expression, so parsing happens
inside the engine, not in Python.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import Any

from datensorgfalt.engine.duck import quote, sql_string

PLACEHOLDERS = (
    "-", "--", "---", "?", ".", "n/a", "na", "n.a.", "n. a.", "null", "none", "nan", "#n/a",
    "#nv", "nv", "k.a.", "k. a.", "keine angabe", "unbekannt", "unknown", "tbd", "xxx", "x",
    "0000-00-00", "00.00.0000", "0000-00-00 00:00:00", "99.99.9999", "9999-99-99", "leer",
)

DATE_FORMATS = {
    "%d.%m.%Y": r"\d{1,2}\.\d{1,2}\.\d{4}",
    "%Y-%m-%d": r"\d{4}-\d{2}-\d{2}",
    "%d/%m/%Y": r"\d{1,2}/\d{1,2}/\d{4}",
    "%m/%d/%Y": r"\d{1,2}/\d{1,2}/\d{4}",
    "%d.%m.%y": r"\d{1,2}\.\d{1,2}\.\d{2}",
    "%Y%m%d": r"(19|20)\d{6}",
}
DATETIME_FORMATS = {
    "%Y-%m-%d %H:%M:%S": r"\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}",
    "%Y-%m-%dT%H:%M:%S": r"\d{4}-\d{2}-\d{2}T\d{1,2}:\d{2}:\d{2}",
    "%Y-%m-%d %H:%M": r"\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}",
    "%d.%m.%Y %H:%M:%S": r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}:\d{2}",
    "%d.%m.%Y %H:%M": r"\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}",
}
INTEGER = r"[+-]?\d+"
INTEGER_GROUPED = r"[+-]?\d{1,3}(\.\d{3})+"
DECIMAL_DE = r"[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+"
DECIMAL_ISO = r"[+-]?(\d{1,3}(,\d{3})+|\d+)\.\d+"
BOOLEAN = {"true", "false", "ja", "nein", "wahr", "falsch", "yes", "no", "j", "n", "y"}
THRESHOLD = 0.9


def native_type(duck_type: str) -> str | None:
    """Our type name for a column DuckDB already reads typed (Parquet, database), else None."""
    upper = duck_type.upper()
    if upper.startswith(("VARCHAR", "BLOB")):
        return None
    if upper.startswith(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "U")):
        return "integer"
    if upper.startswith(("FLOAT", "DOUBLE", "DECIMAL", "REAL")):
        return "decimal"
    if upper.startswith("BOOLEAN"):
        return "boolean"
    if upper.startswith("TIMESTAMP"):
        return "datetime"
    if upper == "DATE":
        return "date"
    if upper.startswith("TIME"):
        return "time"
    return "other"


def _share(values: list[str], pattern: str) -> float:
    regex = re.compile(pattern)
    return sum(1 for v in values if regex.fullmatch(v)) / len(values) if values else 0.0


def _parses(values: list[str], fmt: str) -> float:
    good = 0
    for value in values:
        try:
            datetime.strptime(value, fmt)
            good += 1
        except ValueError:
            pass
    return good / len(values) if values else 0.0


def infer_info(sample: list[str]) -> dict[str, Any]:
    """Guess the parse info from distinct non-empty sample values (placeholders ignored)."""
    values = [v.strip() for v in sample if v is not None and v.strip()
              and v.strip().lower() not in PLACEHOLDERS]
    info: dict[str, Any] = {"type": "text", "null_tokens": list(PLACEHOLDERS), "inferred_by":
                            "quality"}
    if not values:
        return info
    if _share(values, INTEGER) >= THRESHOLD and not _leading_zero_code(values):
        return info | {"type": "integer", "thousands_sep": None}
    if _share(values, f"{INTEGER}|{INTEGER_GROUPED}|{DECIMAL_DE}") >= THRESHOLD:
        return info | {"type": "decimal", "decimal_sep": ",", "thousands_sep": "."}
    if _share(values, f"{INTEGER}|{DECIMAL_ISO}") >= THRESHOLD:
        return info | {"type": "decimal", "decimal_sep": ".", "thousands_sep": ","}
    if sum(1 for v in values if v.lower() in BOOLEAN) / len(values) >= THRESHOLD:
        return info | {"type": "boolean"}
    looks_dated = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}.*|(19|20)\d{6}")
    if sum(1 for v in values if looks_dated.fullmatch(v)) < THRESHOLD * len(values):
        return info
    for kind, formats in (("datetime", DATETIME_FORMATS), ("date", DATE_FORMATS)):
        shares = {fmt: _parses(values, fmt) for fmt in formats}
        best = max(shares, key=shares.get)
        dated = sum(1 for v in values if any(re.fullmatch(p, v) for p in formats.values()))
        if dated / len(values) >= THRESHOLD and shares[best] > 0:
            return info | {"type": kind, "date_format": best}
    return info


def _leading_zero_code(values: list[str]) -> bool:
    """Postal codes and article numbers like 01067 are codes, not numbers."""
    return sum(1 for v in values if len(v) > 1 and v.startswith("0")) >= max(1, len(values) // 20)


def null_tokens(info: dict[str, Any]) -> list[str]:
    """Our placeholders plus the ones the readers saw in this column."""
    seen = [str(t).strip().lower() for t in info.get("null_tokens") or [] if str(t).strip()]
    return sorted(set(PLACEHOLDERS) | set(seen))


def _re2_escape(token: str) -> str:
    return "".join(ch if ch.isalnum() else r"\s+" if ch == " " else "\\" + ch
                   for ch in token)


def placeholder_regex(info: dict[str, Any]) -> str:
    """One case-insensitive RE2 pattern matching blanks and every placeholder, spaces around
    allowed: a single regular expression is far cheaper per row than trim + lower + IN."""
    return _placeholder_regex(tuple(null_tokens(info)))


@cache
def _placeholder_regex(tokens: tuple[str, ...]) -> str:
    alternatives = "|".join(_re2_escape(t) for t in tokens)
    return sql_string(f"(?i)\\s*({alternatives})?\\s*")


def is_placeholder_sql(value: str, info: dict[str, Any]) -> str:
    """True for blanks and placeholders (NULL stays NULL). Only values whose first character
    can start a placeholder (or blank), and that are at least as long as the shortest
    placeholder starting so, reach the regular expression: ``ascii`` and ``strlen`` are cheap
    (a number such as 1234,50 starts like 0000-00-00 but is shorter)."""
    tokens = tuple(null_tokens(info))
    return (f"({_prefilter(tokens).format(v=value)} AND "
            f"regexp_full_match({value}, '{_placeholder_regex(tokens)}'))")


SHORT_TOKEN = 4  # a first character only shorter placeholders start with needs no length test


@cache
def _prefilter(tokens: tuple[str, ...]) -> str:
    """SQL over ``{v}``: can the value be a placeholder, judged by its first character and its
    length? A placeholder matched with spaces around or inside is never shorter in bytes than
    the token has characters, so the test never rules out a real placeholder."""
    shortest: dict[int, int] = dict.fromkeys((0, 9, 10, 13, 32, 160), 0)
    for token in tokens:
        for code in {ord(token[0].lower()), ord(token[0].upper())}:
            shortest[code] = min(shortest.get(code, len(token)), len(token))
    by_length: dict[int, list[int]] = {}
    for code, length in shortest.items():
        by_length.setdefault(length if length > SHORT_TOKEN else 0, []).append(code)
    tests = []
    for length, codes in sorted(by_length.items()):
        within = f"ascii({{v}}) IN ({', '.join(str(c) for c in sorted(codes))})"
        tests.append(within if not length else f"({within} AND strlen({{v}}) >= {length})")
    return "(" + " OR ".join(tests) + ")"


def clean_expr(column: str, info: dict[str, Any]) -> str:
    """The raw text with blanks and placeholders as NULL (not trimmed: cheap per row)."""
    raw = f"CAST({quote(column)} AS VARCHAR)"
    return f"CASE WHEN {is_placeholder_sql(raw, info)} THEN NULL ELSE {raw} END"


def typed_expr(column: str, info: dict[str, Any], duck_type: str = "VARCHAR",
               clean: str | None = None) -> str:
    """A DuckDB expression parsing the column per ``info``; unparseable values give NULL.
    ``clean`` names an already cleaned value (placeholders as NULL) to parse instead."""
    if native_type(duck_type) is not None:
        base = clean or quote(column)
        # DECIMAL (PostgreSQL numeric) computes as float: robust statistics need no Decimal
        return f"CAST({base} AS DOUBLE)" if duck_type.upper().startswith("DECIMAL") else base
    kind = info.get("type", "text")
    value = f"trim({clean or clean_expr(column, info)})"
    if kind in ("integer", "decimal"):
        unit = info.get("unit")
        if unit:
            value = f"trim(replace({value}, '{sql_string(unit)}', ''))"
        thousands = info.get("thousands_sep")
        decimal = info.get("decimal_sep") or "."
        if thousands:
            value = f"replace({value}, '{sql_string(thousands)}', '')"
        if decimal != ".":
            value = f"replace({value}, '{sql_string(decimal)}', '.')"
        target = "BIGINT" if kind == "integer" else "DOUBLE"
        return f"TRY_CAST({value} AS {target})"
    if kind in ("date", "datetime"):
        default = "%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S"
        parsed = f"try_strptime({value}, {_formats(info, 'date', default)})"
        return f"CAST({parsed} AS DATE)" if kind == "date" else parsed
    if kind == "time":
        parsed = f"try_strptime({value}, {_formats(info, 'time', '%H:%M:%S')})"
        return f"CAST({parsed} AS TIME)"
    if kind == "boolean":
        return (f"CASE WHEN lower({value}) IN ('true','ja','wahr','yes','j','y','1') THEN true "
                f"WHEN lower({value}) IN ('false','nein','falsch','no','n','0') THEN false END")
    return value


def _formats(info: dict[str, Any], kind: str, default: str) -> str:
    formats = info.get(f"{kind}_formats") or [info.get(f"{kind}_format") or default]
    return "[" + ", ".join(f"'{sql_string(f)}'" for f in formats if f) + "]"


def typed_select(names: list[str], duck_types: dict[str, str],
                 infos: dict[str, dict[str, Any]]) -> str:
    """``SELECT`` list turning every raw column into its typed value, names kept."""
    parts = [f"{typed_expr(n, infos.get(n) or {}, duck_types.get(n, 'VARCHAR'))} AS {quote(n)}"
             for n in names]
    return ", ".join(parts) if parts else "*"
