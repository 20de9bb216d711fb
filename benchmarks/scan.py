"""Scan speed and memory.

1. A generated tree of mixed small files (csv, json, parquet, txt, a few xlsx): files per
   second of the first scan, and the speed-up of an unchanged rescan (target >= 20x). The
   reference measured in the same run is the bare minimum any scan must do: walk the tree and
   read every byte once (sha256).
2. Flat memory: a generated large CSV (``--big-gb``, default 0.25; the issue's case is 2) is
   scanned in a child process; its peak RSS is printed next to the peak RSS of a child that
   only imports the tool (the reference).

    .venv/bin/python benchmarks/scan.py [--files 10000] [--big-gb 0.25] [--skip-big]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from datensorgfalt.services.scan.runner import scan
from datensorgfalt.workspace import init_workspace

PER_FOLDER = 100


def make_tree(root: Path, files: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    kinds = {"csv": 0, "json": 0, "parquet": 0, "txt": 0, "xlsx": 0}
    xlsx_every = max(files // 20, 1)  # a few: 20 workbooks in 10,000 files
    for index in range(files):
        folder = root / f"abteilung_{index // PER_FOLDER:03d}"
        folder.mkdir(exist_ok=True)
        roll = rng.random()
        if index % xlsx_every == 0:
            kind = "xlsx"
        elif roll < 0.6:
            kind = "csv"
        elif roll < 0.8:
            kind = "json"
        elif roll < 0.9:
            kind = "parquet"
        else:
            kind = "txt"
        kinds[kind] += 1
        _write(folder / f"datei_{index:05d}.{kind}", kind, index, rng)
    return kinds


def _rows(index: int, rng: random.Random, n: int) -> list[tuple]:
    return [(f"K{index}-{i}", f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2025",
             round(rng.uniform(1, 5000), 2), rng.randint(1, 50)) for i in range(n)]


def _write(path: Path, kind: str, index: int, rng: random.Random) -> None:
    rows = _rows(index, rng, rng.randint(5, 40))
    if kind == "csv":
        lines = ["Kundennr;Datum;Betrag;Menge"]
        lines += [f"{k};{d};{str(b).replace('.', ',')};{m}" for k, d, b, m in rows]
        path.write_text("\n".join(lines) + "\n", "cp1252")
    elif kind == "json":
        path.write_text(json.dumps([{"kundennr": k, "datum": d, "betrag": b, "menge": m}
                                    for k, d, b, m in rows]), "utf-8")
    elif kind == "parquet":
        columns = list(zip(*rows, strict=True))
        table = pa.table({"kundennr": columns[0], "datum": columns[1], "betrag": columns[2],
                          "menge": columns[3]})
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        path.write_bytes(buffer.getvalue())
    elif kind == "txt":
        path.write_text(f"Sehr geehrte Damen und Herren,\nwir bitten um ein Angebot Nr. {index} "
                        "für die Teile aus der letzten Lieferung. Mit freundlichen Grüßen\n",
                        "utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(["Kundennr", "Datum", "Betrag", "Menge"])
        for row in rows:
            sheet.append(list(row))
        book.save(path)


def reference_read(root: Path) -> float:
    """Walk the tree and hash every byte: what any scan has to do at least."""
    started = time.perf_counter()
    for folder, _, names in os.walk(root):
        for name in names:
            if not folder.endswith(".datensorgfalt"):
                with open(os.path.join(folder, name), "rb") as handle:
                    hashlib.file_digest(handle, "sha256")
    return time.perf_counter() - started


def bench_tree(files: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="ds-bench-scan-"))
    try:
        share = work / "share"
        share.mkdir()
        started = time.perf_counter()
        kinds = make_tree(share, files)
        print(f"Baum erzeugt: {files} Dateien {kinds} in {time.perf_counter() - started:.1f} s")
        workspace = init_workspace(work)
        catalog = workspace.open_catalog()
        started = time.perf_counter()
        first = scan(workspace, catalog, [str(share)])
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = scan(workspace, catalog, [str(share)])
        second_s = time.perf_counter() - started
        catalog.close()
        reference_s = reference_read(share)
        print(f"Erster Scan:      {first_s:8.2f} s  {files / first_s:8.1f} Dateien/s  "
              f"(neu {first.new}, Ordner zusammengefasst, Fehler {first.failed})")
        print(f"Erneuter Scan:    {second_s:8.2f} s  {files / second_s:8.1f} Dateien/s  "
              f"(unverändert {second.unchanged})")
        print(f"Beschleunigung:   {first_s / second_s:8.1f}x  (Ziel >= 20x)")
        print(f"Referenz (alle Bytes lesen + sha256): {reference_s:.2f} s; "
              f"erster Scan = {first_s / reference_s:.1f}x Referenz, "
              f"erneuter Scan = {second_s / reference_s:.2f}x Referenz")
    finally:
        shutil.rmtree(work, ignore_errors=True)


PROBE = """
import resource, sys, time
from pathlib import Path
from datensorgfalt.services.scan.runner import scan
from datensorgfalt.workspace import init_workspace
result = "0 0 True"
if sys.argv[1] != "-":
    ws = init_workspace(Path(sys.argv[1]).parent)
    catalog = ws.open_catalog()
    started = time.perf_counter()
    report = scan(ws, catalog, [sys.argv[1]])
    result = f"{time.perf_counter() - started:.1f} {catalog.datasets()[0].row_count} {report.ok}"
print(result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _child(target: str) -> tuple[str, int]:
    """Run the probe in a fresh process; its own peak RSS (KB) comes back with its output."""
    result = subprocess.run([sys.executable, "-c", PROBE, target], capture_output=True,
                            text=True, check=True)
    output, peak = result.stdout.strip().rsplit(" ", 1)
    return output, int(peak)


def write_big_csv(path: Path, gigabytes: float) -> int:
    target = int(gigabytes * 1024**3)
    line = "{:02d}.01.2025 {:02d}:00;{},5;{},25;{},1;Prüfung läuft normal {}\n"
    with open(path, "w", encoding="cp1252", newline="") as handle:
        handle.write("Zeitstempel;Vibration_mm_s;Temperatur_C;Strom_A;Bemerkung\n")
        written, index = 0, 0
        while written < target:
            chunk = "".join(line.format(i % 28 + 1, i % 24, i % 97, 20 + i % 13, i % 7, i)
                            for i in range(index, index + 50_000))
            handle.write(chunk)
            written += len(chunk)
            index += 50_000
    return path.stat().st_size


def bench_big(gigabytes: float) -> None:
    work = Path(tempfile.mkdtemp(prefix="ds-bench-big-"))
    try:
        free = shutil.disk_usage(work).free
        if free < gigabytes * 1024**3 * 1.5:
            gigabytes = round(free / 1024**3 / 3, 2)
            print(f"Wenig Platz auf der Platte: nehme {gigabytes} GB")
        size = write_big_csv(work / "gross.csv", gigabytes)
        _, reference_kb = _child("-")
        output, peak_kb = _child(str(work / "gross.csv"))
        seconds, rows, ok = output.split()
        print(f"Große CSV: {size / 1024**3:.2f} GB, {int(rows):,} Zeilen, gelesen in {seconds} s "
              f"({size / 1024**2 / float(seconds):.1f} MB/s), alles gelesen: {ok}")
        print(f"Spitzen-Speicher (RSS): {peak_kb / 1024:.0f} MB; Referenz (nur Programm laden): "
              f"{reference_kb / 1024:.0f} MB; Verhältnis {peak_kb / reference_kb:.2f}x; "
              f"Datei / Speicher = {size / 1024 / peak_kb:.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--big-gb", type=float, default=0.25)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-tree", action="store_true")
    args = parser.parse_args()
    if not args.skip_tree:
        bench_tree(args.files)
    if not args.skip_big:
        bench_big(args.big_gb)


if __name__ == "__main__":
    main()
