"""DuckDB as the embedded analytical engine.

Profiling is SQL over a file, never a pandas copy of a whole table. ``staged_parquet`` keeps a
Parquet copy of any readable table (CSV, sheet, database table) in ``.datensorgfalt/staged/``
and rebuilds it when the original changed since the scan; Parquet files and plain CSV files
can also be read by DuckDB directly (``table_sql``).
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from datensorgfalt.errors import DatensorgfaltError

MEMORY_LIMIT = os.environ.get("DATENSORGFALT_MEMORY_LIMIT", "768MB")
THREADS = int(os.environ.get("DATENSORGFALT_THREADS", "0")) or (os.cpu_count() or 2)


class SourceVanished(DatensorgfaltError):
    """The file behind a dataset is gone since the scan."""


class SourceUnreadable(DatensorgfaltError):
    """The table cannot be read any more (broken, encrypted, refused)."""


def connect(memory_limit: str = MEMORY_LIMIT, threads: int = THREADS,
            temp_directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a memory cap; larger work spills to ``temp_directory``."""
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit='{memory_limit}'")
    con.execute(f"SET threads={int(threads)}")
    con.execute("SET preserve_insertion_order=false")
    if temp_directory is not None:
        temp_directory.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory='{sql_string(str(temp_directory))}'")
    return con


def sql_string(value: str) -> str:
    return value.replace("'", "''")


def quote(name: str) -> str:
    """A column name as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def file_path(location: str) -> Path | None:
    """The local path of a ``file://`` location (without ``#sheet=...``), else None."""
    if not location.startswith("file://"):
        return None
    parsed = urlparse(location.split("#", 1)[0])
    return Path(unquote(parsed.path))


def _fingerprint_now(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def check_present(dataset: Any) -> Path | None:
    """The file behind ``dataset``; raises ``SourceVanished`` when it is gone."""
    path = file_path(dataset.location)
    if path is not None and not path.exists():
        raise SourceVanished("quality.error.vanished", path=str(path))
    return path


def changed_since_scan(dataset: Any) -> bool:
    """True when size or modification time differ from what the scan recorded."""
    path = file_path(dataset.location)
    if path is None or not path.exists():
        return False
    stat = path.stat()
    if dataset.byte_size is not None and stat.st_size != dataset.byte_size:
        return True
    if dataset.modified_at is not None:
        recorded = dataset.modified_at.timestamp() if isinstance(dataset.modified_at, datetime) \
            else float(dataset.modified_at)
        mtime = datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0).timestamp()
        mtime_utc = datetime.utcfromtimestamp(stat.st_mtime).replace(microsecond=0).timestamp()
        if abs(recorded - mtime) > 1.5 and abs(recorded - mtime_utc) > 1.5:
            return True
    return False


def staged_name(dataset: Any) -> str:
    path = file_path(dataset.location)
    state = _fingerprint_now(path) if path is not None and path.exists() else ""
    digest = hashlib.sha256(
        f"{dataset.fingerprint or ''}|{state}|{dataset.location}".encode()
    ).hexdigest()[:12]
    return f"{dataset.id}-{digest}.parquet"


def staged_parquet(workspace: Any, dataset: Any) -> Path:
    """A Parquet copy of the dataset's table in ``.datensorgfalt/staged/``.

    The name carries a digest of the file's current size and mtime, so a file changed since
    the scan is staged again (and the stale copy removed). A vanished file raises
    ``SourceVanished``; an unreadable one ``SourceUnreadable``.
    """
    check_present(dataset)
    target = workspace.path("staged", staged_name(dataset))
    if target.exists():
        return target
    for stale in target.parent.glob(f"{dataset.id}-*.parquet"):
        stale.unlink(missing_ok=True)
    write_parquet(dataset.location, target)
    return target


def _open_source(location: str) -> Any:
    from datensorgfalt.sources.registry import open_location  # written by helper "scan"

    return open_location(location)


def write_parquet(location: str, target: Path) -> None:
    partial = target.with_suffix(".partial")
    try:
        source = _open_source(location)
        writer = None
        try:
            for batch in source.batches():
                if writer is None:
                    writer = pq.ParquetWriter(partial, batch.schema)
                writer.write_batch(batch)
            if writer is None:
                schema = pa.schema([(name, pa.string()) for name in source.header])
                writer = pq.ParquetWriter(partial, schema)
        finally:
            if writer is not None:
                writer.close()
    except DatensorgfaltError:
        partial.unlink(missing_ok=True)
        raise
    except Exception as exc:  # a reader failing on a broken file must not stop the run
        partial.unlink(missing_ok=True)
        raise SourceUnreadable("quality.error.unreadable", location=location,
                               reason=str(exc)[:200]) from exc
    partial.replace(target)


def table_sql(workspace: Any, dataset: Any) -> str:
    """A FROM-clause for the dataset: Parquet read directly, anything else staged."""
    path = check_present(dataset)
    if path is not None and dataset.format == "parquet" and "#" not in dataset.location:
        return f"read_parquet('{sql_string(str(path))}')"
    return f"read_parquet('{sql_string(str(staged_parquet(workspace, dataset)))}')"


def typed_frame(workspace: Any, dataset: Any, columns: list[str] | None = None) -> Any:
    """The table as a pandas DataFrame with typed columns (for small and medium tables).

    Text columns are parsed with the parse info the scan stored in ``Column.details``
    (German decimal commas, dd.mm.yyyy dates ...); unparseable values become missing.
    """
    from datensorgfalt.services.quality.parsing import typed_select

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
