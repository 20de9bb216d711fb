"""What services computed, saved and read one way: ``kind`` (quality, privacy, readiness,
usecases, poc, protect), an optional ``key`` and ``dataset_id``, a JSON ``payload`` and the run.

Every service writes its results with :func:`save_result` inside its own unit of work (the
findings of the same dataset go into the same transaction) and reads them back with
:func:`latest_result` or :func:`result_history`; nobody writes its own ``Result`` query.
"""

from __future__ import annotations

import math
import os
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from datensorgfalt.catalog.models import Result
from datensorgfalt.sources.locations import safe_text


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON data every catalog database stores: keys and text valid UTF-8
    (file names may hold bytes that are not), NaN and infinity None, dates ISO text, paths text."""
    if isinstance(value, dict):
        return {safe_text(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, int | float | bool):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return safe_text(os.fspath(value))
    return safe_text(str(value))


def save_result(session: Session, kind: str, payload: dict[str, Any], *,
                key: str | None = None, dataset_id: str | None = None,
                run_id: int | None = None, replace: bool = False) -> Result:
    """Add a result in ``session``; ``replace`` drops earlier ones of the same kind, key and
    dataset first (history is kept otherwise)."""
    if replace:
        session.execute(delete(Result).where(*_matching(kind, key, dataset_id)))
    row = Result(kind=kind, key=key, dataset_id=dataset_id, run_id=run_id,
                 payload=json_safe(payload))
    session.add(row)
    return row


def result_history(session: Session, kind: str | None = None, *, key: str | None = None,
                   dataset_id: str | None = None) -> list[Result]:
    """Results of ``kind`` (all kinds when None), oldest first."""
    query = select(Result).where(*_matching(kind, key, dataset_id)).order_by(Result.id)
    return list(session.scalars(query))


def latest_result(session: Session, kind: str, *, key: str | None = None,
                  dataset_id: str | None = None) -> Result | None:
    """The newest result of ``kind`` (for ``key`` and ``dataset_id`` when given)."""
    query = select(Result).where(*_matching(kind, key, dataset_id)).order_by(Result.id.desc())
    return session.scalars(query.limit(1)).first()


def _matching(kind: str | None, key: str | None, dataset_id: str | None) -> list[Any]:
    conditions = []
    if kind is not None:
        conditions.append(Result.kind == kind)
    if key is not None:
        conditions.append(Result.key == key)
    if dataset_id is not None:
        conditions.append(Result.dataset_id == dataset_id)
    return conditions
