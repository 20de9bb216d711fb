"""Pollock benchmark: load 2,290 polluted CSV files and compare with their clean versions.

Every file goes through ``services.convert.convert`` - the code the ``convert`` command runs -
with automatic detection only (``parameters/`` is never read). DuckDB's own ``read_csv`` with
its defaults is measured on the same files in the same run as the reference.

    python benchmarks/pollock.py [POLLOCK_DIR] [--workers 2] [--limit N] [--out DIR]

Prints the simple score (0-10) and the weighted score of both loaders and their ratio, and
writes a per-category breakdown of the misses to ``OUT/pollock_breakdown.txt``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime
from multiprocessing import Pool
from pathlib import Path

csv.field_size_limit(2**31 - 1)

METRICS = ("success", "header_p", "header_r", "header_f1", "record_p", "record_r", "record_f1",
           "cell_p", "cell_r", "cell_f1")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d")
TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%H:%M:%S.%f")


def find_pollock() -> Path:
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "benchmarks" / "pollock"
        if candidate.exists():
            return candidate
    raise SystemExit("shared/benchmarks/pollock not found; pass its path as the first argument")


# --- scoring (README of the benchmark folder) ----------------------------------------------


def normalize(cell: str) -> str:
    """One canonical spelling for booleans, integers, floats, dates and times."""
    value = cell.strip()
    if not value:
        return ""
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered
    if re.fullmatch(r"[+-]?\d+", value):
        return str(int(value))
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", value):
        return repr(float(value))
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            pass
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).time().isoformat()
        except ValueError:
            pass
    return value


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return [[normalize(c) for c in row] for row in csv.reader(handle)]


def prf(found: Counter, expected: Counter) -> tuple[float, float, float]:
    if not found and not expected:
        return 1.0, 1.0, 1.0
    hits = sum((found & expected).values())
    precision = hits / sum(found.values()) if found else 0.0
    recall = hits / sum(expected.values()) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(found_rows: list[list[str]] | None, clean_rows: list[list[str]]) -> dict[str, float]:
    if not clean_rows and not found_rows:
        return dict.fromkeys(METRICS, 1.0)  # an empty file, rightly found to hold nothing
    if found_rows is None:
        return dict.fromkeys(METRICS, 0.0)
    header = prf(Counter(found_rows[:1][0] if found_rows else []),
                 Counter(clean_rows[0] if clean_rows else []))
    records = prf(Counter("\x1f".join(r) for r in found_rows[1:]),
                  Counter("\x1f".join(r) for r in clean_rows[1:]))
    cells = prf(Counter(c for r in found_rows for c in r),
                Counter(c for r in clean_rows for c in r))
    return dict(zip(METRICS, (1.0, *header, *records, *cells), strict=True))


# --- the two loaders ---------------------------------------------------------------------


def load_ours(path: Path, out: Path) -> list[list[str]] | None:
    from datensorgfalt.services.scan.convert import convert
    from datensorgfalt.sources.base import ReadError

    try:
        convert(path, out)
    except ReadError as exc:
        return [] if exc.key == "readers.error.empty" else None
    except Exception as exc:  # a crash is a miss, never the end of the benchmark
        print(f"crash on {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None
    return read_rows(out)


def load_duckdb(path: Path, out: Path) -> list[list[str]] | None:
    import duckdb

    try:
        con = duckdb.connect(config={"threads": 1})
        con.read_csv(str(path)).write_csv(str(out))
        con.close()
    except Exception:
        return None
    return read_rows(out)


def run_one(task: tuple[str, str]) -> tuple[str, dict[str, float], dict[str, float]]:
    name, folder = task
    root = Path(folder)
    clean = read_rows(root / "clean" / name)
    with tempfile.TemporaryDirectory() as tmp:
        ours = score(load_ours(root / "csv" / name, Path(tmp) / "ours.csv"), clean)
        duck = score(load_duckdb(root / "csv" / name, Path(tmp) / "duck.csv"), clean)
    return name, ours, duck


# --- report ------------------------------------------------------------------------------


def category(name: str) -> str:
    """file_preamble.csv -> file_preamble; row_more_sep_row3_col2.csv -> row_more_sep."""
    stem = name.removesuffix(".csv")
    if not stem.startswith("row_"):
        return stem
    return re.sub(r"_?(row)?\d+(_col\d+)?(_0x[0-9A-F]+)?$", "", stem)


def simple(results: dict[str, dict[str, float]]) -> float:
    return sum(sum(s.values()) for s in results.values()) / max(1, len(results))


def weighted(results: dict[str, dict[str, float]], weights: dict[str, float]) -> float:
    total = sum(weights.get(n, 0.0) for n in results)
    return sum(weights.get(n, 0.0) * sum(s.values()) for n, s in results.items()) / (total or 1)


def breakdown(ours: dict[str, dict[str, float]], duck: dict[str, dict[str, float]]) -> str:
    groups: dict[str, list[str]] = defaultdict(list)
    for name in ours:
        groups[category(name)].append(name)
    lines = ["category\tfiles\tours\tduckdb\tmissed_points\tworst_files"]
    for cat, names in sorted(groups.items(), key=lambda g: -sum(10 - sum(ours[n].values())
                                                               for n in g[1])):
        mine = sum(sum(ours[n].values()) for n in names) / len(names)
        theirs = sum(sum(duck[n].values()) for n in names) / len(names)
        missed = sum(10 - sum(ours[n].values()) for n in names)
        worst = sorted(names, key=lambda n: sum(ours[n].values()))[:3]
        worst_text = ", ".join(f"{n}={sum(ours[n].values()):.2f}" for n in worst)
        lines.append(f"{cat}\t{len(names)}\t{mine:.3f}\t{theirs:.3f}\t{missed:.2f}\t{worst_text}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    folder = args.folder or find_pollock()
    names = sorted(p.name for p in (folder / "csv").glob("*.csv"))[: args.limit]
    weights = json.loads((folder / "weights.json").read_text())
    started = time.perf_counter()
    ours: dict[str, dict[str, float]] = {}
    duck: dict[str, dict[str, float]] = {}
    with Pool(max(1, min(2, args.workers))) as pool:
        for name, mine, theirs in pool.imap_unordered(
            run_one, [(n, str(folder)) for n in names], chunksize=8
        ):
            ours[name], duck[name] = mine, theirs
            if len(ours) % 250 == 0:
                print(f"  {len(ours)} / {len(names)} files", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pollock_breakdown.txt").write_text(breakdown(ours, duck), encoding="utf-8")
    s_ours, s_duck = simple(ours), simple(duck)
    w_ours, w_duck = weighted(ours, weights), weighted(duck, weights)
    print(f"pollock: {len(names)} files in {seconds:.0f} s")
    print(f"datensorgfalt  simple {s_ours:.3f} / 10   weighted {w_ours:.3f} / 10")
    print(f"duckdb auto    simple {s_duck:.3f} / 10   weighted {w_duck:.3f} / 10")
    print(f"ratio (ours / duckdb)  simple {s_ours / s_duck:.3f}   weighted {w_ours / w_duck:.3f}")
    print("published: CleverCSV 9.19, DuckDB 1.2 auto 9.08 (simple); target >= 9.7")
    print(f"breakdown of misses: {args.out / 'pollock_breakdown.txt'}")


if __name__ == "__main__":
    main()
