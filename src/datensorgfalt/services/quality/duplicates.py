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
from rapidfuzz.distance import Levenshtein

from datensorgfalt.services.quality.column_checks import EXAMPLES
from datensorgfalt.services.quality.context import ROW, VIEW, ColumnFacts, TableContext
from datensorgfalt.services.quality.findings import QualityFinding
from datensorgfalt.services.vocabulary import Meaning, says, says_any

# columns that tell two records of one party apart (or confirm they are the same)
CONTACT: tuple[Meaning, ...] = ("address", "postal_code", "email", "phone")
LEGAL = re.compile(r"\b(gmbh|mbh|ag|kg|ohg|gbr|ug|e\.?\s?k\.?|e\.?\s?v\.?|co|und|&|"
                   r"haftungsbeschr(ä|ae)nkt|inc|ltd|llc|se)\b")
LIMIT = 10_000
MAX_BLOCK = 60
NAME_SIMILARITY = 88
ADDRESS_SIMILARITY = 80
SIMILAR_VALUES = 92


@lru_cache(maxsize=50_000)
def normalise(value: Any) -> str:
    text = str(value or "").lower()
    text = text.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = LEGAL.sub(" ", re.sub(r"[^\w&]+", " ", text))
    return " ".join(text.split())


def names_match(norm_a: str, norm_b: str) -> bool:
    """What differs between two normalised names is a small typo, not another name:
    "schmidt" / "schmitt" (one letter) yes, "karge" / "kade" (two letters of five) no."""
    tokens_a, tokens_b = norm_a.split(), norm_b.split()
    rest_a = " ".join(t for t in tokens_a if t not in tokens_b)
    rest_b = " ".join(t for t in tokens_b if t not in tokens_a)
    if not rest_a or not rest_b:
        return rest_a == rest_b or min(len(tokens_a), len(tokens_b)) >= 2
    allowed = 1 if max(len(rest_a), len(rest_b)) < 8 else 2
    return Levenshtein.distance(rest_a, rest_b) <= allowed


def _name_column(ctx: TableContext) -> ColumnFacts | None:
    texts = [c for c in ctx.columns if c.kind == "text" and c.semantic is None]
    named = [c for c in texts if says("person", c.name)]
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
    addresses = [c for c in ctx.columns if c is not name and says_any(CONTACT, c.name)][:4]
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
    if fuzz.token_sort_ratio(name_a, name_b) < NAME_SIMILARITY or \
            not names_match(name_a, name_b):
        return False
    if n_addresses == 0:
        return name_a != name_b or str(a[1]) != str(b[1])
    scores = [fuzz.ratio(normalise(x), normalise(y)) for x, y in zip(a[2:], b[2:], strict=True)
              if x and y]
    return bool(scores) and sum(s >= ADDRESS_SIMILARITY for s in scores) >= max(1,
                                                                           len(scores) // 2)


def similar_values(ctx: TableContext) -> list[QualityFinding]:
    """Two frequent spellings of one name inside a column (Schmidt / Schmitt Metallbau GmbH,
    each on many order lines): the same customer under two names."""
    found = []
    for col in ctx.columns:
        counts = col.stats.get("_counts")
        if not counts or col.kind != "text" or not says("person", col.name) or len(counts) > 3000:
            continue
        pairs = _similar_pairs([(str(v), n) for v, n in counts if v is not None and n >= 2])
        if pairs:
            found.append(QualityFinding(
                "near-duplicates", "warning", col.name,
                {"count": len(pairs), "values": [f"{a} ({na}×) ≈ {b} ({nb}×)"
                                                 for a, na, b, nb in pairs[:EXAMPLES]],
                 "pairs": [[a, b] for a, _, b, _ in pairs[:20]]},
                share=sum(min(na, nb) for _, na, _, nb in pairs) / max(1, ctx.rows)))
    return found


def _similar_pairs(values: list[tuple[str, int]]) -> list[tuple[str, int, str, int]]:
    blocks: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for value, n in values:
        norm = normalise(value)
        for token in norm.split()[:3]:
            if len(token) >= 4:
                blocks[token[:4]].append((value, n))
    pairs = set()
    for members in blocks.values():
        if len(members) > MAX_BLOCK:
            continue
        for (a, na), (b, nb) in combinations(members, 2):
            norm_a, norm_b = normalise(a), normalise(b)
            if a == b or re.sub(r"\d", "", norm_a) == re.sub(r"\d", "", norm_b) \
                    and norm_a != norm_b:
                continue
            if fuzz.ratio(norm_a, norm_b) >= SIMILAR_VALUES and names_match(norm_a, norm_b):
                first, second = sorted([(a, na), (b, nb)], key=lambda x: -x[1])
                pairs.add((first[0], first[1], second[0], second[1]))
    return sorted(pairs, key=lambda p: -p[3])
