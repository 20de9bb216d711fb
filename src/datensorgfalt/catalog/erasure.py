"""Erasing datasets from the catalog for good (``datensorgfalt forget``, DSGVO Art. 17).

``erase`` deletes every row that belongs to the datasets (columns, findings, links, rights,
results); ``compact`` then makes SQLite rewrite its file (``VACUUM``) and empty its
write-ahead log, so deleted pages with old values do not linger in ``catalog.sqlite``.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, or_, text
from sqlalchemy.orm import Session

from datensorgfalt.catalog.models import Column, Dataset, Finding, Link, Result, Rights
from datensorgfalt.catalog.store import Catalog


def erase(session: Session, ids: Collection[str], result_keys: Collection[str] = ()) -> dict:
    """Delete the datasets ``ids`` and all rows about them; returns rows deleted per table.
    ``result_keys`` also removes results stored under those keys (a PoC's id)."""
    ids = list(ids)
    statements = {
        "results": delete(Result).where(or_(Result.dataset_id.in_(ids), Result.key.in_(ids),
                                            Result.key.in_(list(result_keys)))),
        "findings": delete(Finding).where(Finding.dataset_id.in_(ids)),
        "links": delete(Link).where(or_(Link.source_id.in_(ids), Link.target_id.in_(ids))),
        "rights": delete(Rights).where(Rights.dataset_id.in_(ids)),
        "columns": delete(Column).where(Column.dataset_id.in_(ids)),
        "datasets": delete(Dataset).where(Dataset.id.in_(ids)),
    }
    return {table: session.execute(statement).rowcount or 0
            for table, statement in statements.items()}


def compact(catalog: Catalog) -> None:
    """Rewrite the store so that deleted rows leave no trace in its files."""
    engine = catalog.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            connection.execute(text("VACUUM"))
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        elif engine.dialect.name == "postgresql":
            for table in ("results", "findings", "links", "rights", "columns", "datasets"):
                connection.execute(text(f"VACUUM {table}"))
