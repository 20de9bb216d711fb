"""The demo company: a deterministic, realistic data landscape to show and test every feature."""

from datensorgfalt.demo.generator import generate

__all__ = ["generate"]
