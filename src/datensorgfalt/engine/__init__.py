"""The engine: the one way in to a dataset's rows.

DuckDB is the embedded analytical engine; profiling is SQL over a staged Parquet copy, never a
pandas copy of a whole table. Everything above the engine asks it for a dataset's path
(``local_path``), whether the file is still there or changed (``check_present``,
``changed_since_scan``), a FROM-clause (``table_sql``), a typed frame (``typed_frame``), or
cells as text (``text_columns``, for the personal-data detectors) and a typed frame of a file
outside the catalog (``typed_file_frame``, for ``predict``).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: where each name lives: a module is imported when one of its names is first used, so a
#: command that only stages files (``scan``) does not pay for DuckDB's import
_HOMES = {
    "connect": "duck", "insert_texts": "duck", "quote": "duck", "sql_string": "duck",
    "typed_frame": "frames", "text_columns": "rows", "typed_file_frame": "rows",
    **dict.fromkeys(("SourceUnreadable", "SourceVanished", "changed_since_scan",
                     "check_present", "local_path", "staged_parquet", "table_sql",
                     "write_parquet"), "staging"),
}

if TYPE_CHECKING:
    from datensorgfalt.engine.duck import connect, insert_texts, quote, sql_string
    from datensorgfalt.engine.frames import typed_frame
    from datensorgfalt.engine.rows import text_columns, typed_file_frame
    from datensorgfalt.engine.staging import (
        SourceUnreadable,
        SourceVanished,
        changed_since_scan,
        check_present,
        local_path,
        staged_parquet,
        table_sql,
        write_parquet,
    )


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "SourceUnreadable",
    "SourceVanished",
    "changed_since_scan",
    "check_present",
    "connect",
    "insert_texts",
    "local_path",
    "quote",
    "sql_string",
    "staged_parquet",
    "table_sql",
    "text_columns",
    "typed_file_frame",
    "typed_frame",
    "write_parquet",
]
