"""Duplicate rows, keys and order rules of a large PostgreSQL table, as SQL run in PostgreSQL.

The same checks and findings as :mod:`.table_checks` and :mod:`.dependencies` give a staged
table: exact duplicate rows (grouped by a hash of every column), the key guess
(names, uniqueness), repeated key values with a few examples, and order rules between two
number or two date columns (end not before start) with the rows that break them. Only
counts, a few example values and row addresses (``ctid``) travel, so the client's memory
stays flat. A row number is the row's place in the order PostgreSQL reads the table, which
is the order a staged copy keeps: for the few rows a finding names it is counted in one last
scan that stops at the last of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from datensorgfalt.engine.duck import sql_string
from datensorgfalt.engine.parsing import PLACEHOLDERS
from datensorgfalt.services.quality.column_checks import EXAMPLES
from datensorgfalt.services.quality.dependencies import (
    MAX_RULE_COLUMNS,
    comparable,
    holding_rules,
    rule_violation_finding,
)
from datensorgfalt.services.quality.findings import QualityFinding
from datensorgfalt.services.quality.table_checks import (
    MAX_HASH_COLUMNS,
    differing,
    duplicate_rows_finding,
    looks_like_key,
    repeated_key_finding,
    worth_reporting,
)
from datensorgfalt.sources.postgres import quote_ident, select_rows, split_url

# types PostgreSQL can group and compare as they are; any other is grouped by its text
GROUPABLE = {"smallint", "integer", "bigint", "numeric", "real", "double precision",
             "decimal", "date", "timestamp without time zone", "timestamp with time zone",
             "text", "character varying", "character", "varchar", "char", "boolean", "uuid"}
ROW_KEYS = ("rows", "row_groups")  # evidence that names rows (ctids until numbered)


def is_placeholder(q: str) -> str:
    """SQL: the text value ``q`` is a placeholder (``n/a``, ``unbekannt`` ...)."""
    tokens = ", ".join(_literal(t) for t in PLACEHOLDERS)
    return f"lower(btrim({q})) IN ({tokens})"


@dataclass
class Table:
    location: str
    names: list[str]
    columns: dict[str, dict[str, Any]]  # the profile's column statistics
    declared: dict[str, str]  # PostgreSQL's type of each column
    rows: int
    addressed: bool = True  # ``ctid`` names one row (a plain table or materialized view)

    def sql(self, query: str) -> list[tuple]:
        return select_rows(self.location, query)

    @property
    def first(self) -> str:
        """SQL ordering groups by their first row (by value where rows have no address)."""
        return "min(ctid)" if self.addressed else "1"

    def addresses(self) -> str:
        """SQL aggregate: the addresses of a group's first rows."""
        return f"(array_agg(ctid::text ORDER BY ctid))[1:{EXAMPLES}]" if self.addressed \
            else "ARRAY[]::text[]"


def table_checks(location: str, names: list[str], columns: dict[str, dict[str, Any]],
                 declared: dict[str, str], rows: int
                 ) -> tuple[list[str], list[dict[str, Any]], list[QualityFinding]]:
    """Inferred keys, order rules, and the findings on repeated keys, duplicate rows and
    broken rules, their rows numbered (none for a view: its rows have no address)."""
    t = Table(location, names, columns, declared, rows, _addressed(location))
    keys, found = _keys(t)
    if not keys:
        found += _duplicate_rows(t)
    rules, broken = _order_rules(t)
    found += broken
    if t.addressed:
        _number_rows(location, found)
    return keys, rules, found


def _addressed(location: str) -> bool:
    schema, table = (split_url(location)[1] or ".").split(".", 1)
    kinds = select_rows(location, "SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n "
                                  "ON n.oid = c.relnamespace WHERE n.nspname = %s "
                                  "AND c.relname = %s", (schema, table))
    return bool(kinds) and kinds[0][0] in ("r", "m")


def _groupable(name: str, declared: dict[str, str]) -> str:
    q = quote_ident(name)
    return q if str(declared.get(name, "text")) in GROUPABLE else f"{q}::text"


def _row_hash(names: list[str], declared: dict[str, str]) -> str:
    """SQL: a 64-bit hash of the columns' values, as the staged path groups rows by ``hash``
    (a narrow key: grouping by it is about twice as fast as by every column)."""
    cols = ", ".join(_groupable(n, declared) for n in names[:MAX_HASH_COLUMNS])
    return f"hash_record_extended(ROW({cols}), 0)"


def _literal(text: str) -> str:
    return f"'{sql_string(text)}'"


def _tids(ctids: list[str]) -> str:
    return f"ARRAY[{', '.join(_literal(c) for c in ctids)}]::tid[]"


def _duplicate_rows(t: Table) -> list[QualityFinding]:
    """Rows equal in every column: one hash aggregate over the table, then one scan for the
    rows of the first few groups."""
    if t.rows < 2 or not t.names:
        return []
    whole = _row_hash(t.names, t.declared)
    first = "min(ctid)" if t.addressed else "NULL::tid"
    extra, groups, firsts = t.sql(f"""
        WITH g AS MATERIALIZED (SELECT count(*) AS n, {first} AS first FROM {{table}}
                                GROUP BY {whole} HAVING count(*) > 1)
        SELECT coalesce(sum(n - 1), 0)::bigint, count(*),
               (SELECT array_agg(first::text ORDER BY first)
                FROM (SELECT first FROM g ORDER BY first LIMIT {EXAMPLES}) f)
        FROM g""")[0]
    if not extra:
        return []
    members = t.sql(f"""
        SELECT {t.addresses()} FROM {{table}}
        WHERE {whole} IN (SELECT {whole} FROM {{table}} WHERE ctid = ANY({_tids(firsts)}))
        GROUP BY {whole} ORDER BY min(ctid)""") if t.addressed else []
    return [duplicate_rows_finding(int(extra), int(groups), t.rows, [m[0] for m in members])]


def _clean(name: str, stats: dict[str, Any]) -> str:
    """The value with blanks and placeholders as NULL (the raw value when there are none)."""
    q = quote_ident(name)
    if stats["type"] == "text" and (stats["blanks"] or stats["placeholders"]):
        return f"(CASE WHEN btrim({q}) = '' OR {is_placeholder(q)} THEN NULL ELSE {q} END)"
    return q


def _keys(t: Table) -> tuple[list[str], list[QualityFinding]]:
    """The staged path's key guess on the database's exact counts."""
    columns = t.columns
    candidates = [n for n in t.names
                  if looks_like_key(n, columns[n]["type"], columns[n], t.rows)]
    distinct = {n: columns[n]["distinct"] for n in candidates}
    dirty = [n for n in candidates if _clean(n, columns[n]) != quote_ident(n)]
    if dirty:  # the raw count took blanks and placeholders for values
        select = ", ".join(f"count(DISTINCT {_clean(n, columns[n])})" for n in dirty)
        distinct |= dict(zip(dirty, t.sql(f"SELECT {select} FROM {{table}}")[0], strict=True))
    keys, found = [], []
    for name in candidates:
        s = columns[name]
        present = s["non_null"] - s["blanks"] - s["placeholders"]
        if distinct[name] == present:
            keys.append(name)
        elif worth_reporting(name, name == t.names[0], present - distinct[name], present):
            found.append(_repeated_key(t, name, present - distinct[name], present))
    return keys, found


def _repeated_key(t: Table, name: str, repeated: int, present: int) -> QualityFinding:
    """The first repeated values (hash aggregate on the key), then their rows and whether the
    rest of those rows differ (one scan for the few values)."""
    k = _clean(name, t.columns[name])
    groups = t.sql(f"SELECT {k}, {k}::text FROM {{table}} WHERE {k} IS NOT NULL "
                   f"GROUP BY 1, 2 HAVING count(*) > 1 ORDER BY {t.first} LIMIT 1000")
    others = [n for n in t.names if n != name]
    rest = _row_hash(others, t.declared) if others else "0"
    detail = {text: (variants, ctids) for text, variants, ctids in t.sql(f"""
        SELECT {k}::text, count(DISTINCT {rest}), {t.addresses()}
        FROM {{table}} WHERE {k}::text IN ({', '.join(_literal(v) for _, v in groups)})
        GROUP BY 1""")} if groups else {}
    ordered = [(value, *detail[text]) for value, text in groups if text in detail]
    conflicting = [g for g in ordered if g[1] > 1]
    differences = None
    if conflicting:
        shown = others[:50]
        where = f"ctid = ANY({_tids(conflicting[0][2])}) ORDER BY ctid" if t.addressed \
            else f"{k}::text = {_literal(groups[0][1])} LIMIT {EXAMPLES}"
        found = t.sql(f"SELECT {', '.join(map(quote_ident, shown))} FROM {{table}} "
                      f"WHERE {where}")
        differences = differing(shown, found)
    return repeated_key_finding(name, repeated, present, t.rows,
                                [(value, ctids) for value, _, ctids in conflicting or ordered],
                                len(conflicting), differences)


def _order_rules(t: Table) -> tuple[list[dict[str, Any]], list[QualityFinding]]:
    """Pairs ``a <= b`` of two number or two date columns that hold in at least 99 % of the
    rows (one scan counts ``<``, ``>`` and ``=`` of every pair), and the rows that break them."""
    columns = t.columns
    numeric = [n for n in t.names if columns[n]["type"] in ("integer", "decimal")]
    dates = [n for n in t.names if columns[n]["type"] in ("date", "datetime")]
    pairs = [(a, b) for group in (numeric[:MAX_RULE_COLUMNS], dates[:MAX_RULE_COLUMNS])
             for a, b in combinations(group, 2)
             if comparable(a in dates, columns[a], columns[b])]
    if not pairs or t.rows < 20:
        return [], []
    parts = [f"count(*) FILTER (WHERE {quote_ident(a)} {op} {quote_ident(b)})"
             for a, b in pairs for op in ("<", ">", "=")]
    counts = list(t.sql(f"SELECT {', '.join(parts)} FROM {{table}}")[0])
    rules, found = [], []
    address, order = ("ctid::text", "ORDER BY ctid") if t.addressed else ("NULL::text", "")
    for low, high, good, bad, total in holding_rules(pairs, counts):
        rules.append({"rule": f"{low} <= {high}", "holds": good, "broken": bad})
        if bad:
            shown = f"{_shown(low, columns[low])}, {_shown(high, columns[high])}"
            examples = t.sql(f"SELECT {address} AS address, {shown} FROM {{table}} "
                             f"WHERE {quote_ident(low)} > {quote_ident(high)} {order} "
                             f"LIMIT {EXAMPLES}")
            found.append(rule_violation_finding(low, high, bad, total, t.rows, examples))
            if not t.addressed:
                found[-1].evidence["rows"] = []
    return rules, found


def _shown(name: str, stats: dict[str, Any]) -> str:
    """A value as the staged profile shows it (decimals as floating point numbers)."""
    q = quote_ident(name)
    return f"{q}::float8" if stats["type"] == "decimal" else q


def _tid(ctid: str) -> tuple[int, int]:
    page, item = ctid.strip("()").split(",")
    return int(page), int(item)


def _number_rows(location: str, found: list[QualityFinding]) -> None:
    """Replace the row addresses the findings name by row numbers (0-based, in the order
    PostgreSQL reads the table), counted in one scan up to the last of them."""
    ctids = sorted({c for f in found for c in _addresses(f.evidence)}, key=_tid)
    if not ctids:
        return
    counts = ", ".join(f"count(*) FILTER (WHERE ctid < {_literal(c)}::tid)" for c in ctids)
    numbers = dict(zip(ctids, select_rows(
        location, f"SELECT {counts} FROM {{table}} WHERE ctid <= {_literal(ctids[-1])}::tid")[0],
        strict=True))
    for f in found:
        for key in ROW_KEYS:
            if key in f.evidence:
                f.evidence[key] = _renumbered(f.evidence[key], numbers)


def _addresses(evidence: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for key in ROW_KEYS:
        for item in evidence.get(key) or []:
            out += item if isinstance(item, list) else [item]
    return [c for c in out if isinstance(c, str)]


def _renumbered(value: Any, numbers: dict[str, int]) -> Any:
    if isinstance(value, list):
        return [_renumbered(v, numbers) for v in value]
    return numbers.get(value, value) if isinstance(value, str) else value
