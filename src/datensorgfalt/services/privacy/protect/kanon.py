"""k-anonymity and l-diversity over quasi-identifiers, and a greedy generalisation (like ARX,
with one simple hierarchy per column) that reaches a target k, suppressing a few outlier rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from datensorgfalt.services.privacy.protect.treatments import HIERARCHY_DEPTH, generalise

MAX_SUPPRESSED_SHARE = 0.05  # at most this share of rows may be dropped instead of generalised


def _keys(columns: dict[str, list], qis: list[str], rows: list[int]) -> list[tuple]:
    return [tuple(columns[q][r] for q in qis) for r in rows]


def risk(columns: dict[str, list], qis: list[str], rows: list[int] | None = None) -> dict:
    """k (smallest group), share of unique records and the smallest groups."""
    if rows is None:
        rows = list(range(len(next(iter(columns.values()), []))))
    if not qis or not rows:
        return {"k": None, "unique_share": 0.0, "groups": 0, "smallest_groups": []}
    sizes = Counter(_keys(columns, qis, rows))
    unique = sum(1 for size in sizes.values() if size == 1)
    smallest = sorted(sizes.items(), key=lambda item: item[1])[:3]
    return {"k": min(sizes.values()), "unique_share": round(unique / len(rows), 4),
            "groups": len(sizes),
            "smallest_groups": [{"size": n, "values": dict(zip(qis, ["*" if v is None else v
                                                                    for v in key],
                                                              strict=True))}
                                for key, n in smallest]}


def l_diversity(columns: dict[str, list], qis: list[str], sensitive: str,
                rows: list[int] | None = None) -> int | None:
    """The smallest number of distinct sensitive values in any group."""
    if rows is None:
        rows = list(range(len(columns[sensitive])))
    if not qis or not rows:
        return None
    groups: dict[tuple, set] = defaultdict(set)
    for key, row in zip(_keys(columns, qis, rows), rows, strict=True):
        groups[key].add(columns[sensitive][row])
    return min(len(values) for values in groups.values())


@dataclass
class Anonymised:
    columns: dict[str, list]
    rows: list[int]  # rows kept (the others are suppressed)
    levels: dict[str, int]
    k_before: int | None
    k_after: int | None
    suppressed: int
    loss: float  # 0..1: generalisation steps used and rows suppressed
    steps: list[dict] = field(default_factory=list)


def anonymise(columns: dict[str, list], qis: list[str], kinds: dict[str, str | None], k: int,
              start: dict[str, int] | None = None, l_target: int | None = None,
              sensitive: str | None = None) -> Anonymised:
    """Generalise the quasi-identifiers step by step (the step that leaves the fewest rows in
    too small groups first) until at most 5 % of rows are in groups smaller than ``k``; those
    rows are suppressed."""
    n = len(next(iter(columns.values()), []))
    rows = list(range(n))
    k_before = risk(columns, qis, rows)["k"]
    levels = {q: (start or {}).get(q, 0) for q in qis}
    depth = {q: HIERARCHY_DEPTH.get(kinds.get(q) or "", 1) for q in qis}
    current = _apply(columns, qis, kinds, levels)
    steps = []
    while qis:
        bad = _violating(current, qis, rows, k, sensitive, l_target)
        if len(bad) <= MAX_SUPPRESSED_SHARE * n:
            break
        candidates = [q for q in qis if levels[q] < depth[q]]
        if not candidates:
            break
        best = min(candidates, key=lambda q: _after_step(columns, current, qis, kinds, levels,
                                                         q, rows, k, sensitive, l_target))
        levels[best] += 1
        current[best] = [generalise(v, kinds.get(best), levels[best]) for v in columns[best]]
        steps.append({"column": best, "level": levels[best]})
    bad = set(_violating(current, qis, rows, k, sensitive, l_target)) if qis else set()
    kept = [r for r in rows if r not in bad]
    loss = _loss(levels, depth, len(bad), n)
    k_after = risk(current, qis, kept)["k"] if qis else None
    return Anonymised(current, kept, levels, k_before, k_after, len(bad), loss, steps)


def _apply(columns: dict[str, list], qis: list[str], kinds: dict[str, str | None],
           levels: dict[str, int]) -> dict[str, list]:
    current = dict(columns)
    for q in qis:
        current[q] = [generalise(v, kinds.get(q), levels[q]) for v in columns[q]]
    return current


def _violating(current: dict[str, list], qis: list[str], rows: list[int], k: int,
               sensitive: str | None, l_target: int | None) -> list[int]:
    keys = _keys(current, qis, rows)
    sizes = Counter(keys)
    diverse: dict[tuple, set] = defaultdict(set)
    if sensitive and l_target:
        for key, row in zip(keys, rows, strict=True):
            diverse[key].add(current[sensitive][row])
    return [row for key, row in zip(keys, rows, strict=True)
            if sizes[key] < k or (sensitive and l_target and len(diverse[key]) < l_target)]


def _after_step(columns, current, qis, kinds, levels, q, rows, k, sensitive, l_target) -> tuple:
    trial = dict(current)
    trial[q] = [generalise(v, kinds.get(q), levels[q] + 1) for v in columns[q]]
    return (len(_violating(trial, qis, rows, k, sensitive, l_target)), levels[q])


def _loss(levels: dict[str, int], depth: dict[str, int], suppressed: int, n: int) -> float:
    if not levels or not n:
        return 0.0
    generalisation = sum(levels[q] / depth[q] for q in levels) / len(levels)
    kept_share = 1 - suppressed / n
    return round(1 - (1 - generalisation) * kept_share, 4)
