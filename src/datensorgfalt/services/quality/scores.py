"""Scores 0-100 per dimension and per dataset, as documented in
``knowledge/quality_dimensions.yaml`` (penalties, weights, mapping to the study words)."""

from __future__ import annotations

from typing import Any

from datensorgfalt.services.knowledge import load
from datensorgfalt.services.quality.findings import QualityFinding


def dimensions_config() -> dict[str, Any]:
    return load("quality_dimensions")


def penalty(finding: QualityFinding) -> float:
    config = dimensions_config()
    points = config["penalty"][finding.severity]
    factor = min(1.0, max(config["floor"], finding.share * config["scale"]))
    return points * factor


def score(findings: list[QualityFinding]) -> dict[str, Any]:
    """``{"score": .., "scores": {dimension: ..}, "studies": {word: ..}}``."""
    config = dimensions_config()
    scores = {name: 100.0 for name in config["dimensions"]}
    for finding in findings:
        scores[finding.dimension] = max(0.0, scores[finding.dimension] - penalty(finding))
    weights = {name: spec["weight"] for name, spec in config["dimensions"].items()}
    mean = sum(scores[n] * w for n, w in weights.items()) / sum(weights.values())
    weakest = config.get("weakest_share", 0.0)
    total = (1 - weakest) * mean + weakest * min(scores.values())
    studies = {word: round(sum(scores[d] for d in dims) / len(dims))
               for word, dims in config["studies"].items()}
    return {"score": round(total), "scores": {k: round(v) for k, v in scores.items()},
            "studies": studies}
