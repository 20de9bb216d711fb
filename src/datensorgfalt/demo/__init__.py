"""The demo company: a deterministic, realistic data landscape to show and test every feature."""

from datensorgfalt.demo.generator import generate
from datensorgfalt.demo.planted import load_planted

__all__ = ["generate", "load_planted"]
