"""Near-duplicate records: the same customer entered twice with a different spelling.

Works on a bounded sample (name-like column plus address-like columns): names are
normalised (case, punctuation, legal forms), rows are blocked by the first letters of the
name and by postal code / e-mail, and pairs inside a block are compared with rapidfuzz.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz

from datensorgfalt.services.quality.columns import EXAMPLES
from datensorgfalt.services.quality.context import ROW, VIEW, ColumnFacts, TableContext
from datensorgfalt.services.quality.findings import QualityFinding

NAME = re.compile(r"name|kunde|firma|lieferant|partner|person|ansprech|company|customer",
                  re.IGNORECASE)
ADDRESS = re.compile(r"stra(ss|ß)e|str\.|adresse|address|plz|postleitzahl|ort|stadt|city|"
                     r"e-?mail|telefon|phone|tel", re.IGNORECASE)
LEGAL = re.compile(r"\b(gmbh|mbh|ag|kg|ohg|gbr|ug|e\.?\s?k\.?|e\.?\s?v\.?|co|und|&|"
                   r"haftungsbeschr(ä|ae)nkt|inc|ltd|llc|se)\b")
LIMIT = 10_000
MAX_BLOCK = 60
NAME_SIMILARITY = 88
ADDRESS_SIMILARITY = 80


@lru_cache(maxsize=50_000)
def normalise(value: Any) -> str:
    text = str(value or "").lower()
    text = text.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = LEGAL.sub(" ", re.sub(r"[^\w&]+", " ", text))
    return " ".join(text.split())


def _name_column(ctx: TableContext) -> ColumnFacts | None:
    texts = [c for c in ctx.columns if c.kind == "text" and c.semantic is None]
    named = [c for c in texts if NAME.search(c.name)]
    for col in named or []:
        distinct = col.stats.get("distinct", col.stats["distinct_approx"])
        if distinct >= 0.5 * max(1, col.stats["non_null"]):
            return col
    return None


def near_duplicates(ctx: TableContext, keys: list[str]) -> list[QualityFinding]:
    """Pairs of rows that describe the same thing although they are not equal."""
    name = _name_column(ctx)
    if name is None or ctx.rows < 2:
        return []
    addresses = [c for c in ctx.columns if c is not name and ADDRESS.search(c.name)][:4]
    cols = [name, *addresses]
    select = ", ".join(f"CAST({c.clean} AS VARCHAR)" for c in cols)
    rows = ctx.sql(f"SELECT {ROW}, {select} FROM {VIEW} WHERE {name.clean} IS NOT NULL "
                   f"ORDER BY {ROW} LIMIT {LIMIT}")
    pairs = _matching_pairs(rows, len(addresses))
    if not pairs:
        return []
    found_rows = sorted({r for pair in pairs for r in pair})
    examples = [[_row_value(rows, a), _row_value(rows, b)] for a, b in pairs[:EXAMPLES]]
    return [QualityFinding("near-duplicates", "warning", name.name,
                           {"count": len(pairs), "pairs": [list(p) for p in pairs[:20]],
                            "values": [" ≈ ".join(e) for e in examples],
                            "rows": found_rows[:2 * EXAMPLES], "compared": cols and
                            [c.name for c in cols], "sampled_rows": len(rows)},
                           share=len(found_rows) / max(1, ctx.rows))]


def _row_value(rows: list[tuple], row: int) -> str:
    return next(str(r[1]) for r in rows if r[0] == row)


def _blocks(rows: list[tuple]) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        norm = normalise(row[1])
        if norm:
            blocks["n:" + norm[:4]].append(index)
            for token in norm.split():
                if len(token) >= 5:
                    blocks["t:" + token].append(index)
        for value in row[2:]:
            if value:
                blocks["a:" + normalise(value)].append(index)
    return blocks


def _matching_pairs(rows: list[tuple], n_addresses: int) -> list[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    for members in _blocks(rows).values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        for i, j in combinations(members, 2):
            a, b = rows[i], rows[j]
            if tuple(a[1:]) == tuple(b[1:]):
                continue  # exact duplicates are reported as duplicate rows
            if _same_entity(a, b, n_addresses):
                pairs.add((int(a[0]), int(b[0])))
    return sorted(pairs)


def _same_entity(a: tuple, b: tuple, n_addresses: int) -> bool:
    name_a, name_b = normalise(a[1]), normalise(b[1])
    if not name_a or not name_b:
        return False
    if re.sub(r"\d", "", name_a) == re.sub(r"\d", "", name_b) and name_a != name_b:
        return False  # "Kunde 12" and "Kunde 13" are two customers
    if fuzz.token_sort_ratio(name_a, name_b) < NAME_SIMILARITY:
        return False
    if n_addresses == 0:
        return name_a != name_b or str(a[1]) != str(b[1])
    scores = [fuzz.ratio(normalise(x), normalise(y)) for x, y in zip(a[2:], b[2:], strict=True)
              if x and y]
    return bool(scores) and sum(s >= ADDRESS_SIMILARITY for s in scores) >= max(1,
                                                                           len(scores) // 2)
