"""Reading never holds a whole large file: scanning a CSV far larger than the memory the scan
adds proves the streaming (the 2 GB case is in benchmarks/scan.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SMALL, LARGE = 100_000, 400_000
PROBE = """
import json, resource, sys
from pathlib import Path
from datensorgfalt.catalog import Catalog
from datensorgfalt.services.scan.runner import scan
from datensorgfalt.workspace import init_workspace
root = Path(sys.argv[1])
ws = init_workspace(root)
catalog = ws.open_catalog()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = scan(ws, catalog, [str(root / "gross.csv")])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_kb": after - before, "rows": catalog.datasets()[0].row_count,
                  "ok": report.ok}))
"""


def _big_csv(path: Path, rows: int) -> int:
    with open(path, "w", encoding="cp1252", newline="") as handle:
        handle.write("Zeitstempel;Vibration_mm_s;Temperatur_C;Strom_A;Bemerkung\n")
        for index in range(rows):
            handle.write(f"{index % 28 + 1:02d}.01.2025 {index % 24:02d}:00;{index % 97},5;"
                         f"{20 + index % 13},25;{index % 7},1;Prüfung läuft normal {index}\n")
    return path.stat().st_size


def _probe(folder: Path, rows: int) -> tuple[int, int]:
    folder.mkdir()
    size = _big_csv(folder / "gross.csv", rows)
    result = subprocess.run([sys.executable, "-c", PROBE, str(folder)], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["ok"] and probe["rows"] == rows
    return size, probe["grew_kb"] * 1024


@pytest.mark.slow
def test_large_csv_scans_with_flat_memory(tmp_path: Path) -> None:
    small_size, small_growth = _probe(tmp_path / "klein", SMALL)
    large_size, large_growth = _probe(tmp_path / "gross", LARGE)
    assert large_size > 20_000_000
    # four times the file, (nearly) the same memory: reading streams
    assert large_growth - small_growth < 0.1 * (large_size - small_size), \
        (small_size, small_growth, large_size, large_growth)
    assert large_growth < large_size, "the scan must never hold the whole file"
