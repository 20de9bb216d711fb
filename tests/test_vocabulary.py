"""The column vocabulary (knowledge/columns.yaml): what users rely on, and that the code and
the file name the same meanings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from datensorgfalt.services.evidence import numeric_columns
from datensorgfalt.services.knowledge import load
from datensorgfalt.services.quality.context import SEMANTIC_VALUES
from datensorgfalt.services.scan.semantic import semantic_type
from datensorgfalt.services.vocabulary import MEANINGS, UnknownMeaning, Vocabulary, says

SRC = Path(__file__).resolve().parent.parent / "src" / "datensorgfalt"
ASKING = {"says", "says_any", "matches"}

# (meaning, column name) pairs a change of the vocabulary must keep, German and English
SAYS = [
    ("amount", "Umsatz netto"), ("amount", "Nettobetrag"), ("amount", "Preis (EUR)"),
    ("amount", "Net sales"), ("amount", "unit_price"),
    ("net_amount", "Umsatz netto"), ("net_amount", "Nettobetrag"), ("net_amount", "net_amount"),
    ("quantity", "Menge"), ("quantity", "Stückzahl"), ("quantity", "Stueckzahl"),
    ("quantity", "Qty"), ("quantity", "Quantity"),
    ("identifier", "Kundennummer"), ("identifier", "Kundennr"), ("identifier", "Kunden-Nr."),
    ("identifier", "Artikelnr"), ("identifier", "customer_id"), ("identifier", "customerId"),
    ("identifier", "Order No"), ("identifier", "Steuer-ID"), ("identifier", "index"),
    ("not_a_time_axis", "Geburtsdatum"), ("not_a_time_axis", "Date of birth"),
    ("not_a_time_axis", "Kunde seit"), ("not_a_time_axis", "Customer since"),
    ("not_a_time_axis", "Eintritt"), ("not_a_time_axis", "Gültig bis"),
    ("not_a_time_axis", "Gueltig_bis"), ("not_a_time_axis", "valid_to"),
    ("date", "Belegdatum"), ("date", "Liefertag"), ("date", "Order date"),
    ("date", "Zeitstempel"), ("date", "timestamp"), ("timestamp", "Zeitstempel"),
    ("calendar_part", "Jahr"), ("calendar_part", "Month"),
    ("postal_code", "PLZ"), ("postal_code", "Postleitzahl"), ("postal_code", "ZIP"),
    ("phone", "Telefon"), ("phone", "Tel."), ("phone", "Phone"), ("email", "E-Mail"),
    ("address", "Straße"), ("address", "Strasse"), ("address", "Str."), ("address", "Wohnort"),
    ("address", "City"),
    ("person", "Ansprechpartner"), ("person", "Prüfer"), ("person", "Customer"),
    ("label", "Kategorie"), ("label", "Fehlerart"), ("label", "Category"),
    ("outcome", "Ergebnis"), ("outcome", "OK"), ("outcome", "Result"),
    ("plan", "Planwert"), ("plan", "Forecast"), ("free_text", "Beschreibung"),
    ("free_text", "Message"), ("file_reference", "Datei"), ("file_reference", "file_path"),
    ("anomaly_label", "is_anomaly"), ("anomaly_label", "Ausreißer"),
    ("copy", "file:///daten/archiv/umsatz.csv"), ("copy", "file:///daten/umsatz_alt.csv"),
    ("copy", "file:///daten/Kopie von umsatz.csv"), ("event_log", "stoerungen.csv"),
    ("event_log", "Störungen"), ("failure", "Ausfall"), ("failure", "breakdown"),
]
# ... and pairs it must not confuse
DOES_NOT_SAY = [
    ("identifier", "Menge"), ("identifier", "Nettobetrag"), ("amount", "Menge"),
    ("not_a_time_axis", "Belegdatum"), ("not_a_time_axis", "Zeitstempel"),
    ("date", "Zahlungsziel (Tage)"), ("calendar_part", "Umsatz je Jahr"),
    ("calendar_part", "Vorjahresumsatz"), ("phone", "Mittel"), ("label", "Artikel"),
    ("label", "Ansprechpartner"), ("outcome", "Protokoll"), ("forecast_target", "Einzelpreis"),
    ("anomaly_label", "anomaly_score"), ("copy", "file:///daten/verwaltung/umsatz.csv"),
    ("copy", "file:///daten/folder/umsatz.csv"),
]


@pytest.mark.parametrize(("meaning", "name"), SAYS)
def test_column_name_says(meaning: str, name: str) -> None:
    assert says(meaning, name)


@pytest.mark.parametrize(("meaning", "name"), DOES_NOT_SAY)
def test_column_name_does_not_say(meaning: str, name: str) -> None:
    assert not says(meaning, name)


def test_scan_stores_the_meaning_of_the_header() -> None:
    amounts = ["12,50", "8,00", "1.200,00", "99,90", "17,30"]
    assert semantic_type("Umsatz netto", "decimal", amounts) == "amount"
    assert semantic_type("Net sales", "decimal", amounts) == "amount"
    assert semantic_type("Kundennummer", "integer", [str(n) for n in range(1000, 1040)]) \
        == "identifier"
    assert semantic_type("customer_id", "integer", [str(n) for n in range(40)]) == "identifier"
    assert semantic_type("Stückzahl", "integer", ["3", "5", "3", "8", "1"] * 5) == "quantity"
    assert semantic_type("PLZ", "integer", ["58636", "44135", "10115"] * 4) == "postal_code"


def test_years_and_identifiers_are_no_measure_of_a_series() -> None:
    columns = [{"name": n, "type": "integer", "semantic": s} for n, s in (
        ("Jahr", "quantity"), ("Kundennr", "quantity"), ("Umsatz je Jahr", "amount"),
        ("Menge", "quantity"))]
    assert [c["name"] for c in numeric_columns(columns)] == ["Umsatz je Jahr", "Menge"]


def test_file_and_code_name_the_same_meanings() -> None:
    """A meaning the code asks for is in columns.yaml, and columns.yaml has no other."""
    assert sorted(load("columns")) == sorted(MEANINGS)
    asked = _meanings_asked_in(SRC)
    assert asked <= set(MEANINGS), f"not in columns.yaml: {sorted(asked - set(MEANINGS))}"
    assert set(SEMANTIC_VALUES) <= set(MEANINGS)
    unused = set(MEANINGS) - asked - set(SEMANTIC_VALUES)
    assert not unused, f"in columns.yaml but asked nowhere: {sorted(unused)}"


def test_every_meaning_has_words() -> None:
    for meaning, entry in load("columns").items():
        assert any(entry.get(way) for way in ("parts", "words", "endings", "names")), meaning


def test_a_typo_fails_loudly() -> None:
    with pytest.raises(UnknownMeaning):
        says("amuont", "Umsatz")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="quotes"):
        Vocabulary.from_knowledge({"identifier": {"words": [False]}})  # YAML read `no`
    with pytest.raises(ValueError, match="unknown key"):
        Vocabulary.from_knowledge({"identifier": {"word": ["id"]}})


def _meanings_asked_in(folder: Path) -> set[str]:
    """String meanings passed to says()/says_any()/matches() or kept as ``Meaning`` constants."""
    asked: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and node.args and _name(node.func) in ASKING:
                asked |= _strings(node.args[0])
            elif isinstance(node, ast.AnnAssign) and "Meaning" in ast.unparse(node.annotation):
                asked |= _strings(node.value)
    return asked


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _strings(node: ast.expr | None) -> set[str]:
    if node is None:
        return set()
    return {n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}
