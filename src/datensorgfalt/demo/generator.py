"""Placeholder until the demo generator lands (issue 2)."""

from pathlib import Path


def generate(target: Path, seed: int = 42) -> dict:
    raise NotImplementedError
