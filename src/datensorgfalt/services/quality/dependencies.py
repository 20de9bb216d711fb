"""Rules the table itself almost always follows, and the rows that break them.

- Functional dependencies A -> B that hold for nearly all groups of A (postal code -> city,
  article number -> article); the minority values inside a broken group are suspicious cells.
- Order rules between two numeric or two date columns (end >= start, net <= gross).
Discovery runs on the profile's sample table ``smp``; the violating rows are then looked up
in the full table.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, TypeVar

from datensorgfalt.engine import insert_texts
from datensorgfalt.services.quality.column_checks import EXAMPLES
from datensorgfalt.services.quality.context import (
    ROW,
    SAMPLE_ROWS,
    VIEW,
    ColumnFacts,
    TableContext,
    in_batches,
)
from datensorgfalt.services.quality.findings import QualityFinding

MIN_GROUPS = 5
MAX_BROKEN_SHARE = 0.34
MAX_G3 = 0.02
MAX_LHS = 25
MAX_CELLS = 10_000
RULE_HOLDS = 0.99
MAX_RULE_COLUMNS = 20
C = TypeVar("C")  # a column: its facts (staged table) or its name (database)


def _present(col: ColumnFacts) -> int:
    s = col.stats
    return s["non_null"] - s["blanks"] - s["placeholders"]


def _category_like(col: ColumnFacts, rows: int) -> bool:
    distinct = col.stats.get("distinct", col.stats["distinct_approx"])
    return col.kind not in ("decimal", "boolean", "date", "datetime", "time") \
        and 2 <= distinct < 0.5 * min(max(1, _present(col)), SAMPLE_ROWS) \
        and _present(col) >= 0.5 * rows


def _near_constant(col: ColumnFacts) -> bool:
    top = col.stats.get("top") or []
    present = _present(col)
    return bool(top) and top[0][1] is not None and present > 0 and top[0][1] >= 0.9 * present


def _rhs_candidates(ctx: TableContext, lhs: ColumnFacts) -> list[ColumnFacts]:
    return [c for c in ctx.columns if c is not lhs and _present(c) >= 0.5 * ctx.rows
            and c.stats.get("distinct", c.stats["distinct_approx"]) >= 2
            and not _near_constant(c) and c.kind != "boolean"]


def discover(ctx: TableContext) -> list[dict[str, Any]]:
    """Dependencies A -> B measured on a sample: groups with several rows, broken groups."""
    if ctx.rows < 10:
        return []
    lhs_cols = [c for c in ctx.columns if _category_like(c, ctx.rows)][:MAX_LHS]
    if not lhs_cols:
        return []
    names = {c.name for c in lhs_cols} | {c.name for lhs in lhs_cols
                                          for c in _rhs_candidates(ctx, lhs)}
    cols = [c for c in ctx.columns if c.name in names]
    select = ", ".join(c.q for c in cols)
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE fd_sample AS SELECT {select} FROM smp")
    found = []
    for lhs in lhs_cols:
        rhs = _rhs_candidates(ctx, lhs)
        if not rhs:
            continue
        # a group breaks A -> B when it holds two different B values: min(B) <> max(B)
        inner = ", ".join(f"min({c.q}) AS lo{i}, max({c.q}) AS hi{i}" for i, c in enumerate(rhs))
        outer = ", ".join(f"count_if(n > 1 AND lo{i} <> hi{i})" for i in range(len(rhs)))
        row = ctx.sql(f"SELECT count_if(n > 1), {outer} FROM (SELECT count(*) AS n, {inner} "
                      f"FROM fd_sample WHERE {lhs.q} IS NOT NULL GROUP BY {lhs.q})")[0]
        groups = row[0]
        if groups < MIN_GROUPS:
            continue
        for col, broken in zip(rhs, row[1:], strict=True):
            if broken == 0:
                found.append({"lhs": lhs.name, "rhs": col.name, "groups": groups,
                              "broken": 0, "g3": 0.0})
            elif broken / groups <= MAX_BROKEN_SHARE:
                g3 = _g3(ctx, lhs, col)
                if g3 <= MAX_G3:
                    found.append({"lhs": lhs.name, "rhs": col.name, "groups": groups,
                                  "broken": broken, "g3": round(g3, 4)})
    ctx.con.execute("DROP TABLE IF EXISTS fd_sample")
    return found


def _g3(ctx: TableContext, lhs: ColumnFacts, rhs: ColumnFacts) -> float:
    """Share of sample rows to change so that A -> B holds exactly (the g3 measure)."""
    to_change, total = ctx.sql(f"""
        SELECT sum(n - top), sum(n) FROM (
            SELECT sum(c) AS n, max(c) AS top FROM (
                SELECT {lhs.q} AS a, {rhs.q} AS b, count(*) AS c FROM fd_sample
                WHERE {lhs.q} IS NOT NULL AND {rhs.q} IS NOT NULL GROUP BY 1, 2)
            GROUP BY a)""")[0]
    return (to_change or 0) / total if total else 1.0


def violations(ctx: TableContext, deps: list[dict[str, Any]]
               ) -> tuple[list[QualityFinding], list[tuple[int, str, str]]]:
    """Findings and suspicious cells for the dependencies that almost hold."""
    found, cells = [], []
    for dep in deps:
        if dep["broken"] == 0:
            continue
        lhs, rhs = ctx.column(dep["lhs"]), ctx.column(dep["rhs"])
        groups = ctx.sql(f"""
            WITH g AS (SELECT {lhs.clean} AS a, {rhs.clean} AS b, count(*) AS c FROM {VIEW}
                       WHERE {lhs.clean} IS NOT NULL AND {rhs.clean} IS NOT NULL GROUP BY 1, 2),
                 r AS (SELECT a, b, c, max(c) OVER (PARTITION BY a) AS top,
                              count(*) OVER (PARTITION BY a) AS k FROM g)
            SELECT a, b, c, top FROM r WHERE k > 1 ORDER BY a, c DESC LIMIT {MAX_CELLS}""")
        bad = [g for g in groups if g[2] * 3 <= g[3] and g[3] >= 2]
        found += _ambiguous(ctx, lhs, rhs, groups)
        if not bad:
            continue
        ctx.con.execute("CREATE OR REPLACE TEMP TABLE fd_bad(a VARCHAR, b VARCHAR)")
        insert_texts(ctx.con, "fd_bad", [[str(a), str(b)] for a, b, _, _ in bad[:MAX_CELLS]])
        rows = ctx.sql(f"SELECT {ROW}, CAST({lhs.clean} AS VARCHAR), "
                       f"CAST({rhs.clean} AS VARCHAR) FROM {VIEW} "
                       f"SEMI JOIN fd_bad ON CAST({lhs.clean} AS VARCHAR) = fd_bad.a "
                       f"AND CAST({rhs.clean} AS VARCHAR) = fd_bad.b ORDER BY {ROW} "
                       f"LIMIT {MAX_CELLS}")
        cells += [(int(r[0]), rhs.name, "dependency-violation") for r in rows]
        found.append(QualityFinding(
            "dependency-violation", "warning", rhs.name,
            {"lhs": lhs.name, "rhs": rhs.name, "count": len(rows), "groups": dep["groups"],
             "broken_groups": dep["broken"],
             "values": [f"{r[1]} -> {r[2]}" for r in rows[:EXAMPLES]],
             "rows": [int(r[0]) for r in rows[:EXAMPLES]]},
            share=len(rows) / max(1, ctx.rows)))
    return found, cells


def _ambiguous(ctx: TableContext, lhs: ColumnFacts, rhs: ColumnFacts,
               groups: list[tuple]) -> list[QualityFinding]:
    """Keys that stand for two things, each with real support (one article number for two
    articles): no single cell is wrong, the key is."""
    strong: dict[Any, list[tuple[Any, int]]] = {}
    for a, b, c, top in groups:
        if c * 3 > top and c >= 2:
            strong.setdefault(a, []).append((b, c))
    clashes = {a: values for a, values in strong.items() if len(values) > 1}
    if not clashes:
        return []
    examples = [f"{a}: " + " / ".join(f"{b} ({c}×)" for b, c in values)
                for a, values in list(clashes.items())[:EXAMPLES]]
    keys = list(clashes)[:EXAMPLES]
    ctx.con.execute("CREATE OR REPLACE TEMP TABLE fd_keys(a VARCHAR)")
    insert_texts(ctx.con, "fd_keys", [[str(a)] for a in keys])
    rows = ctx.sql(f"SELECT min({ROW}) FROM {VIEW} WHERE CAST({lhs.clean} AS VARCHAR) IN "
                   f"(SELECT a FROM fd_keys) GROUP BY {lhs.clean}, {rhs.clean} ORDER BY 1 "
                   f"LIMIT {2 * EXAMPLES}")
    return [QualityFinding("conflicting-key", "error", lhs.name,
                           {"values": examples, "conflicting": len(clashes), "rhs": rhs.name,
                            "count": len(clashes), "rows": [int(r[0]) for r in rows]},
                           share=len(clashes) / max(1, ctx.rows))]


def order_rules(ctx: TableContext) -> tuple[list[dict[str, Any]], list[QualityFinding],
                                           list[tuple[int, str, str]]]:
    """Pairs ``a <= b`` that hold for at least 99 % of rows (and are not trivially equal)."""
    numeric = [c for c in ctx.columns if c.numeric][:MAX_RULE_COLUMNS]
    dates = [c for c in ctx.columns if c.temporal][:MAX_RULE_COLUMNS]
    pairs = [(a, b) for group in (numeric, dates) for a, b in combinations(group, 2)
             if _comparable(a, b)]
    if not pairs or ctx.rows < 20:
        return [], [], []
    counts = [c for _, row in in_batches(pairs, lambda batch: _order_counts(ctx, batch))
              for c in row]
    rules, found, cells = [], [], []
    for low, high, good, bad, total in holding_rules(pairs, counts):
        rules.append({"rule": f"{low.name} <= {high.name}", "holds": good, "broken": bad})
        if bad:
            finding, rule_cells = _rule_violation(ctx, low, high, bad, total)
            found.append(finding)
            cells += rule_cells
    return rules, found, cells


def holding_rules(pairs: list[tuple[C, C]], counts: list[int]) -> list[tuple[C, C, int, int, int]]:
    """``(low, high, holds, broken, compared)`` for the pairs whose ``low <= high`` holds in at
    least 99 % of the compared rows (and not mostly by equality); ``counts`` are ``a < b``,
    ``a > b`` and ``a = b`` of each pair (staged table or database)."""
    out = []
    for n, (a, b) in enumerate(pairs):
        less, more, equal = counts[3 * n: 3 * n + 3]
        total = less + more + equal
        if total < 20:
            continue
        for low, high, good, bad in ((a, b, less + equal, more), (b, a, more + equal, less)):
            if good / total >= RULE_HOLDS and (good - equal) >= 0.5 * total:
                out.append((low, high, good, bad, total))
    return out


def _order_counts(ctx: TableContext, pairs: list[tuple[ColumnFacts, ColumnFacts]]) -> list[int]:
    """``a < b``, ``a > b`` and ``a = b`` counted for every pair, each value parsed once: a
    column with a table of distinct values (``value_counts``) is parsed over that table and
    joined to the rows by its raw text (a NULL finds no partner and stays NULL, as parsed)."""
    columns = list({c.name: c for pair in pairs for c in pair}.values())
    alias = {c.name: f"t{i}" for i, c in enumerate(columns)}
    typed, joins = [], []
    for c in columns:
        if c.value_table:  # parsed once per distinct value, looked up per row
            lookup = f"l{alias[c.name]}"
            typed.append(f"{lookup}.t AS {alias[c.name]}")
            joins.append(f"LEFT JOIN (SELECT {c.q} AS v, {c.typed} AS t FROM {c.value_table}) "
                         f"{lookup} ON {VIEW}.{c.q} = {lookup}.v")
        else:
            typed.append(f"{c.typed} AS {alias[c.name]}")
    parts = [f"count_if({alias[a.name]} {op} {alias[b.name]})"
             for a, b in pairs for op in ("<", ">", "=")]
    return list(ctx.sql(f"SELECT {', '.join(parts)} FROM (SELECT {', '.join(typed)} "
                        f"FROM {VIEW} {' '.join(joins)})")[0])


def _comparable(a: ColumnFacts, b: ColumnFacts) -> bool:
    return comparable(a.temporal, a.stats, b.stats)


def comparable(temporal: bool, a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Numbers of the same magnitude (net and gross, by the stats' medians), or two dates."""
    if temporal:
        return True
    ma, mb = a.get("median"), b.get("median")
    if not ma or not mb or ma <= 0 or mb <= 0:
        return False
    return 0.4 <= ma / mb <= 2.5


def _rule_violation(ctx: TableContext, low: ColumnFacts, high: ColumnFacts, bad: int,
                    total: int) -> tuple[QualityFinding, list[tuple[int, str, str]]]:
    rows = ctx.sql(f"SELECT {ROW}, {low.typed}, {high.typed} FROM {VIEW} "
                   f"WHERE {low.typed} > {high.typed} ORDER BY {ROW} LIMIT {MAX_CELLS}")
    finding = rule_violation_finding(low.name, high.name, bad, total, ctx.rows,
                                     [(int(r[0]), r[1], r[2]) for r in rows[:EXAMPLES]])
    cells = [(int(r[0]), c, "rule-violation") for r in rows for c in (low.name, high.name)]
    return finding, cells


def rule_violation_finding(low: str, high: str, bad: int, total: int, rows: int,
                           examples: list[tuple[Any, Any, Any]]) -> QualityFinding:
    """The ``rule-violation`` finding of ``low <= high``; ``examples`` are the first breaking
    rows as ``(row, low value, high value)`` (staged table or database)."""
    return QualityFinding(
        "rule-violation", "warning", high,
        {"rule": f"{low} <= {high}", "count": bad, "total": total,
         "values": [f"{a} > {b}" for _, a, b in examples[:EXAMPLES]],
         "rows": [r for r, _, _ in examples[:EXAMPLES]]},
        share=bad / max(1, rows))
