"""Turn one table file into clean CSV: UTF-8, comma, double quotes where needed, header first.

Uses the same automatic detection as the scan, so ``convert`` is also how loading quality is
measured (``benchmarks/pollock.py``).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datensorgfalt.services.outputs import CsvCells, check_output, writing
from datensorgfalt.sources.base import TableSource
from datensorgfalt.sources.table_files import describe_issue, open_table_file

if TYPE_CHECKING:
    from datensorgfalt.catalog import Catalog
    from datensorgfalt.workspace import Workspace


def _clean(cell: object) -> object:
    """A NUL byte is no text: it never goes into a clean CSV (the reader reported it)."""
    if cell is None:
        return ""
    return cell.replace("\x00", "") if isinstance(cell, str) else cell


def _write_csv(source: TableSource, target: Path, cells: CsvCells) -> int:
    rows = 0
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(cells.row([_clean(name) for name in source.header]))
        for batch in source.batches():
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for row in zip(*columns, strict=True):
                writer.writerow(cells.row([_clean(cell) for cell in row], source.header))
            rows += batch.num_rows
    return rows


def convert(path: Path, out: Path, sheet: str | None = None, *, overwrite: bool = False,
            workspace: Workspace | None = None, catalog: Catalog | None = None
            ) -> dict[str, Any]:
    """Write the table of ``path`` to ``out`` as clean CSV and say what was detected.

    ``out`` is checked by the output guard (never the input, an original or, without
    ``overwrite``, an existing file); text cells that look like formulas are neutralised.
    """
    path, out = Path(path), Path(out)
    out = check_output(out, reads=[path], overwrite=overwrite, catalog=catalog)
    source = open_table_file(path, sheet)
    cells = CsvCells()
    with writing(out, workspace) as temporary:
        rows = _write_csv(source, temporary, cells)
    return {
        "input": str(path),
        "output": str(out),
        "format": source.format,
        "location": source.location,
        "dialect": source.dialect,
        "header": source.header,
        "rows": rows,
        "columns": len(source.header),
        "neutralised": cells.changed,
        "issues": [
            {"code": i.code, "severity": i.severity, "values": i.values, "text": describe_issue(i)}
            for i in source.issues
        ],
    }
