"""Staging: the one way from a catalog location to a table DuckDB can read.

``staged_parquet`` keeps a Parquet copy of any readable table (CSV, sheet, database table) in
``.datensorgfalt/staged/`` and rebuilds it when the original changed since the scan; Parquet
files are read by DuckDB directly (``table_sql``). ``local_path`` is the one way from a
location to a file path: byte-safe, so a file name that is not valid UTF-8 survives.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from datensorgfalt.engine.contract import StoredDataset, WorkArea
from datensorgfalt.engine.duck import sql_string
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.sources.locations import path_of

if TYPE_CHECKING:  # pyarrow and the readers load only when a table is staged
    import pyarrow as pa


class SourceVanished(DatensorgfaltError):
    """The file behind a dataset is gone since the scan."""


class SourceUnreadable(DatensorgfaltError):
    """The table cannot be read any more (broken, encrypted, refused)."""


def local_path(location: str) -> Path | None:
    """The local path of a ``file://`` location (without ``#sheet=...``), else None."""
    if not location.startswith("file://"):
        return None
    return path_of(location)


def _fingerprint_now(path: Path) -> str:
    return file_state(path.stat())


def check_present(dataset: StoredDataset) -> Path | None:
    """The file behind ``dataset``; raises ``SourceVanished`` when it is gone."""
    path = local_path(dataset.location)
    if path is not None and not path.exists():
        raise SourceVanished("quality.error.vanished", path=str(path))
    return path


def changed_since_scan(dataset: StoredDataset) -> bool:
    """True when size or modification time differ from what the scan recorded."""
    path = local_path(dataset.location)
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


def staged_name(dataset: StoredDataset) -> str:
    path = local_path(dataset.location)
    state = _fingerprint_now(path) if path is not None and path.exists() else ""
    digest = hashlib.sha256(
        f"{dataset.fingerprint or ''}|{state}|{dataset.location}".encode()
    ).hexdigest()[:12]
    return f"{dataset.id}-{digest}.parquet"


def adopt_staged(workspace: WorkArea, dataset: StoredDataset, copy: Path,
                 state: str) -> bool:
    """Keep ``copy``, the table the scan wrote while it read the file, as the dataset's staged
    Parquet, so ``quality`` need not read the file again. ``state`` is the file's size and
    mtime before the scan read it; a file changed since then is staged afresh later."""
    path = local_path(dataset.location)
    try:
        if path is None or not copy.exists() or _fingerprint_now(path) != state:
            return False
        target = workspace.path("staged", staged_name(dataset))
        for stale in target.parent.glob(f"{dataset.id}-*.parquet"):
            stale.unlink(missing_ok=True)
        copy.replace(target)
        return True
    except OSError:
        return False
    finally:
        copy.unlink(missing_ok=True)


def file_state(stat: os.stat_result) -> str:
    """Size and modification time of a file, as the staged copy's name records them."""
    return f"{stat.st_size}-{stat.st_mtime_ns}"


class ParquetSink:
    """Record batches written to a Parquet file as they stream by, in large row groups (a
    Parquet file of many small groups scans slowly). A thread of its own encodes and writes
    them (pyarrow lets go of the GIL), so the reading goes on meanwhile on another core.
    ``close`` finishes the file and raises what writing raised."""

    GROUP_ROWS = 131_072
    WAITING_GROUPS = 2  # row groups at most queued for the writer (bounded memory)

    def __init__(self, target: Path) -> None:
        self.target = target
        self._pending: list[pa.RecordBatch] = []
        self._rows = 0
        self._queue: queue.Queue[pa.Table | None] = queue.Queue(self.WAITING_GROUPS)
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None

    def __call__(self, batch: pa.RecordBatch) -> None:
        self._pending.append(batch)
        self._rows += batch.num_rows
        if self._rows >= self.GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._pending:
            return
        if self._failure is not None:
            raise self._failure
        if self._thread is None:
            self._thread = threading.Thread(target=self._write, daemon=True,
                                            name="parquet-sink")
            self._thread.start()
        self._queue.put(pa.Table.from_batches(self._pending))
        self._pending, self._rows = [], 0

    def _write(self) -> None:
        import pyarrow.parquet as pq

        writer: pq.ParquetWriter | None = None
        try:
            while (table := self._queue.get()) is not None:
                if self._failure is not None:
                    continue  # drain: the reader must never wait on a full queue
                if writer is None:  # no min/max statistics (a fifth of the time; quality reads all)
                    writer = pq.ParquetWriter(self.target, table.schema, compression="lz4",
                                              use_dictionary=_repeating(table),
                                              write_statistics=False)
                writer.write_table(table, row_group_size=max(1, table.num_rows))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader at close
            self._failure = exc
            while self._queue.get() is not None:
                pass
        finally:
            if writer is not None:
                writer.close()

    def close(self, schema: pa.Schema | None = None) -> None:
        self._flush()
        if self._thread is None and schema is not None:  # no rows: an empty table
            import pyarrow.parquet as pq

            pq.ParquetWriter(self.target, schema, compression="lz4").close()
        self._join()
        if self._failure is not None:
            self.target.unlink(missing_ok=True)
            raise self._failure

    def discard(self) -> None:
        self._pending = []
        self._failure = self._failure or RuntimeError("discarded")
        self._join()
        self.target.unlink(missing_ok=True)

    def _join(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None


def _repeating(table: pa.Table) -> list[str]:
    """Columns whose first rows repeat values: only they are worth a dictionary (building one
    for a column of distinct values, and dropping it, costs more than writing the values)."""
    import pyarrow.compute as pc

    rows = max(1, table.num_rows)
    return [name for name in table.column_names
            if pc.count_distinct(table.column(name)).as_py() < rows / 2]


def staged_parquet(workspace: WorkArea, dataset: StoredDataset) -> Path:
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
    write_parquet(dataset.location, target, dataset.row_count)
    return target


def write_parquet(location: str, target: Path, expected_rows: int | None = None) -> None:
    """The table at ``location`` as Parquet. With the row count the scan counted, a clean
    delimited file is copied by pyarrow's CSV reader in one go (``fastcsv``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from datensorgfalt.engine.fastcsv import stage_clean_csv
    from datensorgfalt.sources.registry import open_location

    partial = target.with_suffix(".partial")
    try:
        source = open_location(location)
        if expected_rows is not None and stage_clean_csv(source, partial, expected_rows):
            partial.replace(target)
            return
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
    except BaseException:  # Ctrl-C: no half-written copy of the data stays behind
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)


def table_sql(workspace: WorkArea, dataset: StoredDataset) -> str:
    """A FROM-clause for the dataset: Parquet read directly, anything else staged."""
    path = check_present(dataset)
    if path is not None and dataset.format == "parquet" and "#" not in dataset.location:
        return f"read_parquet('{sql_string(str(path))}')"
    return f"read_parquet('{sql_string(str(staged_parquet(workspace, dataset)))}')"
