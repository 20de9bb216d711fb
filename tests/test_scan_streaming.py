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

def peak_kb():
    # VmHWM: this process's own peak. ru_maxrss would start at the parent's peak (Linux keeps
    # it across fork and exec), so after a memory-hungry test the growth would read 0
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

root = Path(sys.argv[1])
warm = init_workspace(root / "warm")  # a small scan first: imports and word lists load once
warm_catalog = warm.open_catalog()
scan(warm, warm_catalog, [str(root / "warm" / "klein.csv")])
warm_catalog.close()
ws = init_workspace(root)
catalog = ws.open_catalog()
before = peak_kb()
report = scan(ws, catalog, [str(root / "gross.csv")])
after = peak_kb()
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
    (folder / "warm").mkdir(parents=True)
    _big_csv(folder / "warm" / "klein.csv", 20_000)
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
