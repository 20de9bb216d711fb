"""Staging a clean delimited file in one go with pyarrow's C++ CSV reader.

The readers walk a delimited file record by record to repair what real exports break (ragged
rows, footers, blank lines, repeated headers, stray quotes). Most files need none of that. Then
the same table comes out of pyarrow's multi-threaded reader, given the dialect, encoding and
layout the readers detected. It is kept only when every row has the table's width and the row
count is exactly the one the scan counted with the walker; otherwise the caller stages through
the reader. Cells stay text as written (empty cells are empty strings), like the reader's.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from datensorgfalt.sources.base import TableSource
from datensorgfalt.sources.delimited import DelimitedSource

BLOCK_BYTES = 16 << 20  # one Parquet row group per block: large groups scan fastest


def usable(source: TableSource) -> bool:
    """Does pyarrow read this dialect by the same rules as the csv module?"""
    if not isinstance(source, DelimitedSource):
        return False
    dialect = source.csv_dialect
    return (source.layout.width > 0 and not dialect.escapechar and not dialect.skipinitialspace
            and len(dialect.delimiter) == 1)


def stage_clean_csv(source: TableSource, target: Path, expected_rows: int) -> bool:
    """Write the table of ``source`` to ``target`` if pyarrow reads it as the walker would
    (same width everywhere, ``expected_rows`` rows); False, and nothing written, otherwise."""
    if not usable(source):
        return False
    assert isinstance(source, DelimitedSource)
    layout, dialect = source.layout, source.csv_dialect
    names = [f"c{i}" for i in range(layout.width)]
    skip = layout.start + len(layout.header_rows) + bool(source.dialect.get("separator_line"))
    if source.encoding.bom and not skip:
        return False  # the reader drops a byte order mark before the first data cell
    read = pacsv.ReadOptions(column_names=names, skip_rows=skip, block_size=BLOCK_BYTES,
                             encoding=source.encoding.name, use_threads=True)
    parse = pacsv.ParseOptions(delimiter=dialect.delimiter,
                               quote_char=dialect.quotechar or False, double_quote=True,
                               escape_char=False, newlines_in_values=True,
                               ignore_empty_lines=False)
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                   null_values=[], strings_can_be_null=False,
                                   quoted_strings_can_be_null=False)
    rows = 0
    try:
        reader = pacsv.open_csv(source.path, read_options=read, parse_options=parse,
                                convert_options=convert)
        schema = pa.schema([(name, pa.string()) for name in source.header])
        with pq.ParquetWriter(target, schema) as writer:
            for batch in reader:
                rows += batch.num_rows
                if rows > expected_rows:
                    break
                writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))
    except (pa.ArrowException, UnicodeError, OSError, ValueError):
        rows = -1
    if rows != expected_rows:
        target.unlink(missing_ok=True)
        return False
    return True
