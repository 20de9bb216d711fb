"""The ``scan`` command starts its file worker before it loads the catalog, and the worker
reads the first large file named meanwhile (``read_ahead``): the scan gets the same reply and
the same staged copy as from a read it asked for, a request for anything else is answered
afresh, and nothing read ahead stays behind."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from datensorgfalt.catalog.fresh import knows_file
from datensorgfalt.services.scan import worker as worker_module
from datensorgfalt.services.scan.worker import (
    STAGE_WHILE_SCANNING_BYTES,
    FileWorker,
    read_ahead,
)
from datensorgfalt.sources.locations import file_location
from datensorgfalt.workspace import init_workspace

pytestmark = pytest.mark.skipif(not FileWorker().isolated, reason="no fork: nothing read ahead")


def export(path: Path, rows: int, start: int = 0) -> Path:
    lines = ["Belegnr;Datum;Kunde;Betrag",
             *(f'{i};{i % 28 + 1:02d}.03.2025;"Müller; Söhne {i % 40}";{i},50'
               for i in range(start, start + rows))]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def plain(reply: tuple) -> tuple:
    """A reply without the names of the staged copies (each read has its own)."""
    sha, tables = reply
    return sha, [({**vars(table), "staged": table.staged is not None}, profile)
                 for table, profile in tables]


def ahead_and_fresh(tmp_path: Path, ahead: Path, asked: Path) -> tuple[tuple, tuple]:
    """The reply to a request for ``asked`` from a worker that read ``ahead`` first, and
    from a fresh worker."""
    with FileWorker() as fresh:
        expected = fresh.call("sha256_and_tables", asked, tmp_path / "fresh.parquet")
    with FileWorker() as worker:
        assert worker.read_ahead(ahead, tmp_path / "ahead.parquet")
        reply = worker.call("sha256_and_tables", asked, tmp_path / "asked.parquet")
        assert worker.call("sha256", asked) == expected[0]  # it goes on serving as before
    assert not (tmp_path / "ahead.parquet").exists()
    return reply, expected


def test_the_reply_read_ahead_is_the_reply_asked_for(tmp_path: Path) -> None:
    data = export(tmp_path / "belege.csv", 3000)
    reply, expected = ahead_and_fresh(tmp_path, data, data)
    assert plain(reply) == plain(expected)
    assert reply[1][0][0].staged == "asked.parquet"
    assert pq.read_table(tmp_path / "asked.parquet").equals(
        pq.read_table(tmp_path / "fresh.parquet"))


def test_another_request_is_answered_afresh(tmp_path: Path) -> None:
    data = export(tmp_path / "belege.csv", 3000)
    other = export(tmp_path / "andere.csv", 10)
    reply, expected = ahead_and_fresh(tmp_path, data, other)
    assert plain(reply) == plain(expected)


def test_a_file_changed_since_is_read_again(tmp_path: Path) -> None:
    data = export(tmp_path / "belege.csv", 3000)
    with FileWorker() as worker:
        assert worker.read_ahead(data, tmp_path / "ahead.parquet")
        export(data, 2000, start=50)
        os.utime(data, ns=(data.stat().st_mtime_ns + 10**9,) * 2)
        _sha, [(_table, profile)] = worker.call("sha256_and_tables", data,
                                                tmp_path / "asked.parquet")
        assert profile.row_count == 2000
        assert pq.read_table(tmp_path / "asked.parquet").num_rows == 2000
        assert not (tmp_path / "ahead.parquet").exists()


def test_a_read_ahead_never_asked_for_leaves_nothing(tmp_path: Path) -> None:
    data = export(tmp_path / "belege.csv", 3000)
    with FileWorker() as worker:
        assert worker.read_ahead(data, tmp_path / "ahead.parquet")
    assert not (tmp_path / "ahead.parquet").exists()


def test_the_scan_command_uses_what_was_read_ahead(cli, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = export(tmp_path / "belege.csv", 1)
    rows = STAGE_WHILE_SCANNING_BYTES // 40 + 1000
    data = export(data, rows)
    assert data.stat().st_size >= STAGE_WHILE_SCANNING_BYTES
    workspace = init_workspace(tmp_path / "ws")
    with read_ahead(workspace, [str(data), "nothing-here.csv"]) as worker:
        assert worker._ahead is not None and worker._ahead.path == data  # noqa: SLF001
    with read_ahead(workspace, ["nothing-here.csv", str(data)]) as worker:
        assert worker._ahead is None  # noqa: SLF001 - the scan asks for another file first
    served = []
    serves = worker_module._Ahead.serves  # noqa: SLF001
    monkeypatch.setattr(worker_module._Ahead, "serves",  # noqa: SLF001
                        lambda *args: served.append(serves(*args)) or served[-1])
    monkeypatch.chdir(workspace.root)
    result = cli("scan", str(data), "--json")
    assert result.exit_code == 0, result.output
    assert served == [True]
    [copy] = sorted(workspace.path("staged").glob("*.parquet"))
    assert pq.read_table(copy).num_rows == rows
    assert not list(workspace.path("tmp").glob("scan-*"))
    with read_ahead(workspace, [str(data)]) as again:  # known now: mostly unchanged
        assert again._ahead is None  # noqa: SLF001
    assert knows_file(workspace.db_url, file_location(data)) is True
    assert knows_file(workspace.db_url, file_location(data.with_name("b.csv"))) is False
    assert knows_file("postgresql://host/db", file_location(data)) is None
