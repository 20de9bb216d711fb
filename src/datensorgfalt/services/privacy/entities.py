"""What a detector returns: an entity at a character position in a text."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Entity:
    start: int
    end: int
    type: str
    text: str
    score: float

    def to_dict(self) -> dict:
        data = asdict(self)
        data["score"] = round(self.score, 2)
        return data


def resolve_overlaps(entities: list[Entity]) -> list[Entity]:
    """Keep the best of overlapping entities: higher score first, then the longer span."""
    ranked = sorted(entities, key=lambda e: (-e.score, -(e.end - e.start), e.start))
    starts: list[int] = []  # kept spans, sorted and disjoint
    kept: list[Entity] = []
    for entity in ranked:
        index = bisect.bisect_right(starts, entity.start)
        if index > 0 and kept[index - 1].end > entity.start:
            continue
        if index < len(kept) and kept[index].start < entity.end:
            continue
        starts.insert(index, entity.start)
        kept.insert(index, entity)
    return kept


def mask(value: str) -> str:
    """A masked example: the first two characters and stars (``Ma***``)."""
    text = str(value).strip()
    if len(text) <= 2:
        return "*" * len(text)
    if len(text) >= 10:
        return text[:2] + "*" * 6 + text[-2:]
    return text[:2] + "*" * min(len(text) - 2, 6)
