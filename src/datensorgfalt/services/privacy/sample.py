"""A few rows of a table to look at, with the values of personal columns masked."""

from __future__ import annotations

from typing import Any

from datensorgfalt.catalog import Catalog
from datensorgfalt.engine import connect, table_sql
from datensorgfalt.engine.rows import as_text
from datensorgfalt.services.privacy.detect import privacy_result
from datensorgfalt.services.privacy.protect.treatments import mask_value
from datensorgfalt.workspace import Workspace


def sample_rows(workspace: Workspace, catalog: Catalog, selector: str,
                n: int = 10) -> dict[str, Any]:
    """``{"columns": [...], "rows": [[...]], "masked": [...]}``: the first ``n`` rows (from the
    staged copy, so a large file is not read again); a column the privacy step found personal
    shows masked values only."""
    dataset = catalog.dataset(selector)
    if dataset.kind != "table":
        return {"columns": [], "rows": [], "masked": []}
    con = connect()
    try:
        cursor = con.execute(f"SELECT * FROM {table_sql(workspace, dataset)} LIMIT {int(n)}")
        names = [d[0] for d in cursor.description]
        raw = cursor.fetchall()
    finally:
        con.close()
    found = (privacy_result(catalog, dataset.id) or {}).get("columns", {})
    kinds = {name: (entry.get("kinds") or [None])[0] for name, entry in found.items()
             if entry.get("kinds")}
    rows = [[mask_value(as_text(value), kinds[name]) if name in kinds else as_text(value)
             for name, value in zip(names, row, strict=False)] for row in raw]
    return {"columns": names, "rows": rows, "masked": [name for name in names if name in kinds]}
