"""The knowledge files under ``datensorgfalt/knowledge/``: questionnaire, use cases, quality
texts, PoC texts, the column vocabulary and the privacy word lists.

They are plain YAML so a domain expert can edit them; texts are ``{de: ..., en: ...}`` maps,
read in the current language with :func:`loc`. Every knowledge file is read here (once,
cached), never by a service of its own; files a user gives (answers, rules, protection plans,
rights) are read by the service that takes them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from datensorgfalt.i18n import FAST_LOADER, language


@cache
def load(name: str) -> dict[str, Any]:
    """``load("readiness")`` -> the parsed ``knowledge/readiness.yaml``;
    ``load("privacy/headers")`` -> ``knowledge/privacy/headers.yaml``. Read once: callers must
    not change what they get. An empty file gives ``{}``."""
    return yaml.load(path_of(f"{name}.yaml").read_text("utf-8"), FAST_LOADER) or {}


def path_of(name: str) -> Path:
    """The path of a file below ``knowledge/`` (``"privacy/function_words.yaml"``)."""
    return Path(str(resources.files("datensorgfalt").joinpath("knowledge", *name.split("/"))))


def loc(value: Any, lang: str | None = None) -> Any:
    """The current language's entry of a ``{de, en}`` map (German as fallback)."""
    if isinstance(value, dict) and ("de" in value or "en" in value):
        return value.get(lang or language()) or value.get("de")
    return value
