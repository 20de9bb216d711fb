"""A scan killed half-way (SIGKILL) leaves a consistent catalog; the next scan continues."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

from datensorgfalt.catalog import Catalog
from tests.helpers.scan import SALES, dataset_count

FILES = 400


def test_sigkill_leaves_consistent_catalog(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    for index in range(FILES):  # different content per file, so no copy links
        buffer = io.BytesIO()
        pq.write_table(SALES.slice(0, index % 6 + 1).append_column(
            "Datei", [[index] * (index % 6 + 1)]), buffer)
        (share / f"tabelle_{index:04d}.parquet").write_bytes(buffer.getvalue())
    db = tmp_path / ".datensorgfalt" / "catalog.sqlite"
    process = subprocess.Popen([sys.executable, "-m", "datensorgfalt", "scan", str(share)],
                               cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while dataset_count(db) < 20 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    catalog = Catalog.open(f"sqlite:///{db}")
    try:
        done = catalog.datasets()
        assert 0 < len(done) < FILES, "the scan must be killed half-way"
        for dataset in done:  # every committed dataset is complete
            index = int(dataset.title.split("_")[1].split(".")[0])
            assert dataset.row_count == index % 6 + 1
            assert dataset.column_count == len(dataset.columns) == 5
        assert catalog.runs("scan")[-1].status == "running"
    finally:
        catalog.close()
    result = subprocess.run([sys.executable, "-m", "datensorgfalt", "scan", str(share),
                             "--json"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["unchanged"] == len(done) and report["new"] == FILES - len(done)
    catalog = Catalog.open(f"sqlite:///{db}")
    try:
        assert len(catalog.datasets()) == FILES
        assert catalog.runs("scan")[0].status == "interrupted"
    finally:
        catalog.close()
