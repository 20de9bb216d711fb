"""Turn one table file into clean CSV: UTF-8, comma, double quotes where needed, header first.

Uses the same automatic detection as the scan, so ``convert`` is also how loading quality is
measured (``benchmarks/pollock.py``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from datensorgfalt.sources.base import ReadError, TableSource
from datensorgfalt.sources.table_files import describe_issue, open_table_file


def _clean(cell: object) -> object:
    """A NUL byte is no text: it never goes into a clean CSV (the reader reported it)."""
    if cell is None:
        return ""
    return cell.replace("\x00", "") if isinstance(cell, str) else cell


def _write_csv(source: TableSource, target: Path) -> int:
    rows = 0
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([_clean(name) for name in source.header])
        for batch in source.batches():
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for row in zip(*columns, strict=True):
                writer.writerow([_clean(cell) for cell in row])
            rows += batch.num_rows
    return rows


def convert(path: Path, out: Path, sheet: str | None = None) -> dict[str, Any]:
    """Write the table of ``path`` to ``out`` as clean CSV and say what was detected."""
    path, out = Path(path), Path(out)
    if out.resolve() == path.resolve():
        raise ReadError("readers.error.same_file", path=str(path))
    source = open_table_file(path, sheet)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    try:
        rows = _write_csv(source, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return {
        "input": str(path),
        "output": str(out),
        "format": source.format,
        "location": source.location,
        "dialect": source.dialect,
        "header": source.header,
        "rows": rows,
        "columns": len(source.header),
        "issues": [
            {"code": i.code, "severity": i.severity, "values": i.values, "text": describe_issue(i)}
            for i in source.issues
        ],
    }
