"""Typed pandas frames of a dataset, for the PoC and the read model (small and medium tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datensorgfalt.engine.contract import StoredDataset, WorkArea
from datensorgfalt.engine.duck import connect
from datensorgfalt.engine.parsing import typed_select
from datensorgfalt.engine.staging import table_sql

if TYPE_CHECKING:  # pandas costs a second to import; only the callers of a frame need it
    import pandas as pd


def typed_frame(workspace: WorkArea, dataset: StoredDataset,
                columns: list[str] | None = None) -> pd.DataFrame:
    """The table as a pandas DataFrame with typed columns (for small and medium tables).

    Text columns are parsed with the parse info the scan stored in ``Column.details``
    (German decimal commas, dd.mm.yyyy dates ...); unparseable values become missing.
    """
    infos = {c.name: (c.details or {}) for c in dataset.columns}
    source = table_sql(workspace, dataset)
    con = connect()
    con.execute("SET preserve_insertion_order=true")  # rows in file order (time series)
    try:
        names = [d[0] for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description]
        wanted = [n for n in names if columns is None or n in columns]
        types = {n: str(t) for n, t in con.execute(
            f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {source})").fetchall()}
        select = typed_select(wanted, types, infos)
        return con.execute(f"SELECT {select} FROM {source}").df()
    finally:
        con.close()
