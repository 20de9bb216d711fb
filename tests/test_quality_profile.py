"""The quality profile on hand-made tables: one table per finding type, clean tables without
false alarms, edge cases (one row, all-null column, 1,000 columns, Unicode)."""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from datensorgfalt.services.quality.profile import Profile, profile_file
from tests.helpers.quality_data import HEADER, customers


def write_csv(folder: Path, header: list[str], rows: list[list], name: str = "t.csv") -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def profile(folder: Path, header: list[str], rows: list[list]) -> Profile:
    return profile_file(write_csv(folder, header, rows), folder, delimiter=";")


def codes(result: Profile, severities: tuple[str, ...] = ("warning", "error", "critical")
          ) -> set[str]:
    return {f.code for f in result.findings if f.severity in severities}


def finding(result: Profile, code: str, column: str | None = None):
    matches = [f for f in result.findings if f.code == code
               and (column is None or f.column == column)]
    assert matches, f"{code} not found in {[(f.code, f.column) for f in result.findings]}"
    return matches[0]


def test_clean_table_raises_no_alarm(tmp_path: Path) -> None:
    result = profile(tmp_path, HEADER, customers())
    assert codes(result) == set()
    assert result.payload["score"] >= 95
    assert result.payload["cells"] == []
    assert result.payload["keys"] == ["Kundennr"]
    assert result.payload["columns"]["Netto"]["type"] == "decimal"


def test_typo_in_a_frequent_value_is_a_suspicious_cell(tmp_path: Path) -> None:
    rows = customers()
    index = next(i for i, r in enumerate(rows) if r[3] == "Dortmund")
    rows[index][3] = "Dortmnud"
    result = profile(tmp_path, HEADER, rows)
    rare = finding(result, "rare-spelling", "Ort")
    assert rare.evidence["rows"] == [index]
    assert [index, "Ort", "rare-spelling"] in result.cells
    assert result.payload["scores"]["accuracy"] < 100


def test_value_breaking_a_dependency_is_flagged(tmp_path: Path) -> None:
    rows = customers(400)
    index = next(i for i, r in enumerate(rows) if r[2] == "44135")
    rows[index][3] = "Essen"  # 44135 is Dortmund everywhere else
    result = profile(tmp_path, HEADER, rows)
    violation = finding(result, "dependency-violation", "Ort")
    assert violation.evidence["lhs"] == "PLZ"
    assert [index, "Ort", "dependency-violation"] in result.cells


def test_rule_that_almost_always_holds(tmp_path: Path) -> None:
    rows = customers()
    rows[7][5] = "1,00"  # gross below net
    result = profile(tmp_path, HEADER, rows)
    rule = finding(result, "rule-violation")
    assert rule.evidence["rule"] == "Netto <= Brutto"
    assert rule.evidence["rows"] == [7]
    assert {"rule": "Netto <= Brutto", "holds": 299, "broken": 1} in result.payload["rules"]


def test_placeholders_missing_values_and_mixed_dates(tmp_path: Path) -> None:
    rows = customers()
    rows[3][6] = "n/a"
    rows[4][6] = "0000-00-00"
    rows[5][6] = ""
    for i in range(200, 230):
        day = datetime.strptime(rows[i][6], "%d.%m.%Y")
        rows[i][6] = day.strftime("%Y-%m-%d")
    result = profile(tmp_path, HEADER, rows)
    placeholders = finding(result, "placeholder-values", "Datum")
    assert placeholders.evidence["count"] == 2
    assert set(placeholders.evidence["values"]) == {"n/a", "0000-00-00"}
    assert finding(result, "missing-values", "Datum").evidence["rows"] == [5]
    mixed = finding(result, "mixed-date-formats", "Datum")
    assert mixed.evidence["formats"] == {"dd.mm.yyyy": 267, "yyyy-mm-dd": 30}
    assert mixed.evidence["rows"][0] == 200


def test_values_that_do_not_fit_the_type(tmp_path: Path) -> None:
    rows = customers()
    rows[11][4] = "zwölf"
    result = profile(tmp_path, HEADER, rows)
    mismatch = finding(result, "type-mismatch", "Netto")
    assert mismatch.evidence["values"] == ["zwölf"]
    assert [11, "Netto", "type-mismatch"] in result.cells


def test_mixed_number_formats(tmp_path: Path) -> None:
    rows = [[str(i), f"{i * 1.5:.2f}".replace(".", ",")] for i in range(1, 200)]
    rows += [[str(i), f"{i * 1.5:.2f}"] for i in range(200, 220)]
    result = profile(tmp_path, ["Nr", "Betrag"], rows)
    mixed = finding(result, "mixed-number-formats", "Betrag")
    assert mixed.evidence["formats"]["1.234,56"] == 199


def test_patterns_postal_code_iban_email(tmp_path: Path) -> None:
    ibans = ["DE89370400440532013000", "DE02120300000000202051", "DE44500105175407324931"]
    rows = [[f"{10000 + i}", ibans[i % 3], f"kunde{i}@example.de"] for i in range(60)]
    rows[5][0] = "4413"
    rows[6][1] = "DE89370400440532013001"  # checksum wrong
    rows[7][2] = "kunde7(at)example.de"
    result = profile(tmp_path, ["PLZ", "IBAN", "E-Mail"], rows)
    assert finding(result, "invalid-postal-code", "PLZ").evidence["rows"] == [5]
    assert finding(result, "invalid-iban", "IBAN").evidence["rows"] == [6]
    assert finding(result, "invalid-email", "E-Mail").evidence["rows"] == [7]


def test_robust_outliers(tmp_path: Path) -> None:
    rng = random.Random(3)
    rows = [[str(i), f"{rng.gauss(100, 5):.1f}".replace(".", ",")] for i in range(500)]
    rows[42][1] = "10000,0"
    result = profile(tmp_path, ["Nr", "Wert"], rows)
    outliers = finding(result, "outliers", "Wert")
    assert outliers.evidence["rows"] == [42]


def test_duplicate_rows_keys_and_conflicting_keys(tmp_path: Path) -> None:
    rows = [[f"A-{i:03d}", f"Artikel {i}", f"{i},50"] for i in range(100)]
    rows.append(list(rows[10]))  # exact copy
    rows.append(["A-020", "Ganz anderer Artikel", "99,00"])  # one number, two articles
    result = profile(tmp_path, ["Artikelnr", "Artikel", "Preis"], rows)
    duplicates = finding(result, "duplicate-rows")
    assert duplicates.evidence["count"] == 1
    assert duplicates.evidence["rows"] == [100]
    conflict = finding(result, "conflicting-key", "Artikelnr")
    assert "A-020" in conflict.evidence["values"]
    assert set(conflict.evidence["differences"]) == {"Artikel", "Preis"}


def test_same_customer_spelled_twice(tmp_path: Path) -> None:
    rows = [[str(10000 + i), f"Firma{i} Maschinenbau GmbH", f"Hauptstraße {i}",
             f"{40000 + i * 7}", "Essen"] for i in range(50)]
    rows.append(["10099", "Schmitt Metallbau GmbH", "Hauptstraße 3", "40021", "Essen"])
    rows.append(["10100", "Schmidt Metallbau GmbH", "Hauptstrasse 3", "40021", "Essen"])
    result = profile(tmp_path, ["Kundennr", "Firma", "Straße", "PLZ", "Ort"], rows)
    near = finding(result, "near-duplicates", "Firma")
    assert near.evidence["pairs"] == [[50, 51]]


def hourly(hours: int, start: datetime = datetime(2025, 1, 1)) -> list[datetime]:
    return [start + timedelta(hours=h) for h in range(hours)]


def test_time_series_gap_duplicates_and_unit_change(tmp_path: Path) -> None:
    rng = random.Random(5)
    times = hourly(24 * 200)
    rows = []
    for t in times:
        temp = 40 + 3 * rng.random() + (273.15 if t >= datetime(2025, 5, 1) else 0)
        rows.append([t.strftime("%Y-%m-%d %H:%M:%S"), f"{temp:.2f}".replace(".", ",")])
    gap = [r for r in rows if not ("2025-03-01" <= r[0] < "2025-03-15")]
    gap.insert(100, list(gap[100]))
    result = profile(tmp_path, ["Zeitstempel", "Temperatur_C"], gap)
    series = result.payload["time_series"]
    assert series["frequency"] == "H"
    assert series["kind"] == "measurements"
    gaps = finding(result, "time-gaps", "Zeitstempel")
    assert gaps.evidence["largest_from"].startswith("2025-02-28T23")
    assert gaps.evidence["largest_days"] == 14.0
    assert finding(result, "duplicate-timestamps").evidence["count"] == 1
    unit = finding(result, "unit-change", "Temperatur_C")
    assert unit.evidence["unit"] == "°C -> K"
    assert unit.evidence["at"].startswith("2025-05-01")
    assert result.payload["studies"]["Stetigkeit"] < 80


def test_steady_series_has_no_regularity_findings(tmp_path: Path) -> None:
    rng = random.Random(6)
    rows = [[t.strftime("%d.%m.%Y %H:%M"), f"{20 + rng.random():.2f}".replace(".", ",")]
            for t in hourly(24 * 60)]
    result = profile(tmp_path, ["Zeit", "Wert"], rows)
    assert codes(result) == set()
    assert result.payload["scores"]["regularity"] == 100
    assert result.payload["time_series"]["seasonal_cycles"] == pytest.approx(60, abs=1)


def test_one_row_table(tmp_path: Path) -> None:
    result = profile(tmp_path, HEADER, customers(1))
    assert result.payload["rows"] == 1
    assert codes(result) == set()


def test_header_only_table(tmp_path: Path) -> None:
    result = profile(tmp_path, HEADER, [])
    assert result.payload["rows"] == 0
    assert codes(result) == set()


def test_all_null_column(tmp_path: Path) -> None:
    rows = [[str(i), ""] for i in range(50)]
    result = profile(tmp_path, ["Nr", "Leer"], rows)
    assert finding(result, "empty-column", "Leer").severity == "warning"
    assert result.payload["columns"]["Leer"]["completeness"] == 0.0


def test_thousand_columns(tmp_path: Path) -> None:
    names = [f"Spalte_{i}" for i in range(1000)]
    table = pa.table({n: pa.array([i * j for j in range(20)]) for i, n in enumerate(names)})
    path = tmp_path / "breit.parquet"
    pq.write_table(table, path)
    result = profile_file(path, tmp_path)
    assert result.payload["column_count"] == 1000
    assert len(result.payload["columns"]) == 1000


def test_unicode_everywhere(tmp_path: Path) -> None:
    header = ["Straße", "Größe ÄÖÜ", 'Spalte "mit" Anführungszeichen', "名前 🙂"]
    rows = [[f"Bahnhofstraße {i}", f"{i},5", "Grüße aus Köln", "東京" if i % 2 else "Ζ"]
            for i in range(100)]
    rows[30][2] = "Grüsse aus Köln"
    result = profile(tmp_path, header, rows)
    assert set(result.payload["columns"]) == set(header)
    assert [30, 'Spalte "mit" Anführungszeichen', "rare-spelling"] in result.cells


def test_parquet_with_native_types(tmp_path: Path) -> None:
    table = pa.table({"id": list(range(100)), "wert": [1.0 * i for i in range(99)] + [None],
                      "tag": [date(2024, 1, 1) + timedelta(days=i) for i in range(100)]})
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    result = profile_file(path, tmp_path)
    assert result.payload["columns"]["wert"]["type"] == "decimal"
    assert result.payload["time_series"]["frequency"] == "D"
    assert finding(result, "missing-values", "wert").evidence["rows"] == [99]


def test_value_of_another_shape_is_out_of_pattern(tmp_path: Path) -> None:
    rows = [[str(i), f"K{i % 50:02d}-{i % 9}"] for i in range(300)]
    rows[17][1] = "K17/8 neu"
    result = profile(tmp_path, ["Nr", "Lagerplatz"], rows)
    odd = finding(result, "out-of-pattern", "Lagerplatz")
    assert odd.evidence["values"] == ["K17/8 neu"]
    assert [17, "Lagerplatz", "out-of-pattern"] in result.cells


def test_repeated_key_with_equal_rows_is_a_duplicate_key(tmp_path: Path) -> None:
    rows = [[f"B-{i:04d}", f"{i},00", "x" * (i % 3)] for i in range(200)]
    rows[150][0] = "B-0010"
    rows[150][1:] = rows[10][1:]
    rows[150][2] = rows[10][2]
    result = profile(tmp_path, ["Belegnr", "Betrag", "Notiz"], rows)
    assert finding(result, "duplicate-rows").evidence["rows"] == [150]
    assert finding(result, "duplicate-key", "Belegnr").evidence["values"] == ["B-0010"]


def test_lasting_jump_without_unit_is_a_level_shift_hint(tmp_path: Path) -> None:
    rng = random.Random(8)
    rows = [[t.strftime("%Y-%m-%d %H:%M:%S"),
             f"{(50 if t < datetime(2025, 4, 1) else 71) + rng.random():.2f}".replace(".", ",")]
            for t in hourly(24 * 150)]
    result = profile(tmp_path, ["Zeitstempel", "Druck_bar"], rows)
    shift = finding(result, "level-shift", "Druck_bar")
    assert shift.severity == "info"
    assert shift.evidence["at"].startswith("2025-04-01")
    assert "unit-change" not in codes(result)


def test_short_history_of_daily_series(tmp_path: Path) -> None:
    rows = [[(date(2025, 1, 1) + timedelta(days=i)).isoformat(), str(100 + i % 7)]
            for i in range(200)]
    result = profile(tmp_path, ["Datum", "Menge"], rows)
    short = finding(result, "short-history", "Datum")
    assert short.severity == "info" and short.evidence["cycles"] < 1


def test_currentness_compares_files_and_data() -> None:
    from datensorgfalt.services.quality import currentness

    newest = datetime(2026, 1, 5, 8)
    modified = {"a": newest, "b": newest - timedelta(days=3), "c": newest - timedelta(days=10),
                "alt": newest - timedelta(days=447)}
    found = currentness.catalog_findings(modified)
    assert list(found) == ["alt"]
    assert found["alt"][0].evidence["months"] == 15
    assert currentness.catalog_findings(dict(list(modified.items())[:2])) == {}
    series = {"column": "Zeit", "end": "2025-06-30T23:00:00", "frequency": "H",
              "kind": "measurements"}
    info, stale = currentness.dataset_findings(datetime(2025, 12, 31), series, newest)
    assert [f.code for f in stale] == ["stale-data"] and info["data_lag_days"] > 180
    _, fresh = currentness.dataset_findings(datetime(2025, 7, 1), series, newest)
    assert fresh == []
