"""A large delimited file is staged for ``quality`` while the scan reads it: the copy is the
reader's table, ``quality`` uses it instead of reading the file again, and a file changed
after the scan is staged afresh."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from datensorgfalt.engine.staging import write_parquet
from datensorgfalt.services.quality import run_quality
from datensorgfalt.services.scan import units
from datensorgfalt.workspace import init_workspace
from tests.helpers.scan import run_scan


def export(path: Path, rows: int) -> Path:
    lines = ["Export vom 01.04.2025", "Belegnr;Datum;Kunde;Betrag",
             *(f'{i};{i % 28 + 1:02d}.03.2025;"Müller; Söhne {i % 40}";{i},50'
               for i in range(rows)), "Summe;;;123.456,00"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


@pytest.fixture
def small_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stage from 1 KB on, so a test file need not be megabytes large."""
    monkeypatch.setattr(units, "STAGE_WHILE_SCANNING_BYTES", 1024)


def staged_files(workspace) -> list[Path]:
    return sorted(workspace.path("staged").glob("*.parquet"))


def test_scan_stages_the_readers_table_and_quality_uses_it(tmp_path, small_stage):
    workspace = init_workspace(tmp_path / "ws")
    data = export(tmp_path / "belege.csv", 5000)
    catalog = workspace.open_catalog()
    try:
        assert run_scan(catalog, workspace.root, data).ok
        [copy] = staged_files(workspace)
        assert not list(workspace.path("tmp").glob("scan-*"))  # nothing left behind
        reader = tmp_path / "reader.parquet"
        write_parquet(data.as_uri(), reader)  # the reader's table, staged the slow way
        assert pq.read_table(copy).equals(pq.read_table(reader))
        assert pq.read_table(copy).num_rows == 5000  # preamble and sum line are no rows
        written = copy.stat().st_mtime_ns
        [outcome] = run_quality(workspace, catalog).outcomes
        assert outcome.error is None and outcome.score is not None
        assert staged_files(workspace) == [copy] and copy.stat().st_mtime_ns == written

        export(data, 4000)  # changed after the scan: quality stages it afresh
        os.utime(data, ns=(written + 10**9, written + 10**9))
        run_quality(workspace, catalog)
        [fresh] = staged_files(workspace)
        assert fresh != copy and pq.read_table(fresh).num_rows == 4000
    finally:
        catalog.close()


def test_a_small_file_is_staged_by_quality_only(tmp_path):
    workspace = init_workspace(tmp_path / "ws")
    data = export(tmp_path / "klein.csv", 50)
    catalog = workspace.open_catalog()
    try:
        assert run_scan(catalog, workspace.root, data).ok
        assert staged_files(workspace) == []
        run_quality(workspace, catalog)
        assert len(staged_files(workspace)) == 1
    finally:
        catalog.close()
