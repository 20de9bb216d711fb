"""JSON (an array of objects, or ``{"key": [objects]}``) and JSON Lines (streamed).

Values are handed on as text exactly as JSON writes them (``1.5``, ``true``); nested objects
and lists stay JSON text. Type inference then works the same as for CSV.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa

from datensorgfalt.sources.base import BATCH_ROWS, Issue, ReadError
from datensorgfalt.sources.locations import display_name, file_location

HEADER_SAMPLE = 1_000
#: A JSON file is parsed whole (about ten times its size in memory); larger ones belong in
#: JSON Lines, which is streamed.
MAX_JSON_BYTES = 512 * 1024**2


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _header(rows: Iterable[dict]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def _batch(rows: list[dict], header: list[str]) -> pa.RecordBatch:
    arrays = [pa.array([_text(r.get(name)) for r in rows], pa.string()) for name in header]
    return pa.RecordBatch.from_arrays(arrays, names=header)


class JsonSource:
    """An array of objects already in memory (JSON files are parsed whole)."""

    format = "json"

    def __init__(self, path: Path, rows: list[dict], key: str | None = None) -> None:
        self.path = path
        self._rows = rows
        self.location = file_location(path, key=key) if key else file_location(path)
        self.name = f"{display_name(path)} ({key})" if key else display_name(path)
        self.dialect: dict[str, Any] = {"key": key} if key else {}
        self.header = _header(rows)
        self.row_count = len(rows)
        self.issues: list[Issue] = []

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        for start in range(0, len(self._rows), rows):
            yield _batch(self._rows[start:start + rows], self.header)


class JsonLinesSource:
    """One JSON object per line, read in batches; never the whole file at once."""

    format = "jsonl"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = file_location(path)
        self.name = display_name(path)
        self.dialect: dict[str, Any] = {"encoding": "utf-8"}
        self.issues: list[Issue] = []
        self.header = _header(islice(self._objects(), HEADER_SAMPLE))
        if not self.header:
            raise ReadError("scan.read.json_no_table")

    def _objects(self) -> Iterator[dict]:
        bad = 0
        with open(self.path, encoding="utf-8-sig", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except (json.JSONDecodeError, RecursionError):  # broken, or absurdly deep
                    bad += 1
                    continue
                if isinstance(value, dict):
                    yield value
        if bad and not any(i.code == "jsonl-bad-lines" for i in self.issues):
            self.issues.append(Issue("jsonl-bad-lines", "warning", {"n": bad}))

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        objects = self._objects()
        while chunk := list(islice(objects, rows)):
            yield _batch(chunk, self.header)


def open_json(path: Path) -> list[JsonSource]:
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise ReadError("scan.read.json_too_big", size=f"{size / 1024**2:,.0f} MB",
                        limit=f"{MAX_JSON_BYTES / 1024**2:,.0f} MB")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReadError("scan.read.json_broken", reason=str(exc)[:200]) from exc
    except RecursionError as exc:  # thousands of nested brackets: no table, an attack
        raise ReadError("scan.read.json_too_deep") from exc
    if isinstance(data, list) and _objects_only(data):
        return [JsonSource(path, data)]
    if isinstance(data, dict):
        tables = [JsonSource(path, value, key) for key, value in data.items()
                  if isinstance(value, list) and value and _objects_only(value)]
        if tables:
            return tables
    raise ReadError("scan.read.json_no_table")


def _objects_only(items: list) -> bool:
    return bool(items) and all(isinstance(item, dict) for item in items)


def open_jsonl(path: Path) -> JsonLinesSource:
    return JsonLinesSource(path)
