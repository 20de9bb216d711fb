"""What the demo company has built in on purpose: ONE list, rendered for people and for tests.

Each entry says what was planted, in which file and column, and which later feature should
find it. The generators add where exactly it ended up (``rows`` and more) via
``Landscape.plant(id, ...)``. Row numbers count data rows: row 1 is the first row below the
header (for workbooks ``excel_rows`` gives the row number Excel shows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datensorgfalt.demo.partners import PARTNERS, TARGET

PLANTED_JSON = ".demo/planted.json"
PLANTED_MD = "GEPFLANZT.md"


@dataclass(frozen=True)
class Plant:
    id: str
    what: str
    files: tuple[str, ...]
    column: str | None
    found_by: tuple[str, ...]
    facts: dict[str, Any] = field(default_factory=dict)


ERP = "vertrieb/erp_umsatz_2021-2025.csv"
CUSTOMERS = "vertrieb/kundenliste.xlsx"
PRICES = "vertrieb/preisliste_2025.xlsx"
HR = "personal/mitarbeiter.xlsx"
INSPECTIONS = "qualitaet/pruefprotokolle.csv"
SENSORS = tuple(f"produktion/sensoren/presse_0{n}.csv" for n in range(1, 5))

PLANTED: tuple[Plant, ...] = (
    Plant("duplicate-customer",
          "Derselbe Kunde zweimal mit verschiedener Schreibweise (Schmidt/Schmitt Metallbau "
          "GmbH), gleiche Anschrift, zwei Kundennummern; beide kommen im ERP-Export vor.",
          (CUSTOMERS, ERP), "Firma", ("quality.uniqueness", "quality.consistency")),
    Plant("article-number-clash",
          "Eine Artikelnummer (BT-1040) für zwei verschiedene Artikel: Haltebügel (Biegeteile) "
          "und Lochblech (Stanzteile, seit 2024), in der Preisliste und im ERP-Export.",
          (PRICES, ERP), "Artikelnr", ("quality.uniqueness", "quality.consistency")),
    Plant("sensor-logs",
          "Stündliche Sensorprotokolle von vier Pressen für 2025 (Zweischichtbetrieb Mo-Fr "
          "6-22 Uhr, sonst Stillstand), Semikolon und Dezimalkomma, UTF-8.",
          SENSORS, "Zeitstempel", ("quality.time_series", "quality.regularity"),
          {"frequency": "H", "start": "2025-01-01 00:00:00", "end": "2025-12-31 23:00:00",
           "rows_per_file_without_gap": 8760}),
    Plant("sensor-gap",
          "Lücke von vier Wochen im Sensorprotokoll von Presse 2 (Datenlogger defekt).",
          ("produktion/sensoren/presse_02.csv",), "Zeitstempel",
          ("quality.regularity", "quality.time_series")),
    Plant("unit-change",
          "Einheitenwechsel °C -> K in Temperatur_C von Presse 3 ab 01.09.2025 "
          "(Werte + 273,15 nach einem Firmware-Update).",
          ("produktion/sensoren/presse_03.csv",), "Temperatur_C",
          ("quality.accuracy", "quality.consistency")),
    Plant("mixed-date-formats",
          "Prüfdatum in zwei Formaten in derselben Spalte: TT.MM.JJJJ (Papier) und "
          "JJJJ-MM-TT (Tablet-App ab Juli 2025).",
          (INSPECTIONS,), "Prüfdatum", ("readers.types", "quality.consistency")),
    Plant("placeholders",
          "Platzhalter statt Werten: „n/a“ und „-“ im Istwert, „0000-00-00“ im Prüfdatum.",
          (INSPECTIONS,), "Istwert_mm, Prüfdatum", ("readers.types", "quality.completeness",
                                                    "quality.validity")),
    Plant("missing-values-customers",
          "Leere Zellen in der Kundenliste: einige Kunden ohne IBAN, E-Mail oder Telefon.",
          (CUSTOMERS,), "IBAN, E-Mail, Telefon", ("quality.completeness",)),
    Plant("typos-customer-city",
          "Tippfehler „Dortmnud“ einmal unter vielen „Dortmund“.",
          (CUSTOMERS,), "Ort", ("quality.accuracy",)),
    Plant("typos-inspection",
          "Tippfehler „Prese 3“ einmal unter vielen „Presse 3“.",
          (INSPECTIONS,), "Maschine", ("quality.accuracy",)),
    Plant("typos-erp",
          "Zwei von Hand getippte Fehler im ERP-Export: „Winkelbelch“ statt „Winkelblech“ "
          "und „Brügemann“ statt „Brüggemann“.",
          (ERP,), "Artikel, Kunde", ("quality.accuracy",)),
    Plant("title-block",
          "Titelblock mit Hinweisen über der Tabelle im Blatt „Biegeteile“; die Tabelle "
          "beginnt erst in Zeile 5.",
          (PRICES,), None, ("readers.spreadsheet",)),
    Plant("german-csv",
          "Deutscher ERP-Export: Windows-1252, Semikolon, Dezimalkomma, Tausenderpunkt in "
          "Beträgen, Datum TT.MM.JJJJ, Umlaute in Kunden- und Artikelnamen.",
          (ERP,), None, ("readers.delimited", "readers.types")),
    Plant("personal-data-customers",
          "Personenbezogene Daten in der Kundenliste: Ansprechpartner, Telefon, E-Mail, "
          "Anschrift, IBAN (gültige Prüfsummen).",
          (CUSTOMERS, "datenbank/auftraege.sqlite"),
          "Ansprechpartner, Telefon, E-Mail, Straße, IBAN", ("privacy",),
          {"columns": {"Ansprechpartner": ["PERSON"], "Straße": ["ADDRESS"],
                       "Telefon": ["PHONE"], "E-Mail": ["EMAIL"], "IBAN": ["IBAN"]},
           "database_columns": {"kunden.ansprechpartner": ["PERSON"],
                                "kunden.telefon": ["PHONE"], "kunden.email": ["EMAIL"]}}),
    Plant("personal-data-hr",
          "Personalliste mit Namen, Geburtsdaten, Anschriften, Telefon, IBAN, Steuer-ID "
          "(gültige Prüfziffer), SV-Nummer und besonderen Kategorien (Art. 9 DSGVO): "
          "Konfession und Schwerbehinderung, dazu Gesundheitsangaben im Freitext (Bemerkung).",
          (HR,), None, ("privacy", "privacy.special_categories"),
          {"columns": {"Nachname": ["PERSON"], "Vorname": ["PERSON"],
                       "Geburtsdatum": ["BIRTH_DATE"], "Straße": ["ADDRESS"],
                       "Telefon": ["PHONE"], "IBAN": ["IBAN"], "Steuer-ID": ["TAX_ID"],
                       "SV-Nummer": ["SOCIAL_SECURITY_NUMBER"], "Konfession": ["RELIGION"],
                       "Schwerbehinderung": ["HEALTH"], "Bemerkung": ["HEALTH"]}}),
    Plant("personal-data-requests",
          "Kundenanfragen (E-Mails und Telefonnotizen) mit Namen, Anschriften, Telefon, "
          "E-Mail; einige mit IBAN.",
          ("anfragen/",), None, ("privacy.documents",),
          {"kinds": ["PERSON", "ADDRESS", "PHONE", "EMAIL", "IBAN"]}),
    Plant("no-personal-data-sensors",
          "Die Sensorprotokolle enthalten keine personenbezogenen Daten (darf nichts melden).",
          SENSORS, None, ("privacy",), {"kinds": []}),
    Plant("request-labels",
          "Rund 180 Anfragen, jede mit dem Kalkulationsschlüssel, zu dem sie führte; die "
          "Wortwahl hängt am Schlüssel (ein Textklassifikator schlägt die häufigste Klasse).",
          ("anfragen/zuordnung.csv",), "Schlüssel", ("usecases", "poc.text_classification")),
    Plant("sales-history",
          "Fünf Jahre Umsatz (2021-2025) mit Wochen- und Jahresmuster, Aufwärtstrend, keinen "
          "Verkäufen an Sonntagen, NRW-Feiertagen, 24.12. und 31.12.",
          (ERP,), "Belegdatum, Nettobetrag", ("quality.time_series", "usecases", "poc.forecast"),
          {"frequency": "D", "weekly_pattern": "Mo hoch, Fr niedrig, Sa wenig, So nie",
           "yearly_pattern": "August und Dezember schwach, März und Oktober stark",
           "trend_per_year": 0.12}),
    Plant("failures-with-precursor",
          "Maschinenausfälle, denen jeweils tagelang steigende Vibration vorausgeht; dazu "
          "kleine Störungen ohne Vorzeichen.",
          ("produktion/wartung/stoerungen.csv", *SENSORS), "Vibration_mm_s",
          ("usecases", "poc.predictive_maintenance")),
    Plant("wear-trend",
          "Verschleiß: die Grundvibration steigt mit den Betriebsstunden und fällt nach "
          "Wartung oder Reparatur zurück.",
          SENSORS, "Vibration_mm_s", ("poc.predictive_maintenance",)),
    Plant("few-defect-images",
          "Viele Bilder guter Teile (ok/), aber zu wenige mit Fehlern (defekt/) für eine "
          "Bilderkennung.",
          ("bilder/pruefung/",), None, ("scan.images", "usecases", "readiness")),
    Plant("exact-copy",
          "Bytegleiche Kopie des ERP-Exports im Archiv.",
          ("archiv/erp_umsatz_kopie.csv", ERP), None, ("scan.copy_of",)),
    Plant("outdated-price-list",
          "Veraltete Preisliste 2023, Datei zuletzt am 15.10.2024 geändert.",
          ("vertrieb/alt/preisliste_2023.xlsx",), None, ("quality.currentness", "scan")),
    Plant("empty-file", "Leere Datei (0 Byte).", ("archiv/leer.csv",), None, ("scan",)),
    Plant("broken-xlsx", "Kaputte Excel-Datei (abgebrochene Kopie).", ("archiv/kaputt.xlsx",),
          None, ("scan",)),
    Plant("partner-machine-data",
          "Maschinendaten dreier Kunden (Schneidstempel aus Müllers Werkzeugbau in deren "
          "Pressen): Betriebsstunden, Last, Blech, Blechdicke, Temperatur und Verschleiß. "
          "Ungleich viele Zeilen, dieselbe Physik mit einer Verschiebung je Kunde, ein paar "
          "Lücken. Im versteckten Ordner .partner/, weil sie für die Rechner der Kunden stehen: "
          "Müllers Scan nimmt sie nicht auf. Allein hat der kleinste Kunde zu wenig Zeilen, "
          "gemeinsam reicht es.",
          tuple(p.file for p in PARTNERS), TARGET, ("federated",),
          {"inserts_per_customer": {p.name: p.rows for p in PARTNERS},
           "wear_factor_per_customer": {p.name: p.factor for p in PARTNERS}}),
    Plant("order-database",
          "Auftragsdatenbank (SQLite) mit Kunden, Aufträgen und Positionen, passend zum "
          "ERP-Export.",
          ("datenbank/auftraege.sqlite",), None, ("scan.database", "quality")),
)


def planted_entries(found: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The planted list with the generators' details (rows, timestamps ...) filled in."""
    entries = []
    for plant in PLANTED:
        entry: dict[str, Any] = {
            "id": plant.id, "what": plant.what, "files": list(plant.files),
            "column": plant.column, "found_by": list(plant.found_by),
        }
        details = found.get(plant.id, {})
        clash = set(details) & (set(entry) | set(plant.facts))
        if clash:
            raise ValueError(f"planted {plant.id}: details overwrite {sorted(clash)}")
        entry.update(plant.facts)
        entry.update(details)
        entries.append(entry)
    return entries


def load_planted(root: Path) -> dict[str, dict[str, Any]]:
    """The planted list of a generated demo folder, by id (for tests of later features)."""
    document = json.loads((Path(root) / PLANTED_JSON).read_text("utf-8"))
    return {entry["id"]: entry for entry in document["planted"]}


def planted_json(entries: list[dict[str, Any]], company: dict[str, Any]) -> bytes:
    document = {"company": company, "row_numbers": "row 1 = first data row below the header",
                "planted": entries}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def planted_markdown(entries: list[dict[str, Any]], company: dict[str, Any]) -> bytes:
    lines = [
        f"# Was in den Beispieldaten der {company['name']} steckt",
        "",
        "Diese Daten sind erfunden und von `datensorgfalt demo` erzeugt. Folgendes ist mit "
        "Absicht eingebaut, damit die Prüfungen etwas Echtes finden. Zeilennummern zählen "
        "Datenzeilen: Zeile 1 ist die erste Zeile unter der Kopfzeile (bei Excel-Dateien "
        "nennt `Excel-Zeilen` die Zeilennummer, die Excel anzeigt). Dasselbe für Programme: "
        "`.demo/planted.json`.",
        "",
    ]
    for entry in entries:
        lines += [f"## {entry['id']}", "", entry["what"], ""]
        lines.append(f"- Dateien: {', '.join(f'`{f}`' for f in entry['files'])}")
        if entry["column"]:
            lines.append(f"- Spalte: {entry['column']}")
        lines.append(f"- Soll gefunden werden von: {', '.join(entry['found_by'])}")
        for key, value in entry.items():
            if key not in {"id", "what", "files", "column", "found_by"}:
                lines += _detail(key, value)
        lines.append("")
    return "\n".join(lines).encode("utf-8")


#: German labels of the detail keys in GEPFLANZT.md (planted.json keeps the keys).
LABELS = {
    "rows": "Zeilen", "excel_rows": "Excel-Zeilen", "erp_rows": "Zeilen im ERP-Export",
    "erp_row_counts": "Anzahl Zeilen im ERP-Export", "customer_numbers": "Kundennummern",
    "price_list_excel_rows": "Excel-Zeilen in der Preisliste", "gap_from": "Lücke ab",
    "gap_until": "Lücke bis", "missing_hours": "fehlende Stunden",
    "changed_from": "geändert ab", "first_row": "erste geänderte Zeile", "offset": "Versatz",
    "formats": "Formate", "iso_from": "JJJJ-MM-TT ab", "total_rows": "Zeilen insgesamt",
    "rows_by_value": "Zeilen je Platzhalter", "rows_by_column": "Zeilen je Spalte",
    "value": "Wert", "correct": "richtig wäre", "correct_count": "richtig geschrieben (Anzahl)",
    "typos": "Tippfehler", "sheet": "Blatt", "header_excel_row": "Kopfzeile in Excel-Zeile",
    "columns": "Spalten und Art", "database_columns": "Spalten in der Datenbank",
    "customers": "Kunden", "employees": "Beschäftigte",
    "special_categories": "besondere Kategorien", "kinds": "Arten",
    "files_with_iban": "Dateien mit IBAN", "request_count": "Anfragen",
    "counts": "Anzahl je Schlüssel", "requests": "Anfragen",
    "majority_share": "Anteil des häufigsten Schlüssels",
    "mixed_wording": "Anfragen mit gemischter Wortwahl (Nummern)", "failures": "Ausfälle",
    "minor_stops_without_precursor": "Störungen ohne Vorzeichen (Zeilen im Störungsprotokoll)",
    "planned_service": "geplante Wartung", "frequency": "Takt", "start": "Beginn",
    "end": "Ende", "first_day": "erster Tag", "last_day": "letzter Tag",
    "days_with_sales": "Tage mit Umsatz", "sundays": "Sonntage mit Umsatz",
    "net_total_by_year": "Nettoumsatz je Jahr (EUR)", "weekly_pattern": "Wochenmuster",
    "yearly_pattern": "Jahresmuster", "trend_per_year": "Wachstum je Jahr",
    "labels": "Bilder je Ordner", "needed_per_label": "nötig je Ordner",
    "defects": "Fehlerarten", "copy_of": "Kopie von", "mtime": "geändert am",
    "bytes": "Bytes", "truncated_from": "abgeschnitten aus", "orders": "Aufträge",
    "order_lines": "Auftragspositionen",
    "rows_per_file_without_gap": "Zeilen je Datei (ohne Lücke)",
    "wear_mm_s_per_1000_operating_hours": "Verschleiß (mm/s je 1000 Betriebsstunden)",
    "inserts_per_customer": "Einsätze (Zeilen) je Kunde",
    "wear_factor_per_customer": "Verschleißfaktor je Kunde (1 = Mittel)",
}


def _detail(key: str, value: Any) -> list[str]:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [f"- {_label(key)}:"] + [
            "  - " + ", ".join(f"{k}: {_short(v)}" for k, v in item.items()) for item in value
        ]
    return [f"- {_label(key)}: {_short(value)}"]


def _label(key: str) -> str:
    return LABELS.get(key, key)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 300 else text[:280] + " ... (vollständig in planted.json)"
