"""Read throughput of delimited files: ours (fast lane and walker only) vs pyarrow.csv and DuckDB.

Generates a German ERP-like export (cp1252, ';', decimal comma, dd.mm.yyyy, some quoted
fields) and prints MB/s of each reader on the same file, the ratio of ours to pyarrow.csv, and
the peak RSS of this process.

    .venv/bin/python benchmarks/read_speed.py [--rows 300000] [--mb 0] [--no-walker]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from datensorgfalt.sources.delimited import open_delimited

HEADER = ("Belegnr;Belegdatum;Kundennr;Kunde;Artikelnr;Artikel;Menge;Einzelpreis;"
          "Nettobetrag;Bruttobetrag")
KUNDEN = ["Müller GmbH", "Schäfer & Söhne KG", "Weiß Stahlbau", "\"Nord\" Metall AG", "Öztürk OHG",
          "Groß; Klein GmbH"]
ARTIKEL = ["Flansch DN50", "Schraube M8×40", "Blech 2,5 mm", "Welle Ø 30", "Lager 6204-2RS"]


def quoted(value: str) -> str:
    if ";" in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def make_csv(path: Path, rows: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write(HEADER + "\r\n")
        for i in range(rows):
            menge = rng.randint(1, 500)
            preis = rng.randint(100, 99_999) / 100
            netto = menge * preis
            day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2023, 2025)
            cells = [str(100_000 + i), f"{day:02d}.{month:02d}.{year}", str(rng.randint(1, 900)),
                     quoted(rng.choice(KUNDEN)), f"A-{rng.randint(1000, 9999)}",
                     rng.choice(ARTIKEL), str(menge), f"{preis:.2f}".replace(".", ","),
                     f"{netto:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."),
                     f"{netto * 1.19:.2f}".replace(".", ",")]
            out.write(";".join(cells) + "\r\n")


def timed(label: str, size: int, read) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    rows = read()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    speed = size / seconds / 1e6
    print(f"{label:<28} {seconds:7.2f} s  {speed:7.1f} MB/s  (CPU {cpu:6.2f} s, "
          f"{size / max(cpu, 1e-9) / 1e6:6.1f} MB/s)  rows={rows}")
    return speed


def ours(path: Path) -> int:
    return sum(batch.num_rows for batch in open_delimited(path).batches())


def walker_only(path: Path) -> int:
    return sum(len(chunk) for chunk in open_delimited(path).row_chunks(fast=False))


def arrow(path: Path) -> int:
    names = HEADER.split(";")
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="cp1252", block_size=1 << 22),
        parse_options=pacsv.ParseOptions(delimiter=";"),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                              strings_can_be_null=False),
    )
    return sum(batch.num_rows for batch in reader)


def duck(path: Path) -> int:
    con = duckdb.connect()
    sql = (f"SELECT count(*) FROM read_csv('{path}', delim=';', all_varchar=true, "
           "header=true, encoding='latin-1')")
    return con.execute(sql).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--mb", type=int, default=0, help="size in MB instead of --rows")
    parser.add_argument("--no-walker", action="store_true")
    parser.add_argument("--only-ours", action="store_true", help="for a clean peak-RSS figure")
    args = parser.parse_args()
    rows = args.rows if not args.mb else args.mb * 1_000_000 // 95
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "erp_umsatz.csv"
        make_csv(path, rows)
        size = path.stat().st_size
        print(f"file: {size / 1e6:.1f} MB, {rows} rows (cp1252, ';', German numbers)")
        fast = timed("ours (fast lane)", size, lambda: ours(path))
        if not args.no_walker and not args.only_ours:
            timed("ours (walker only)", size, lambda: walker_only(path))
        if not args.only_ours:
            ref = timed("pyarrow.csv (reference)", size, lambda: arrow(path))
            timed("duckdb read_csv count", size, lambda: duck(path))
            print(f"ratio ours / pyarrow.csv: {fast / ref:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
