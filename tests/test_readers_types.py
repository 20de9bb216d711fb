"""Type inference of raw strings, German spellings first."""

from __future__ import annotations

from datetime import date, datetime, time

import pyarrow as pa
import pytest

from datensorgfalt.sources.types import infer_column, parse_column


def test_german_decimal_with_thousands():
    values = ["1.234,50", "99,00", "12,75", "7.000,00", "-3,10"]
    info = infer_column(values)
    assert info["type"] == "decimal"
    assert (info["decimal_sep"], info["thousands_sep"]) == (",", ".")
    assert parse_column(values, info).to_pylist() == [1234.5, 99.0, 12.75, 7000.0, -3.1]


def test_english_decimal_with_thousands():
    values = ["1,234.50", "99.00", "12.75", "7,000.00"]
    info = infer_column(values)
    assert info["type"] == "decimal"
    assert (info["decimal_sep"], info["thousands_sep"]) == (".", ",")
    assert parse_column(values, info).to_pylist() == [1234.5, 99.0, 12.75, 7000.0]


def test_integers_with_german_thousands_dots():
    info = infer_column(["1.234", "12.500", "300", "4.000.000"])
    assert info["type"] == "integer"
    assert parse_column(["1.234", "300"], info).to_pylist() == [1234, 300]


def test_currency_signs_are_recognised():
    info = infer_column(["12,50 €", "3,99 €", "100,00 €"])
    assert info["type"] == "decimal"
    assert info["unit"] == "€"
    assert parse_column(["12,50 €"], info).to_pylist() == [12.5]


def test_leading_zeros_stay_text():
    info = infer_column(["01067", "10115", "04109", "80331"])
    assert info["type"] == "text"


@pytest.mark.parametrize(
    "values, fmt, first",
    [
        (["02.01.2023", "31.12.2024", "15.06.2025"], "%d.%m.%Y", date(2023, 1, 2)),
        (["2.1.23", "31.12.24", "5.6.25"], "%d.%m.%y", date(2023, 1, 2)),
        (["2023-01-02", "2024-12-31"], "%Y-%m-%d", date(2023, 1, 2)),
        (["28/01/2018", "13/02/2018"], "%d/%m/%Y", date(2018, 1, 28)),
    ],
)
def test_dates(values, fmt, first):
    info = infer_column(values)
    assert info["type"] == "date"
    assert info["date_format"] == fmt
    parsed = parse_column(values, info)
    assert parsed.type == pa.date32()
    assert parsed.to_pylist()[0] == first


def test_day_first_wins_when_ambiguous():
    info = infer_column(["01/02/2024", "03/04/2024"])
    assert info["date_format"] == "%d/%m/%Y"


def test_two_date_formats_in_one_column_both_parse():
    values = ["02.01.2023", "2023-01-03", "04.01.2023", "05.01.2023", "2023-01-06"] * 4
    info = infer_column(values)
    assert info["type"] == "date"
    assert set(info["date_formats"]) == {"%d.%m.%Y", "%Y-%m-%d"}
    assert None not in parse_column(values, info).to_pylist()


def test_datetime_and_time():
    info = infer_column(["02.01.2023 14:30", "03.01.2023 08:05"])
    assert info["type"] == "datetime"
    assert parse_column(["02.01.2023 14:30"], info).to_pylist() == [datetime(2023, 1, 2, 14, 30)]
    info = infer_column(["14:30", "08:05:10", "23:59"])
    assert info["type"] == "time"
    assert parse_column(["14:30"], info).to_pylist() == [time(14, 30)]


@pytest.mark.parametrize(
    "values, expected",
    [
        (["ja", "nein", "ja", "Nein"], [True, False, True, False]),
        (["true", "false", "TRUE"], [True, False, True]),
        (["x", "", "x", ""], [True, None, True, None]),
    ],
)
def test_booleans(values, expected):
    info = infer_column(values)
    assert info["type"] == "boolean"
    assert parse_column(values, info).to_pylist() == expected


def test_null_tokens_are_found_and_become_null():
    values = ["1,5", "n/a", "-", "", None, "2,5", "NULL", "unbekannt", "3,0", "4,0"]
    info = infer_column(values)
    assert info["type"] == "decimal"
    assert set(info["null_tokens"]) >= {"n/a", "-", "NULL", "unbekannt"}
    assert info["nulls"] == 6
    assert parse_column(values, info).to_pylist() == [1.5, None, None, None, None, 2.5, None,
                                                     None, 3.0, 4.0]


def test_placeholder_dates_count_as_missing():
    values = ["02.01.2023", "0000-00-00", "03.01.2023", "n/a"]
    info = infer_column(values)
    assert info["type"] == "date"
    assert info["nulls"] == 2


def test_a_few_odd_values_keep_the_type_and_are_reported():
    values = [f"{i},50" for i in range(98)] + ["zwölf", "1O,00"]
    info = infer_column(values)
    assert info["type"] == "decimal"
    assert info["share"] == pytest.approx(0.98)
    assert set(info["odd_examples"]) == {"zwölf", "1O,00"}
    parsed = parse_column(values, info).to_pylist()
    assert parsed[-2:] == [None, None]
    assert parsed[0] == 0.5


def test_text_stays_text():
    info = infer_column(["Müller GmbH", "Schmidt KG", "12", "Weber AG"])
    assert info["type"] == "text"
    assert info["semantic"] is None
    assert parse_column(["Müller GmbH", "-"], info).to_pylist() == ["Müller GmbH", None]


def test_empty_column():
    info = infer_column(["", None, " "])
    assert info["type"] == "text"
    assert info["nulls"] == 3
