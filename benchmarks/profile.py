"""Speed and memory of the quality profile against DuckDB SUMMARIZE and ydata-profiling.

Generates a 1M-row and a 10M-row table (12 mixed columns with nulls, dates, strings; CSV and
Parquet) in a temp dir and measures, in the same run and each in its own process:
- Datensorgfalt's full quality profile (``profile_file``),
- DuckDB ``SUMMARIZE`` on the same file,
- ydata-profiling ``minimal=True`` (1M rows only; needs the ``bench`` extra).
Prints times, ratios and peak memory (resident set size of the measuring process).

    python benchmarks/profile.py            # 1M and 10M rows
    python benchmarks/profile.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

GENERATE = """
SELECT
  i AS id,
  'Kunde ' || (hash(i) % 50000) AS kunde,
  ['Dortmund','Essen','Köln','Düsseldorf','Münster','Bochum','Hagen','Siegen'][1 + (i % 8)]
      AS ort,
  lpad(CAST(10000 + hash(i * 7) % 89999 AS VARCHAR), 5, '0') AS plz,
  CASE WHEN i % 20 = 0 THEN NULL ELSE DATE '2020-01-01' + CAST(i % 2000 AS INTEGER) END
      AS datum,
  TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i * 37) AS zeitpunkt,
  CASE WHEN i % 17 = 0 THEN NULL ELSE round((hash(i * 3) % 100000) / 100.0, 2) END AS netto,
  CAST(1 + hash(i * 5) % 50 AS INTEGER) AS menge,
  ['A','B','C','D'][1 + (hash(i * 11) % 4)::INTEGER] AS gruppe,
  CASE WHEN i % 9 = 0 THEN NULL ELSE 'Bemerkung Nummer ' || (hash(i * 13) % 1000) END
      AS bemerkung,
  'person' || (hash(i * 17) % 100000) || '@example.de' AS email,
  (i % 3 = 0) AS aktiv
FROM range({rows}) t(i)
"""


YDATA_HINT = "make bench (installs ydata-profiling into .venv-bench)"


def generate(folder: Path, rows: int) -> dict[str, Path]:
    con = duckdb.connect()
    con.execute("SET memory_limit='1GB'")
    con.execute(f"CREATE TABLE t AS {GENERATE.format(rows=rows)}")
    paths = {"csv": folder / f"t{rows}.csv", "parquet": folder / f"t{rows}.parquet"}
    con.execute(f"COPY t TO '{paths['csv']}' (HEADER, DELIMITER ',')")
    con.execute(f"COPY t TO '{paths['parquet']}' (FORMAT parquet)")
    con.close()
    return paths


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss would include the parent's
    peak, which Linux carries across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, path: str, workdir: str) -> dict:
    """Runs inside a fresh process: one measurement, time and peak memory. Libraries are
    imported before the clock starts, for every contender alike."""
    file = Path(path)
    if kind == "datensorgfalt":
        from datensorgfalt.services.quality.profile import profile_file

        start = time.perf_counter()
        profile = profile_file(file, Path(workdir))
        extra = {"findings": len(profile.findings), "score": profile.payload["score"]}
    elif kind == "summarize":
        from datensorgfalt.engine import connect

        start = time.perf_counter()
        con = connect()
        reader = "read_parquet" if file.suffix == ".parquet" else "read_csv"
        rows = con.execute(f"SUMMARIZE SELECT * FROM {reader}('{file}')").fetchall()
        extra = {"columns": len(rows)}
    else:
        import pandas as pd
        from ydata_profiling import ProfileReport

        start = time.perf_counter()
        frame = pd.read_parquet(file) if file.suffix == ".parquet" else pd.read_csv(file)
        loaded = time.perf_counter() - start
        ProfileReport(frame, minimal=True, progress_bar=False).to_json()
        extra = {"load_s": round(loaded, 2)}
    return {"kind": kind, "seconds": time.perf_counter() - start, "peak_mb": _peak_mb(), **extra}


def run(kind: str, path: Path, workdir: Path, python: str) -> dict:
    out = subprocess.run([python, __file__, "--measure", kind, str(path), str(workdir)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"kind": kind, "error": (out.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def ydata_python() -> str | None:
    """The Python that has ydata-profiling: this one, or the ``.venv-bench`` beside it."""
    for python in (sys.executable, str(Path(__file__).parents[1] / ".venv-bench/bin/python")):
        if Path(python).exists() and subprocess.run(
                [python, "-c", "import ydata_profiling, datensorgfalt"],
                capture_output=True, check=False).returncode == 0:
            return python
    return None


def report(rows: int, fmt: str, results: dict[str, dict]) -> None:
    ours = results["datensorgfalt"]
    print(f"\n{rows:,} rows x 12 columns, {fmt}")
    for name, r in results.items():
        if "error" in r:
            print(f"  {name:14s} failed: {r['error']}")
            continue
        ratio = r["seconds"] / ours["seconds"] if "seconds" in ours else float("nan")
        print(f"  {name:14s} {r['seconds']:7.2f} s   peak {r['peak_mb']:7.0f} MB   "
              f"({ratio:4.2f}x our time)")
    if "seconds" in ours and "seconds" in results["summarize"]:
        print(f"  -> ours / SUMMARIZE = {ours['seconds'] / results['summarize']['seconds']:.2f}"
              " (target <= 2.0)")
    if "ydata" in results and "seconds" in results["ydata"] and "seconds" in ours:
        print(f"  -> ydata / ours = {results['ydata']['seconds'] / ours['seconds']:.2f}"
              " (target >= 3.0)")
    if rows >= 10_000_000 and "peak_mb" in ours:
        print(f"  -> peak memory {ours['peak_mb']:.0f} MB (target < 1024 MB)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--measure", nargs=3)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    sys.stdout.reconfigure(line_buffering=True)
    ydata = ydata_python()
    with tempfile.TemporaryDirectory(prefix="ds-bench-") as tmp:
        folder = Path(tmp)
        for rows in args.rows:
            paths = generate(folder, rows)
            for fmt, path in paths.items():
                results = {"datensorgfalt": run("datensorgfalt", path, folder, sys.executable),
                           "summarize": run("summarize", path, folder, sys.executable)}
                if rows <= 1_000_000:
                    results["ydata"] = (run("ydata", path, folder, ydata) if ydata else
                                        {"kind": "ydata", "error": YDATA_HINT})
                report(rows, fmt, results)
            for path in paths.values():
                path.unlink()


if __name__ == "__main__":
    main()
