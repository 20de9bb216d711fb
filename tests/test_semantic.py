"""Semantic types from header words and values."""

from __future__ import annotations

import pytest

from datensorgfalt.services.scan.semantic import semantic_type

IBANS = ["DE89370400440532013000", "DE02120300000000202051", "DE02500105170137075030"]


@pytest.mark.parametrize(("header", "kind", "values", "expected"), [
    ("E-Mail", "text", ["a@firma.de", "b.c@kunde-gmbh.de"] * 5, "email"),
    ("Bankverbindung", "text", IBANS * 4, "iban"),
    ("IBAN", "text", ["DE89370400440532013001"] * 10, "category"),  # bad checksum: no IBAN
    ("Telefon", "text", ["0201 123456", "+49 2371 98765", "02371/4455"] * 4, "phone"),
    ("PLZ", "integer", ["58644", "45127", "44135"] * 4, "postal_code"),
    ("Belegdatum", "date", ["02.01.2023"] * 10, "date"),
    ("Nettobetrag", "decimal", ["12,50", "1.234,00"] * 5, "amount"),
    ("Menge", "integer", ["1", "5", "12"] * 5, "quantity"),
    ("Istwert_mm", "integer", ["12", "13", "12"] * 5, "measurement"),
    ("Vibration_mm_s", "decimal", ["1,5", "2,25"] * 5, "measurement"),
    ("Belegnr", "text", [f"B{i // 3:05d}" for i in range(90)], "identifier"),
    ("Schlüssel", "text", ["Angebot", "Produktion"] * 20, "category"),
    ("Bemerkung", "text", ["Der Kunde hat angerufen und bittet um einen Rückruf morgen "
                           f"früh wegen Auftrag {i}" for i in range(10)], "free_text"),
    ("Kunde", "text", [], None),
])
def test_semantic_type(header: str, kind: str, values: list[str], expected: str | None) -> None:
    assert semantic_type(header, kind, values) == expected
