"""User-facing texts in German (default) and English.

Texts live in ``locales/<lang>/*.yaml`` (one file per service) as nested keys, addressed
with dots. ``t("scan.done", n=3)`` formats the
text of the current language and falls back to German when a key is missing in English.
"""

from __future__ import annotations

import errno
import os
from functools import cache
from importlib import resources

import yaml

LANGUAGES = ("de", "en")
# the C parser when PyYAML has libyaml: every command reads all texts, ten times faster
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_current: str | None = None


def set_language(lang: str | None) -> None:
    global _current
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _current = lang


def language() -> str:
    if _current:
        return _current
    env = os.environ.get("DATENSORGFALT_LANG", "").lower()[:2]
    return env if env in LANGUAGES else "de"


@cache
def _texts(lang: str) -> dict[str, str]:
    flat: dict[str, str] = {}
    folder = resources.files("datensorgfalt").joinpath("locales", lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            flat.update(_flatten(yaml.load(entry.read_text("utf-8"), FAST_LOADER) or {}))
    return flat


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def keys(lang: str) -> set[str]:
    return set(_texts(lang))


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The text for ``key`` in the current language, formatted with ``values``."""
    lang = lang or language()
    text = _texts(lang).get(key) or _texts("de").get(key) or key
    return text.format(**values) if values else text


def human_size(size: int | None) -> str:
    """A byte count for people: ``512 B``, ``1.5 KB``, ``3.2 GB`` (``-`` when unknown)."""
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024:
            return f"{value:.0f} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


def os_reason(exc: OSError) -> str:
    """Why the system refused a file, in plain words (``strerror`` is English)."""
    name = errno.errorcode.get(exc.errno or 0, "")
    key = f"error.os.{name}"
    if name and key in _texts("de"):
        return t(key)
    return t("error.os.other", code=name or exc.errno or "?")
