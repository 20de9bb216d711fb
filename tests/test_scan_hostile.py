"""Hostile files never stop the scan: each gets one finding within seconds, the scan goes on
and the good files beside them are cataloged. The files are made at test time (see
``tests/helpers/hostile.py``); the time limit per file is set low for the test."""

from __future__ import annotations

import json
import mmap
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from datensorgfalt.catalog import Catalog
from datensorgfalt.services.scan import worker as worker_module
from datensorgfalt.services.scan.lock import scan_lock
from datensorgfalt.services.scan.runner import scan
from datensorgfalt.services.scan.worker import FileWorker, Limits
from datensorgfalt.sources.base import ReadError
from datensorgfalt.sources.locations import file_location
from datensorgfalt.workspace import Workspace, init_workspace
from tests.helpers import hostile

LIMIT_SECONDS = 5


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Workspace,
                                                                                  Catalog]]:
    monkeypatch.setenv("DATENSORGFALT_FILE_SECONDS", str(LIMIT_SECONDS))
    created = init_workspace(tmp_path)
    catalog = created.open_catalog()
    yield created, catalog
    catalog.close()


def _findings(catalog: Catalog) -> dict[str, set[str]]:
    return {d.location.rsplit("/", 1)[-1].split("#")[0]: {f.code for f in d.findings}
            for d in catalog.datasets()}


def test_hostile_corpus_gives_one_finding_each_and_the_scan_goes_on(workspace) -> None:
    ws, catalog = workspace
    share = ws.root / "share"
    files = hostile.build(share)
    started = time.monotonic()
    report = scan(ws, catalog, [share], follow_links=True)  # null.csv leads to /dev/zero
    elapsed = time.monotonic() - started
    failures = {f["location"].rsplit("/", 1)[-1]: f for f in report.failures}
    tables = {d.location.rsplit("/", 1)[-1].split("#")[0]: d for d in catalog.datasets()
              if d.kind == "table"}
    for name, builder in files.items():
        expected = hostile.EXPECTED.get(builder, "read-or-stopped")
        if expected is None:
            assert name in tables and name not in failures, (name, failures.get(name))
        elif expected == "read-or-stopped":
            assert name in tables or failures[name]["code"] in (
                "file-too-slow", "line-too-long"), failures.get(name)
        else:
            assert failures[name]["code"] == expected, (name, failures.get(name))
            assert "Traceback" not in failures[name]["message"]
            assert len(failures[name]["message"].split(". ")) <= 3  # a sentence or two
    found = _findings(catalog)
    for builder, code in hostile.READ_WITH.items():
        name = next(n for n, b in files.items() if b is builder)
        assert code in found[name], (name, found[name])
    assert tables["gut.csv"].row_count == hostile.GOOD_ROWS
    assert tables["gut.xlsx"].row_count == hostile.GOOD_ROWS
    assert tables["streuzelle.xlsx"].row_count == 50  # read by its used range
    slow = sum(1 for f in failures.values() if f["code"] == "file-too-slow")
    assert elapsed < 30 + slow * LIMIT_SECONDS * 1.5, elapsed


def test_time_limit_stops_one_file_and_the_next_is_read(workspace, monkeypatch) -> None:
    """The reader of one file never returns (it sleeps, in the worker process): the worker is
    killed after the limit, the file gets the finding, the next file is read by a new one."""
    ws, catalog = workspace
    if not FileWorker().isolated:
        pytest.skip("reads run in-process where there is no fork")
    share = ws.root / "share"
    share.mkdir()
    hung = share / "a_haengt.csv"
    hung.write_text("a;b\n1;2\n", "utf-8")
    good = hostile.good_csv(share)
    real = worker_module.TASKS["tables"]

    def never_ends(path: Path):
        if path.name == hung.name:
            time.sleep(3600)
        return real(path)

    monkeypatch.setitem(worker_module.TASKS, "tables", never_ends)  # inherited by the fork
    started = time.monotonic()
    report = scan(ws, catalog, [share])
    assert time.monotonic() - started < LIMIT_SECONDS * 4
    assert [f["code"] for f in report.failures] == ["file-too-slow"]
    assert "zu langsam" in report.failures[0]["message"]
    dataset = next(d for d in catalog.datasets() if d.title == good.name)
    assert dataset.row_count == hostile.GOOD_ROWS
    started = time.monotonic()
    again = scan(ws, catalog, [share])  # same file, same limits: not waited for again
    assert time.monotonic() - started < LIMIT_SECONDS
    assert [f["code"] for f in again.failures] == ["file-too-slow"] and again.exit_code == 1
    monkeypatch.setenv("DATENSORGFALT_FILE_SECONDS", str(LIMIT_SECONDS + 1))
    started = time.monotonic()
    more_time = scan(ws, catalog, [share])  # a higher limit: tried again
    assert time.monotonic() - started > LIMIT_SECONDS
    assert [f["code"] for f in more_time.failures] == ["file-too-slow"]


MEMORY_CHECK = """
import json, sys
from pathlib import Path
from datensorgfalt.services.scan.worker import FileWorker, Limits
from datensorgfalt.sources.base import ReadError
with FileWorker(Limits(seconds=60, memory_mb=200)) as worker:
    try:
        worker.call("tables", Path(sys.argv[1]))
        key = None
    except ReadError as exc:
        key = exc.key
    [(table, profile)] = worker.call("tables", Path(sys.argv[2]))
print(json.dumps({"key": key, "rows": profile.row_count, "first": table.header[0]}))
"""


def test_memory_limit_is_a_finding_and_the_worker_comes_back(tmp_path: Path) -> None:
    """Run as a scan runs, in a fresh process: the limit is counted on top of the address
    space the worker inherits, and a long test process may have reserved (not used) plenty,
    depending on which tests ran before."""
    if not FileWorker().isolated:
        pytest.skip("reads run in-process where there is no fork")
    big = tmp_path / "gross.json"
    big.write_text(json.dumps([{"a": i, "b": "x" * 20} for i in range(1_000_000)]), "utf-8")
    good = hostile.good_csv(tmp_path)
    done = subprocess.run([sys.executable, "-c", MEMORY_CHECK, str(big), str(good)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["key"] in ("scan.limit.file_too_big", "scan.limit.reader_crashed")
    assert found["rows"] == hostile.GOOD_ROWS and found["first"] == "Kundennr"


def test_memory_limit_counts_what_a_read_uses_inside_space_reserved_before(tmp_path,
                                                                           monkeypatch) -> None:
    """Allocators reserve address space early and fill it later. A read that fills 1 GB the
    scan had reserved (not used) before its worker started adds no address space, so the
    address-space limit cannot see it; the scan's watch on resident memory stops it."""
    if not FileWorker().isolated:
        pytest.skip("reads run in-process where there is no fork")
    reserved = mmap.mmap(-1, 2**30, flags=mmap.MAP_PRIVATE)

    def fill_reserved(_path: Path) -> str:
        for offset in range(0, len(reserved), mmap.PAGESIZE):
            reserved[offset] = 1
        time.sleep(10)  # a read goes on after it has grown
        return "gelesen"

    monkeypatch.setitem(worker_module.TASKS, "fill_reserved", fill_reserved)
    good = hostile.good_csv(tmp_path)
    try:
        with FileWorker(Limits(seconds=60, memory_mb=200)) as worker:
            with pytest.raises(ReadError) as caught:
                worker.call("fill_reserved", good)
            [(table, profile)] = worker.call("tables", good)
    finally:
        reserved.close()
    assert caught.value.key == "scan.limit.file_too_big"
    assert profile.row_count == hostile.GOOD_ROWS and table.header[0] == "Kundennr"


def test_links_out_of_the_folder_are_followed_only_when_asked(workspace, tmp_path) -> None:
    ws, catalog = workspace
    outside = tmp_path / "anderswo"
    outside.mkdir()
    hostile.good_csv(outside)
    share = ws.root / "share"
    share.mkdir()
    (share / "verweis").symlink_to(outside)
    report = scan(ws, catalog, [share])
    assert report.notes and report.notes[0]["code"] == "link-not-followed"
    assert "--follow-links" in report.notes[0]["message"]
    assert not [d for d in catalog.datasets() if d.kind == "table"]
    again = scan(ws, catalog, [share], follow_links=True)
    assert again.new == 1 and not again.notes


def _unlistable_folder(share: Path) -> Path:
    """A folder the scan cannot list, also as root: its path is longer than PATH_MAX."""
    fd = os.open(share, os.O_RDONLY)
    path = share
    try:
        for _ in range(20):
            name = "o" * 250
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
            path = path / name
    finally:
        os.close(fd)
    return path


def test_unreadable_folder_is_reported_and_keeps_its_entries(workspace) -> None:
    ws, catalog = workspace
    share = ws.root / "share"
    share.mkdir()
    hostile.good_csv(share)
    deep = _unlistable_folder(share)
    report = scan(ws, catalog, [share])
    codes = [f["code"] for f in report.failures]
    assert "folder-unreadable" in codes, report.failures
    assert report.new == 1
    assert any(f["location"].startswith(file_location(share)) for f in report.failures)
    assert len(str(deep)) > 4096


def test_unreadable_folder_by_rights(workspace) -> None:
    ws, catalog = workspace
    share = ws.root / "share"
    locked = share / "gesperrt"
    locked.mkdir(parents=True)
    hostile.good_csv(locked)
    first = scan(ws, catalog, [share])
    assert first.new == 1
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop root from reading")
        report = scan(ws, catalog, [share])
    finally:
        locked.chmod(0o755)
    assert [f["code"] for f in report.failures] == ["folder-unreadable"]
    assert report.deleted == 0  # what was cataloged below it is not called deleted


def test_second_scan_of_a_workspace_says_another_runs(tmp_path: Path) -> None:
    created = init_workspace(tmp_path)
    share = tmp_path / "share"
    share.mkdir()
    hostile.good_csv(share)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with scan_lock(created.folder):  # a scan of this workspace is running
        result = subprocess.run([sys.executable, "-m", "datensorgfalt", "scan", str(share)],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120,
                                env=env)
    assert result.returncode == 1
    assert "anderer Suchlauf läuft gerade" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr and "IntegrityError" not in result.stderr
    catalog = created.open_catalog()
    try:
        assert scan(created, catalog, [share]).new == 1  # the lock went with its scan
    finally:
        catalog.close()
