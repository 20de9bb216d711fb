"""The name lists: a permissively licensed source, cached as plain data (never a pickle)."""

from __future__ import annotations

import json

from datensorgfalt.services.knowledge import path_of
from datensorgfalt.services.privacy import lexicon as lx


def test_first_names_come_from_the_cited_berlin_list() -> None:
    text = path_of(lx.FIRST_NAMES).read_text("utf-8")
    assert "CC BY 3.0 DE" in text and "LABO" in text
    names = lx.lexicon().first_names
    for name in ("Heinz", "Ingrid", "Mehmet", "Zeynep", "Piotr", "Jürgen"):
        assert lx.lexicon().is_first_name(name), name
    assert "Berlin" not in names and "April" not in names  # towns and nouns stay words


def test_cache_is_json_and_a_planted_pickle_is_never_loaded(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = lx._cache_path()
    assert path.suffix == ".json" and path.is_relative_to(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x80\x04\x95cos\nsystem\n(S'touch /tmp/pwned'\ntR.")  # a pickle payload
    assert lx._read_cache(path) is None
    built = lx._build()
    lx._write_cache(path, built)
    assert json.loads(path.read_text("utf-8"))["first_names"]
    assert lx._read_cache(path) == built
