"""The profile of a large table: a column that repeats its values (prices, postal codes,
customer numbers) is profiled over its distinct values, and its figures are the ones its rows
give."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from datensorgfalt.services.quality.profile import profile_parquet

ROWS = 300_000  # large enough to be profiled over distinct values
PRICES = 20_000  # far more than a category, far fewer than the rows


def _prices() -> list[str]:
    rng = random.Random(7)
    prices = [f"{1 + rng.randrange(PRICES) / 100:.2f}".replace(".", ",") for _ in range(ROWS)]
    for index in range(0, ROWS, 1_000):
        prices[index] = "n/a"  # placeholders
    for index in range(500, ROWS, 50_000):
        prices[index] = "9999999,00"  # far outside the rest
    prices[7] = "zwölf"  # does not parse
    return prices


def test_repeating_column_of_a_large_table_has_the_figures_of_its_rows(tmp_path: Path) -> None:
    prices = _prices()
    path = tmp_path / "gross.parquet"
    pq.write_table(pa.table({"Nr": [str(i) for i in range(ROWS)], "Preis": prices}), path)
    stats = profile_parquet(path, {"Preis": {"type": "decimal", "decimal_sep": ","}}) \
        .payload["columns"]["Preis"]
    numbers = [float(p.replace(",", ".")) for p in prices if p not in ("n/a", "zwölf")]
    assert stats["non_null"] == ROWS
    assert stats["placeholders"] == ROWS // 1_000
    assert stats["parsed"] == len(numbers)
    assert stats["min"] == min(numbers) and stats["max"] == max(numbers)
    assert abs(stats["mean"] - sum(numbers) / len(numbers)) < 1e-6
    assert stats["outliers"] == len(range(500, ROWS, 50_000))
    assert stats["number_formats"] == {"1.234,56": len(numbers)}
