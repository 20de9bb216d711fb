"""Client memory of ``scan`` + ``quality`` on a large PostgreSQL table (profiled in PostgreSQL).

Starts its own throwaway PostgreSQL cluster (``tests/helpers/pg.py``), fills a table of
``--rows`` rows (default 10M: id, amount, quantity, date, customer, city), then runs
``datensorgfalt init``, ``scan URL`` and ``quality`` on a fresh workspace, each in its own
process, and prints seconds and the peak RSS of each command (target: < 300 MB, flat in the
row count), beside the peak RSS of ``datensorgfalt init`` (the program alone) as reference.

    .venv/bin/python benchmarks/pg_profile.py [--rows 10000000] [--without-key]

``--without-key`` leaves the number column out, so no column is a key and the duplicate-row
check (a hash aggregate over every column, in PostgreSQL) runs as well.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers.pg import PostgresCluster  # noqa: E402 - the repository's test helper

FILL = """
CREATE TABLE auftraege AS
SELECT {key}
       CASE WHEN i % 10 = 0 THEN NULL ELSE ((i * 7919) % 100000) / 100.0 END::numeric(10,2)
           AS betrag,
       (1 + i % 50)::int AS menge,
       DATE '2020-01-01' + (i % 1800)::int AS datum,
       CASE WHEN i % 97 = 0 THEN 'n/a' ELSE 'Kunde ' || (i % 40000) END AS kunde,
       (ARRAY['Essen','Dortmund','Köln','Bochum','Hagen','Siegen'])[1 + i % 6] AS ort
FROM generate_series(1::bigint, {rows}) i
"""

MEASURE = r"""
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": time.perf_counter() - started, "peak_kb": usage.ru_maxrss,
                  "rc": done.returncode, "out": done.stdout[-3000:], "err": done.stderr[-2000:]}))
"""


def measured(args: list[str], cwd: Path) -> dict:
    """One command in its own process under a watcher: the peak RSS is that command's alone."""
    command = [sys.executable, "-m", "datensorgfalt", *args]
    result = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                            text=True, check=True, cwd=cwd, env=dict(os.environ,
                                                                     PGUSER="postgres"))
    figures = json.loads(result.stdout)
    if figures["rc"] != 0:
        raise SystemExit(f"{' '.join(args)} scheiterte:\n{figures['err']}{figures['out']}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--without-key", action="store_true",
                        help="no number column: the duplicate-row check runs (worst case)")
    options = parser.parse_args()
    import psycopg

    cluster = PostgresCluster()
    cluster.start()
    try:
        url = cluster.new_database()
        started = time.perf_counter()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(FILL.format(rows=int(options.rows),
                                     key="" if options.without_key else "i AS nr,"))
            conn.execute("ANALYZE auftraege")
        print(f"Tabelle mit {options.rows:,} Zeilen angelegt in "
              f"{time.perf_counter() - started:.0f} s")
        with tempfile.TemporaryDirectory(prefix="ds-bench-pg-") as folder:
            work = Path(folder)
            steps = {"init": measured(["init", "."], work),
                     "scan": measured(["scan", url, "--json"], work),
                     "quality": measured(["quality", "--json"], work)}
            staged = list((work / ".datensorgfalt").rglob("*.parquet"))
            outcome = json.loads(steps["quality"]["out"])["datasets"]
        for name, figures in steps.items():
            print(f"  {name:<8} {figures['seconds']:7.1f} s   Spitzen-RSS "
                  f"{figures['peak_kb'] / 1024:6.0f} MB")
        print(f"Ergebnis: {[(d['title'], d['score'], d['error']) for d in outcome]}")
        print(f"Kopien als Parquet im Arbeitsbereich: {len(staged)} (Ziel 0)")
        peak = max(s["peak_kb"] for s in steps.values()) / 1024
        print(f"Höchster Client-Speicher: {peak:.0f} MB (Ziel < 300 MB); Programm allein "
              f"(init): {steps['init']['peak_kb'] / 1024:.0f} MB")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
