"""Every finding code the profiler can emit has its texts in German and English, every
dimension has a score rule, and the code list matches what the code emits."""

from __future__ import annotations

import re
import string
from importlib import resources
from pathlib import Path

import yaml

from datensorgfalt.services.quality.findings import CODES
from datensorgfalt.services.quality.scores import dimensions_config

PARTS = ("title", "what", "why", "todo", "detail")
SOURCE = Path(resources.files("datensorgfalt")) / "services" / "quality"


def texts() -> dict:
    path = resources.files("datensorgfalt").joinpath("knowledge", "quality_findings.yaml")
    return yaml.safe_load(path.read_text("utf-8"))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_has_all_texts_in_both_languages() -> None:
    data = texts()
    for code in CODES:
        for lang in ("de", "en"):
            entry = data[code][lang]
            for part in PARTS:
                assert entry.get(part, "").strip(), f"{code}.{lang}.{part}"
        for part in PARTS:
            assert fields(data[code]["de"][part]) == fields(data[code]["en"][part]), code


def test_no_texts_for_codes_that_do_not_exist() -> None:
    assert set(texts()) == set(CODES)


def test_every_listed_code_is_written_somewhere() -> None:
    """No dead codes; a code missing from CODES fails at once (QualityFinding.dimension)."""
    literals = set()
    for path in SOURCE.glob("*.py"):
        if path.name != "findings.py":
            literals |= set(re.findall(r'"([a-z]+(?:-[a-z]+)*)"', path.read_text("utf-8")))
    assert set(CODES) <= literals, set(CODES) - literals


def test_dimensions_and_studies_are_documented() -> None:
    config = dimensions_config()
    assert set(CODES.values()) <= set(config["dimensions"])
    for name, spec in config["dimensions"].items():
        assert spec["iso25012"], name
        assert spec["de"]["title"] and spec["en"]["title"], name
    assert set(config["studies"]) == {"Aktualität", "Stetigkeit", "Genauigkeit", "Validität"}
    assert {d for dims in config["studies"].values() for d in dims} == set(config["dimensions"])
