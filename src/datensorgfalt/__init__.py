"""Datensorgfalt: from scattered data puddles to a first AI proof of concept."""

__version__ = "0.1.0"
