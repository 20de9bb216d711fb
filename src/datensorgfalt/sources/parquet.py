"""Parquet files, streamed row group by row group (pyarrow)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from datensorgfalt.sources.base import BATCH_ROWS, Issue, ReadError
from datensorgfalt.sources.locations import display_name, file_location


class ParquetSource:
    format = "parquet"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = open(path, "rb")  # noqa: SIM115 - a Python handle: any file name works
        try:
            self._file = pq.ParquetFile(self._handle)
        except (pa.ArrowInvalid, OSError) as exc:
            self._handle.close()
            raise ReadError("scan.read.parquet_broken", reason=str(exc)[:200]) from exc
        self.location = file_location(path)
        self.name = display_name(path)
        self.header = list(self._file.schema_arrow.names)
        self.row_count = self._file.metadata.num_rows
        self.dialect = {"row_groups": self._file.num_row_groups,
                        "compression": _compression(self._file)}
        self.issues: list[Issue] = []

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        try:
            yield from self._file.iter_batches(batch_size=rows)
        except (pa.ArrowInvalid, OSError) as exc:
            raise ReadError("scan.read.parquet_broken", reason=str(exc)[:200]) from exc

    def close(self) -> None:
        self._handle.close()

    def __del__(self) -> None:
        self._handle.close()


def _compression(file: pq.ParquetFile) -> str | None:
    if file.num_row_groups and file.metadata.num_columns:
        return file.metadata.row_group(0).column(0).compression
    return None


def open_parquet(path: Path) -> ParquetSource:
    return ParquetSource(path)
