"""The knowledge files under ``datensorgfalt/knowledge/``: questionnaire and use cases.

They are plain YAML so a domain expert can edit them; texts are ``{de: ..., en: ...}`` maps,
read in the current language with :func:`loc`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from datensorgfalt.i18n import language


@cache
def load(name: str) -> dict[str, Any]:
    """``load("readiness")`` -> the parsed ``knowledge/readiness.yaml``."""
    text = resources.files("datensorgfalt").joinpath("knowledge", f"{name}.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def path_of(name: str) -> Path:
    return Path(str(resources.files("datensorgfalt").joinpath("knowledge", name)))


def loc(value: Any, lang: str | None = None) -> Any:
    """The current language's entry of a ``{de, en}`` map (German as fallback)."""
    if isinstance(value, dict) and ("de" in value or "en" in value):
        return value.get(lang or language()) or value.get("de")
    return value
