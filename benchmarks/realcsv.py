"""Real-export benchmark: text tables as companies, labs and offices export them, scored with
the Pollock scorer (``benchmarks/pollock.py``) beside CleverCSV in the same run.

Every file goes through ``services.scan.convert.convert`` - the code the ``convert`` command
and the scan use - with automatic detection only. CleverCSV (``clevercsv.read_table``, its own
encoding and dialect detection, first row the header) is the reference.

    python benchmarks/realcsv.py [--part dev|holdout|all] [--folder DIR] [--files GLOB ...]
    python benchmarks/realcsv.py --site-packages     # CSV test data of installed packages

The corpus comes from ``benchmarks/realcsv_corpus.py`` (``NAME.json`` beside each file holds
the expected table). ``--site-packages`` scores the CSV files that ship inside installed
packages (pandas, scikit-learn, statsmodels ... test and example data), with Python's csv
module on the known-good dialect as the expected table (first row the header, or col_0, col_1
... when the first row holds only numbers): an unseen check, not a target.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from pollock import METRICS, load_ours, normalize, score  # noqa: E402

HERE = Path(__file__).parent
CORPUS = HERE / "data" / "realcsv"


def load_clevercsv(path: Path) -> list[list[str]] | None:
    import clevercsv

    try:
        rows = clevercsv.read_table(str(path))
    except Exception:
        return None
    return [[normalize(c) for c in row] for row in rows]


def expected_table(path: Path) -> list[list[str]]:
    data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return [[normalize(c) for c in row] for row in [data["header"], *data["rows"]]]


def total(result: dict[str, float]) -> float:
    return sum(result[m] for m in METRICS)


def corpus_files(folder: Path, part: str) -> list[Path]:
    parts = ("dev", "holdout") if part == "all" else (part,)
    return sorted(p for name in parts for p in (folder / name).glob("*")
                  if p.suffix != ".json" and p.with_suffix(".json").exists())


def site_package_files(limit: int = 300) -> list[tuple[Path, list[list[str]]]]:
    """Small CSV files shipped in installed packages whose expected table is plain: the csv
    module with a comma reads them into rows of one width (at least two columns, three rows)."""
    import sysconfig

    root = Path(sysconfig.get_paths()["purelib"])
    found = []
    for path in sorted(root.rglob("*.csv")):
        if not path.is_file() or path.stat().st_size > 2_000_000 or path.stat().st_size < 50:
            continue
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
        except (UnicodeDecodeError, csv.Error):
            continue
        rows = [r for r in rows if r]
        if len(rows) < 3 or len(rows[0]) < 2 or len({len(r) for r in rows}) != 1:
            continue
        if all(_number(c) or not c.strip() for c in rows[0]):  # no header: Pollock's names
            rows = [[f"col_{j}" for j in range(len(rows[0]))], *rows]
        found.append((path, [[normalize(c) for c in r] for r in rows]))
        if len(found) >= limit:
            break
    return found


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def run(cases: list[tuple[Path, list[list[str]]]], verbose: bool) -> tuple[float, float]:
    ours_total = clever_total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ours.csv"
        for path, expected in cases:
            out.unlink(missing_ok=True)  # convert never writes over an existing file
            ours = total(score(load_ours(path, out), expected))
            clever = total(score(load_clevercsv(path), expected))
            ours_total += ours
            clever_total += clever
            if verbose:
                print(f"{ours:6.2f} {clever:6.2f}  {path.parent.name}/{path.name}")
    count = max(1, len(cases))
    return ours_total / count, clever_total / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("dev", "holdout", "all"), default="dev")
    parser.add_argument("--folder", type=Path, default=CORPUS)
    parser.add_argument("--site-packages", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    if args.site_packages:
        cases = site_package_files()
        label = "site-packages CSV"
    else:
        if not (args.folder / "dev").exists():
            raise SystemExit(f"{args.folder} missing: run benchmarks/realcsv_corpus.py first")
        cases = [(p, expected_table(p)) for p in corpus_files(args.folder, args.part)]
        label = f"real exports ({args.part})"
    if not args.quiet:
        print("  ours  clever  file")
    ours, clever = run(cases, not args.quiet)
    print(f"{label}: {len(cases)} files")
    print(f"datensorgfalt  simple {ours:.3f} / 10")
    print(f"clevercsv      simple {clever:.3f} / 10")
    print(f"ratio (ours / clevercsv) {ours / clever if clever else float('nan'):.3f}")


if __name__ == "__main__":
    main()
