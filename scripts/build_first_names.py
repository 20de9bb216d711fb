"""Build ``knowledge/privacy/first_names.txt`` from the Berlin first-name statistics.

Source: "Liste der häufigen Vornamen" of all children registered at Berlin's registry offices
2012-2023, per district (repository ``berlinonline/haeufige-vornamen-berlin``, folder
``data/cleaned``), licensed CC BY 3.0 DE; attribution: Berliner Landesamt für Bürger- und
Ordnungsangelegenheiten (LABO) / BerlinOnline Stadtportal GmbH & Co. KG. Every given name is
counted, also second and third names, so the list also holds names of older generations
(Heinz, Ingrid, Jürgen) and of Berlin's immigrant families (Mehmet, Zeynep, Piotr).

Only names given at least ``--min-count`` times in total are kept (drops typos and one-off
spellings); names are kept as written (umlauts, accents). The detectors read the text file;
nothing is downloaded at run time.

    python scripts/build_first_names.py PATH/TO/haeufige-vornamen-berlin/data/cleaned
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src/datensorgfalt/knowledge/privacy/first_names.txt"
NAME = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿĀ-ſ'’]+(?:-[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿĀ-ſ'’]+)*$")
HEADER = """\
# First names given in Berlin 2012-2023 (each counted at least {min_count} times), one a line.
# Source: Berliner Landesamt für Bürger- und Ordnungsangelegenheiten (LABO) / BerlinOnline
# Stadtportal GmbH & Co. KG, "Liste der häufigen Vornamen", daten.berlin.de, licence
# CC BY 3.0 DE (https://creativecommons.org/licenses/by/3.0/de/). Changes: counts summed over
# years and districts, rare spellings dropped, sorted. Built by scripts/build_first_names.py.
"""


def count_names(folder: Path) -> Counter[str]:
    total: Counter[str] = Counter()
    for path in sorted(folder.rglob("*.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle):
                name = (row.get("vorname") or "").strip()
                try:
                    total[name] += int(row.get("anzahl") or 0)
                except ValueError:
                    continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--min-count", type=int, default=5)
    args = parser.parse_args()
    total = count_names(args.folder)
    names = sorted(n for n, c in total.items()
                   if c >= args.min_count and len(n) > 1 and NAME.match(n))
    TARGET.write_text(HEADER.format(min_count=args.min_count) + "\n".join(names) + "\n", "utf-8")
    print(f"{len(names)} names -> {TARGET}")


if __name__ == "__main__":
    main()
