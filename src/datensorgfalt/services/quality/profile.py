"""The full quality profile of one table (a Parquet file), as SQL pushed into DuckDB."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from datensorgfalt.engine import connect, sql_string
from datensorgfalt.services.quality import cells, dependencies, duplicates, timeseries
from datensorgfalt.services.quality import column_checks as columns
from datensorgfalt.services.quality import table_checks as tables
from datensorgfalt.services.quality.context import open_context
from datensorgfalt.services.quality.findings import QualityFinding
from datensorgfalt.services.quality.scores import score

SEVERITY_ORDER = {"critical": 0, "error": 1, "warning": 2, "info": 3}


@dataclass
class Profile:
    payload: dict[str, Any]
    findings: list[QualityFinding] = field(default_factory=list)

    @property
    def cells(self) -> list[list[Any]]:
        return self.payload.get("cells", [])


def profile_parquet(path: Path, infos: dict[str, dict[str, Any]] | None = None,
                    semantics: dict[str, str | None] | None = None,
                    con: duckdb.DuckDBPyConnection | None = None,
                    extra: list[QualityFinding] | None = None) -> Profile:
    """Profile the table in ``path``; ``infos`` are the scan's parse infos per column."""
    own = con is None
    con = con or connect()
    try:
        ctx = open_context(con, path, infos, semantics)
        columns.pass_one(ctx)
        columns.pass_two(ctx)
        found = columns.column_findings(ctx)
        keys, key_findings = tables.duplicate_keys(ctx)
        found += tables.duplicate_rows(ctx, keys) + key_findings
        found += duplicates.near_duplicates(ctx, keys) + duplicates.similar_values(ctx)
        deps = dependencies.discover(ctx)
        dep_findings, dep_cells = dependencies.violations(ctx, deps)
        rules, rule_findings, rule_cells = dependencies.order_rules(ctx)
        cell_findings, odd_cells = cells.suspicious_cells(ctx)
        found += dep_findings + rule_findings + cell_findings
        series, series_findings = timeseries.analyse(ctx)
        found += series_findings + list(extra or [])
        payload = {
            "rows": ctx.rows, "column_count": len(ctx.columns),
            "columns": {c.name: columns.column_payload(c, ctx.rows) for c in ctx.columns},
            "keys": keys, "dependencies": [d for d in deps if d["broken"] == 0][:50],
            "rules": rules, "time_series": series,
            "cells": cells.merge_cells(odd_cells, dep_cells, rule_cells),
        }
        return finish(payload, found)
    finally:
        if own:
            con.close()


def finish(payload: dict[str, Any], found: list[QualityFinding]) -> Profile:
    """Findings worst first, and the grade: none for a table that could not be checked
    (``payload["error"]``), so no reader can mistake a failure for a measured table."""
    found = sorted(found, key=lambda f: (SEVERITY_ORDER[f.severity], -f.share))
    payload |= {"score": None, "scores": {}, "studies": {}} if payload.get("error") \
        else score(found)
    payload["findings"] = [f.as_dict() for f in found]
    return Profile(payload, found)


def stage_csv(con: duckdb.DuckDBPyConnection, csv: Path, target: Path,
              delimiter: str | None = None, encoding: str = "utf-8",
              raw: bool = False) -> Path:
    """Copy a CSV DuckDB can read natively into Parquet. Column types come from DuckDB's
    sniffer (a column with odd values stays text and is parsed by the profile); ``raw``
    keeps every value as written."""
    options = ["header=true", f"encoding='{encoding}'"]
    if raw:
        options.append("all_varchar=true")
    if delimiter:
        options.append(f"delim='{sql_string(delimiter)}'")
    con.execute("SET preserve_insertion_order=true")  # row numbers must stay the file's
    try:
        con.execute(f"COPY (SELECT * FROM read_csv('{sql_string(str(csv))}', "
                    f"{', '.join(options)})) TO '{sql_string(str(target))}' "
                    f"(FORMAT parquet, COMPRESSION snappy)")
    finally:
        con.execute("SET preserve_insertion_order=false")
    return target


def profile_file(path: Path, workdir: Path, con: duckdb.DuckDBPyConnection | None = None,
                 delimiter: str | None = None) -> Profile:
    """Profile a CSV or Parquet file directly (benchmarks, ``check`` on plain files)."""
    own = con is None
    con = con or connect(temp_directory=workdir / "duckdb-tmp")
    try:
        if path.suffix.lower() == ".parquet":
            return profile_parquet(path, con=con)
        target = stage_csv(con, path, workdir / (path.stem + ".staged.parquet"), delimiter)
        return profile_parquet(target, con=con)
    finally:
        if own:
            con.close()
