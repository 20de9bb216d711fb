"""A few rows of a table to look at, with the values of personal columns masked."""

from __future__ import annotations

from typing import Any

from datensorgfalt.catalog import Catalog
from datensorgfalt.engine import text_columns
from datensorgfalt.services.privacy.detect import privacy_result
from datensorgfalt.services.privacy.protect.treatments import mask_value


def sample_rows(catalog: Catalog, selector: str, n: int = 10) -> dict[str, Any]:
    """``{"columns": [...], "rows": [[...]], "masked": [...]}``: the first ``n`` rows; a column
    the privacy step found personal (or has not looked at yet in a table with personal data)
    shows masked values only."""
    dataset = catalog.dataset(selector)
    if dataset.kind != "table":
        return {"columns": [], "rows": [], "masked": []}
    columns, _ = text_columns(dataset.location, max_rows=n)
    found = (privacy_result(catalog, dataset.id) or {}).get("columns", {})
    kinds = {name: (entry.get("kinds") or [None])[0] for name, entry in found.items()
             if entry.get("kinds")}
    names = list(columns)
    masked = [name for name in names if name in kinds]
    rows = [[mask_value(columns[name][i], kinds[name]) if name in kinds else columns[name][i]
             for name in names] for i in range(min(n, min((len(v) for v in columns.values()),
                                                          default=0)))]
    return {"columns": names, "rows": rows, "masked": masked}
