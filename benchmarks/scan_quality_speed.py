"""What a user waits for on one large CSV: ``init`` + ``scan`` + ``quality`` against DuckDB
``SUMMARIZE`` of the same file, in the same run.

Generates a realistic German export (1M rows x 12 columns, about 85 MB: ``;`` as delimiter,
decimal commas, dates as dd.mm.yyyy, customer and article names, ids, postal codes with leading
zeros, some empty cells and quoted fields), then times, each command in its own process:

- ``datensorgfalt init``, ``datensorgfalt scan FILE``, ``datensorgfalt quality`` on a fresh
  workspace with default settings (the CLI end to end, as a user runs it);
- DuckDB ``SUMMARIZE SELECT * FROM read_csv(FILE)`` (the reference).

Prints seconds, the ratio (target <= 3x, goal 2x) and the peak RSS of every command.

    .venv/bin/python benchmarks/scan_quality_speed.py [--rows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

import datensorgfalt

#: the code measured: the package this script imports (a relative PYTHONPATH such as ``src``
#: would point nowhere in the workspace folder the commands run in)
CODE = str(Path(datensorgfalt.__file__).resolve().parents[1])

GENERATE = r"""
COPY (
SELECT
  100000 + i AS "Belegnr",
  strftime(DATE '2021-01-01' + CAST(hash(i) % 1400 AS INTEGER), '%d.%m.%Y') AS "Belegdatum",
  'K' || lpad(CAST(hash(i * 3) % 40000 AS VARCHAR), 6, '0') AS "Kundennr",
  ['Müller GmbH', 'Schäfer & Söhne KG', 'Weiß Stahlbau', 'Öztürk OHG', 'Groß; Klein GmbH',
   'Bäckerei Krause', 'Autohaus Nord', 'Praxis Dr. Lehmann']
     [1 + CAST(hash(i * 5) % 8 AS INTEGER)] || ' ' || CAST(hash(i * 7) % 500 AS VARCHAR)
     AS "Kunde",
  lpad(CAST(1000 + hash(i * 11) % 98000 AS VARCHAR), 5, '0') AS "PLZ",
  ['Dortmund', 'Essen', 'Köln', 'Düsseldorf', 'Münster', 'Bochum', 'Hagen', 'Siegen',
   'Leipzig', 'Dresden'][1 + CAST(hash(i * 13) % 10 AS INTEGER)] AS "Ort",
  ['Flansch DN50', 'Schraube M8x40', 'Blech 2,5 mm', 'Welle Ø 30', 'Lager 6204-2RS',
   'Dichtung "Viton"', 'Rohr 3/4 Zoll', 'Mutter M8']
     [1 + CAST(hash(i * 17) % 8 AS INTEGER)] AS "Artikel",
  CAST(1 + hash(i * 19) % 250 AS INTEGER) AS "Menge",
  replace(printf('%.2f', (hash(i * 23) % 100000) / 100.0), '.', ',') AS "Einzelpreis",
  replace(printf('%.2f', (hash(i * 29) % 5000000) / 100.0), '.', ',') AS "Nettobetrag",
  CASE WHEN i % 23 = 0 THEN NULL ELSE
    strftime(DATE '2021-01-05' + CAST(hash(i) % 1400 AS INTEGER), '%d.%m.%Y') END
     AS "Lieferdatum",
  CASE WHEN i % 7 = 0 THEN 'Lieferung ' || CAST(hash(i * 31) % 900 AS VARCHAR) || ' teilweise'
       WHEN i % 11 = 0 THEN 'Rückfrage bei Kunde'
       ELSE NULL END AS "Bemerkung"
FROM range({rows}) t(i)
) TO '{path}' (HEADER, DELIMITER ';', QUOTE '"', NULLSTR '')
"""

MEASURE = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "peak_kb": usage.ru_maxrss,
                  "cpu": usage.ru_utime + usage.ru_stime, "rc": done.returncode,
                  "err": done.stderr[-2000:]}))
"""

SUMMARIZE = r"""
import sys, duckdb
con = duckdb.connect()
con.execute("SET memory_limit='768MB'")
rows = con.execute("SUMMARIZE SELECT * FROM read_csv(?)", [sys.argv[1]]).fetchall()
print(len(rows))
"""


def generate(path: Path, rows: int) -> int:
    con = duckdb.connect()
    con.execute(GENERATE.format(rows=rows, path=str(path).replace("'", "''")))
    con.close()
    return path.stat().st_size


def measured(command: list[str], cwd: Path) -> dict:
    """Run ``command`` in a fresh process under a small watcher process, so the peak RSS is
    that command's alone (RUSAGE_CHILDREN of the watcher has only this one child)."""
    env = dict(os.environ, COLUMNS="120",
               PYTHONPATH=os.pathsep.join(filter(None, [CODE, os.environ.get("PYTHONPATH")])))
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                            text=True, check=True, cwd=cwd, env=env)
    figures = json.loads(result.stdout)
    if figures["rc"] not in (0, 1):
        raise SystemExit(f"{' '.join(command)} scheiterte:\n{figures['err']}")
    return figures


def tool(*args: str) -> list[str]:
    return [sys.executable, "-m", "datensorgfalt", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="keep the generated file and workspace here")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="ds-bench-sq-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        data = work / "daten"
        data.mkdir(exist_ok=True)
        csv = data / "belege.csv"
        if not csv.exists():
            generate(csv, options.rows)
        size = csv.stat().st_size
        print(f"Datei: {options.rows:,} Zeilen x 12 Spalten, {size / 1024**2:.1f} MB; "
              f"Code: {CODE}; Last: {os.getloadavg()[0]:.1f}")
        workspace = work / "arbeitsbereich"
        shutil.rmtree(workspace, ignore_errors=True)
        workspace.mkdir()
        steps = {
            "init": measured(tool("init", "."), workspace),
            "scan": measured(tool("scan", str(csv)), workspace),
            "quality": measured(tool("quality", "--json"), workspace),
        }
        reference = measured([sys.executable, "-c", SUMMARIZE, str(csv)], workspace)
        ours = sum(s["seconds"] for s in steps.values())
        ours_cpu = sum(s["cpu"] for s in steps.values())
        for name, figures in steps.items():
            print(f"  {name:<8} {figures['seconds']:7.2f} s  (CPU {figures['cpu']:6.2f} s)  "
                  f"Spitzen-RSS {figures['peak_kb'] / 1024:6.0f} MB")
        print(f"Datensorgfalt init+scan+quality: {ours:7.2f} s  (CPU {ours_cpu:6.2f} s)")
        print(f"DuckDB SUMMARIZE (read_csv):     {reference['seconds']:7.2f} s  "
              f"(CPU {reference['cpu']:6.2f} s)  Spitzen-RSS {reference['peak_kb'] / 1024:6.0f} MB")
        print(f"Verhältnis: {ours / reference['seconds']:.2f}x  (Ziel <= 3x, besser 2x); "
              f"CPU-Zeit {ours_cpu / reference['cpu']:.2f}x (unabhängig von anderer Last)")
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
