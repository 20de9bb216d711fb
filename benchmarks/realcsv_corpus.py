"""Writes the real-export corpus for ``benchmarks/realcsv.py``: text tables as German companies,
labs and public offices get them out of their systems, each with the table a perfect loader
returns (``NAME.json``: header and rows as text, one header row; header rows over several lines
joined with a space, as Pollock's clean files do).

    python benchmarks/realcsv_corpus.py [OUT_DIR]   (default: benchmarks/data/realcsv)

The formats follow published descriptions of each export (DATEV-Format EXTF 700, SAP ALV list
output, Excel's "CSV (Trennzeichen-getrennt)" / "CSV UTF-8" / "Unicode-Text", Sparkasse and
Deutsche Bank account CSV, HOBOware and plate-reader exports, GENESIS-Online flat tables, DWD
climate data, municipal budget files); the values are made up with a fixed seed. ``dev/`` is
what detection was developed on; ``holdout/`` was scored only at the end.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

Table = tuple[bytes, list[str], list[list[str]]]

FIRST = ["Anna", "Jürgen", "Özlem", "Peter", "Sabine", "Thomas", "Maria", "Klaus", "Jana", "Lukas"]
LAST = ["Müller", "Schmidt", "Weiß", "Groß", "Becker", "Öztürk", "Hoffmann", "Schäfer", "Koch"]
FIRMS = ["Bäckerei Schön GmbH", "Groß & Söhne KG", "Elektro Weiß e.K.", "Müller Logistik AG",
         "Stadtwerke Nordheim", "Café am Markt", "Holzbau Jäger GmbH & Co. KG", "Dr. Koch, Praxis"]
CITIES = ["Berlin", "München", "Köln", "Düsseldorf", "Görlitz", "Lübeck", "Fürth", "Essen"]
STREETS = ["Hauptstraße", "Bahnhofstr.", "Am Mühlbach", "Lindenallee", "Kirchplatz"]
ITEMS = ["Schraube M8x40, verzinkt", "Kabel NYM-J 3x1,5", "Dübel 8 mm", "Brötchen „Kaiser“",
         "Kaffee 1 kg", "Laptop 15\" Pro", "Bürostuhl Ergo", "Ordner A4 breit"]


def de(x: float, places: int = 2, group: bool = False) -> str:
    text = f"{x:,.{places}f}" if group else f"{x:.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def day(rng: random.Random, year: int = 2025) -> tuple[int, int, int]:
    return year, rng.randint(1, 12), rng.randint(1, 28)


def dmy(rng: random.Random, year: int = 2025) -> str:
    y, m, d = day(rng, year)
    return f"{d:02d}.{m:02d}.{y}"


def iso(rng: random.Random, year: int = 2025) -> str:
    y, m, d = day(rng, year)
    return f"{y}-{m:02d}-{d:02d}"


def cell(value: str, delimiter: str, quote_all: bool = False) -> str:
    if quote_all or any(c in value for c in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def lines(rows: list[list[str]], delimiter: str = ";", newline: str = "\r\n",
          quote_all: bool = False) -> str:
    return "".join(delimiter.join(cell(v, delimiter, quote_all) for v in r) + newline
                   for r in rows)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


# --- accounting -----------------------------------------------------------------------------

DATEV_COLUMNS = [
    "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs",
    "Basis-Umsatz", "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto", "Buchungstext",
    "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt",
    "Zinssperre", "Beleglink", "Beleginfo - Art 1", "Beleginfo - Inhalt 1",
    "Beleginfo - Art 2", "Beleginfo - Inhalt 2", "KOST1 - Kostenstelle", "KOST2 - Kostenstelle",
]


def datev_buchungsstapel(rng: random.Random, n: int = 40) -> Table:
    extf = ('"EXTF";700;21;"Buchungsstapel";13;20250203120512345;;"RE";"Admin";"";1000;10001;'
            '20250101;4;20250101;20250131;"Buchungen Januar";"";1;0;0;"EUR";;"";;;"03";;;"";""')
    rows = []
    texts = ["Erlöse 19 %", "Miete Büro Januar", "Telefon; Internet", "Bewirtung Kunde",
             "Kfz-Kosten", "Wareneingang 7 %", "Porto"]
    for i in range(n):
        row = [de(rng.uniform(5, 9000)), rng.choice("SH"), "EUR", "", "", "",
               str(rng.choice([1200, 1800, 4400, 6815, 8400])), str(rng.randint(10000, 10099)),
               rng.choice(["", "9", "8"]), f"{rng.randint(1, 28):02d}01",
               f"RE-{1000 + i}", "", "", rng.choice(texts), "", "", "", "", "", "", "", "",
               "", "", rng.choice(["", "100", "200"]), ""]
        rows.append(row)
    body = []
    for r in rows:
        quoted = [v if j in (0, 3, 4, 9, 12) or not v and j in (3, 4) else f'"{v}"'
                  for j, v in enumerate(r)]
        body.append(";".join(quoted))
    header = ";".join(DATEV_COLUMNS)
    text = extf + "\r\n" + header + "\r\n" + "\r\n".join(body) + "\r\n"
    return text.encode("cp1252"), DATEV_COLUMNS, rows


def datev_debitoren(rng: random.Random, n: int = 25) -> Table:
    extf = ('"EXTF";700;16;"Debitoren/Kreditoren";5;20250203101010000;;"SV";"";"";1000;10001;'
            '20250101;4;;;"";"";;;;"";;"";;;"";;;"";""')
    header = ["Konto", "Name (Adressattyp Unternehmen)", "Unternehmensgegenstand",
              "Name (Adressattyp natürl. Person)", "Vorname (Adressattyp natürl. Person)",
              "Adressattyp", "Kurzbezeichnung", "EU-Land", "EU-UStID", "Anrede", "Straße",
              "Postleitzahl", "Ort", "Land", "Telefon", "E-Mail"]
    rows = []
    for i in range(n):
        firm = rng.random() < 0.6
        name = rng.choice(FIRMS) if firm else ""
        rows.append([str(10000 + i), name, "", "" if firm else rng.choice(LAST),
                     "" if firm else rng.choice(FIRST), "2" if firm else "1",
                     name[:15] if firm else "", "DE" if firm else "",
                     f"{rng.randint(100000000, 999999999)}" if firm else "",
                     "Firma" if firm else rng.choice(["Herr", "Frau"]),
                     f"{rng.choice(STREETS)} {rng.randint(1, 99)}",
                     f"{rng.randint(10000, 99999)}", rng.choice(CITIES), "DE",
                     f"0{rng.randint(30, 89)} {rng.randint(100000, 999999)}",
                     f"info{i}@example.de"])
    text = extf + "\r\n" + lines([header], quote_all=True) + lines(rows, quote_all=True)
    return text.encode("cp1252"), header, rows


def kassenbuch(rng: random.Random, n: int = 30) -> Table:
    header = ["Datum", "Beleg-Nr.", "Text", "Einnahme", "Ausgabe", "Saldo"]
    rows, saldo = [], 500.0
    for i in range(n):
        inn = rng.random() < 0.5
        amount = rng.uniform(3, 400)
        saldo += amount if inn else -amount
        rows.append([dmy(rng), f"K{i + 1:04d}", rng.choice(["Barverkauf", "Porto", "Tanken",
                     "Büromaterial", "Trinkgeld; Lieferant"]),
                     de(amount) if inn else "", "" if inn else de(amount), de(saldo)])
    title = [["Kassenbuch Januar 2025", "", "", "", "", ""],
             ["Filiale Görlitz; Kasse 2", "", "", "", "", ""]]
    text = lines(title) + lines([["", "", "", "", "", ""]]) + lines([header]) + lines(rows)
    return text.encode("cp1252"), header, rows


def sap_alv_list(rng: random.Random, n: int = 30) -> Table:
    header = ["Belegnr", "Buchungsdat", "Betrag", "Währg", "Text"]
    widths = [11, 11, 14, 5, 24]
    rows = [[str(rng.randint(100000000, 199999999)), dmy(rng), de(rng.uniform(-5000, 9000), 2,
             True).replace("-", "") + ("-" if rng.random() < 0.3 else ""), "EUR",
             rng.choice(["Miete Januar", "Wartung Anlage 3", "Gutschrift 4711", "Fracht"])]
            for _ in range(n)]

    def line(values: list[str]) -> str:
        return "|" + "|".join(v.rjust(w) if k == 2 else v.ljust(w)
                              for k, (v, w) in enumerate(zip(values, widths, strict=True))) + "|"

    rule = "-" * (sum(widths) + len(widths) + 1)
    text = "\r\n".join([f"{dmy(rng)}{'Dynamische Listenausgabe':>40}{'1':>20}", "", rule,
                        line(header), rule, *[line(r) for r in rows], rule]) + "\r\n"
    return text.encode("cp1252"), header, rows


def sap_spreadsheet(rng: random.Random, n: int = 30, lead: bool = False) -> Table:
    """SAP 'Tabellenkalkulation' / unconverted to text: tab separated, a title above."""
    header = ["Material", "Materialkurztext", "Werk", "Lagerort", "Frei verwendbar", "BME",
              "Wert frei verw."]
    rows = [[f"{rng.randint(1, 99999):018d}"[-8:], rng.choice(ITEMS), "1000",
             rng.choice(["0001", "0002", "HL01"]), de(rng.uniform(0, 5000), 3, True),
             rng.choice(["ST", "KG", "M"]), de(rng.uniform(0, 90000), 2, True)]
            for _ in range(n)]
    pre = "\t" if lead else ""
    text = (f"{pre}Lagerbestand Werk 1000\r\n\r\n{pre}Stichtag: {dmy(rng)}\r\n\r\n"
            + "".join(pre + "\t".join(r) + "\r\n" for r in [header, *rows]))
    return text.encode("cp1252"), header, rows


def erp_orders_export(rng: random.Random, n: int = 35) -> Table:
    title = "Export erstellt am Montag, 3. Februar 2025, Benutzer Admin, Mandant 100"
    header = ["Auftrag", "Position", "Kunde", "Artikel", "Menge", "Preis", "Liefertermin"]
    rows = [[str(450000 + i), str(rng.randint(1, 9) * 10), rng.choice(FIRMS), rng.choice(ITEMS),
             str(rng.randint(1, 500)), f"{rng.uniform(0.2, 900):.2f}", iso(rng)]
            for i in range(n)]
    text = title + "\n" + lines([header, *rows], ",", "\n")
    return text.encode("utf-8"), header, rows


# --- Excel ------------------------------------------------------------------------------------


def excel_semicolon(rng: random.Random, n: int = 30, multiline: bool = False,
                    padded: bool = False) -> Table:
    header = ["Kundennr", "Firma", "Ansprechpartner", "Straße", "PLZ", "Ort", "Umsatz 2024",
              "Letzter Kontakt", "Bemerkung"]
    rows = []
    for i in range(n):
        note = rng.choice(["", "", "Zahlt pünktlich", "Rabatt 3 %; nur Vorkasse",
                           'Sagt "immer" ab'])
        if multiline and rng.random() < 0.3:
            note = "Rückruf erbeten\nab 14 Uhr"
        rows.append([str(20000 + i), rng.choice(FIRMS), person(rng),
                     f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                     f"{rng.randint(1000, 99999):05d}", rng.choice(CITIES),
                     de(rng.uniform(100, 250000)), dmy(rng, 2024), note])
    extra = ["", ""] if padded else []
    body = [r + extra for r in [header, *rows]]
    text = lines(body)
    if padded:
        text += lines([[""] * len(body[0])] * 3)
    return text.encode("cp1252"), header, rows


def excel_utf8(rng: random.Random, n: int = 30, delimiter: str = ";") -> Table:
    header = ["Artikelnummer", "Bezeichnung", "Warengruppe", "EK netto", "VK brutto", "Bestand",
              "Aktiv"]
    rows = [[f"A-{rng.randint(1000, 9999)}", rng.choice(ITEMS), rng.choice(["Werkzeug",
             "Büro", "Lebensmittel", "Elektro"]),
             de(rng.uniform(1, 300)) if delimiter == ";" else f"{rng.uniform(1, 300):.2f}",
             de(rng.uniform(2, 600)) if delimiter == ";" else f"{rng.uniform(2, 600):.2f}",
             str(rng.randint(0, 900)), rng.choice(["WAHR", "FALSCH"] if delimiter == ";"
                                                 else ["TRUE", "FALSE"])]
            for _ in range(n)]
    text = "\ufeff" + lines([header, *rows], delimiter)
    return text.encode("utf-8"), header, rows


def excel_sep_line(rng: random.Random, n: int = 25) -> Table:
    header = ["Datum", "Mitarbeiter", "Projekt", "Stunden", "Stundensatz"]
    rows = [[dmy(rng), person(rng), rng.choice(["Umbau Halle 2", "Website", "Inventur"]),
             de(rng.choice([0.5, 1, 2.25, 7.5, 8])), de(rng.choice([45, 60, 85.5]))]
            for _ in range(n)]
    text = "sep=;\r\n" + lines([header, *rows])
    return text.encode("cp1252"), header, rows


def excel_unicode_text(rng: random.Random, n: int = 30) -> Table:
    """Excel 'Unicode-Text': UTF-16 LE with BOM, tab separated."""
    header = ["Personalnr", "Name", "Abteilung", "Eintritt", "Wochenstunden", "Urlaubstage"]
    rows = [[str(rng.randint(100, 999)), person(rng), rng.choice(["Vertrieb", "Lager",
             "Buchhaltung", "IT"]), dmy(rng, rng.randint(1995, 2024)),
             de(rng.choice([20, 30, 38.5, 40]), 1), str(rng.choice([24, 28, 30]))]
            for _ in range(n)]
    text = lines([header, *rows], "\t")
    return b"\xff\xfe" + text.encode("utf-16-le"), header, rows


def time_tracking(rng: random.Random, n: int = 30) -> Table:
    header = ["Datum", "Kommen", "Gehen", "Pause", "Dauer", "Projekt"]
    rows = []
    for _ in range(n):
        start = rng.randint(6, 9)
        rows.append([dmy(rng), f"{start:02d}:{rng.choice([0, 15, 30]):02d}",
                     f"{start + 8:02d}:{rng.choice([0, 30, 45]):02d}", "00:30",
                     f"{rng.randint(6, 9)}:{rng.choice([0, 15, 30, 45]):02d}",
                     rng.choice(["P-100", "P-204", "Intern"])])
    title = [["Zeiterfassung", person(rng), "", "", "", ""], ["Zeitraum", "01.01.2025 - 31.01.2025",
             "", "", "", ""]]
    text = lines(title + [header, *rows])
    return text.encode("cp1252"), header, rows


# --- banks ------------------------------------------------------------------------------------


def sparkasse(rng: random.Random, n: int = 30, newline_last: bool = True) -> Table:
    header = ["Auftragskonto", "Buchungstag", "Valutadatum", "Buchungstext", "Verwendungszweck",
              "Beguenstigter/Zahlungspflichtiger", "Kontonummer", "BLZ", "Betrag", "Waehrung",
              "Info"]
    rows = []
    for _ in range(n):
        date = dmy(rng)[:6] + "25"
        info = "Umsatz gebucht"
        if newline_last and rng.random() < 0.3:
            info = "Umsatz gebucht\nVormerkposten"
        rows.append(["DE12500105170648489890", date, date, rng.choice(["LASTSCHRIFT",
                     "GUTSCHRIFT", "KARTENZAHLUNG"]), rng.choice(["Miete 01/25",
                     "RE 2025-0042 vom 02.01.", "EREF: 123; MREF: A-9"]), rng.choice(FIRMS),
                     "DE02120300000000202051", "BYLADEM1001", de(rng.uniform(-900, 900)), "EUR",
                     info])
    text = lines([header, *rows], quote_all=True)
    return text.encode("cp1252"), header, rows


def deutsche_bank(rng: random.Random, n: int = 25) -> Table:
    pre = ["Umsätze Girokonto;Zeitraum: 01.01.2025 - 31.01.2025;;;;",
           "Neuer Kontostand;12.345,67 EUR;;;;", ";;;;;"]
    header = ["Buchungstag", "Wert", "Umsatzart", "Begünstigter / Auftraggeber",
              "Verwendungszweck", "Betrag (€)"]
    rows = [[dmy(rng), dmy(rng), rng.choice(["SEPA-Überweisung", "Kartenzahlung",
             "SEPA-Lastschrift"]), rng.choice(FIRMS), rng.choice(["Rechnung 17", "Gehalt",
             "Abo"]), de(rng.uniform(-2000, 3000), 2, True)] for _ in range(n)]
    text = ("\r\n".join(pre) + "\r\n" + lines([header, *rows])
            + "Kontostand;31.01.2025;;;12.345,67;\r\n")
    return text.encode("cp1252"), header, rows


# --- labs and instruments --------------------------------------------------------------------


def hobo_logger(rng: random.Random, n: int = 40) -> Table:
    header = ["#", "Datum Zeit, GMT+01:00", "Temp., °C (LGR S/N: 20512345, SEN S/N: 20512345)",
              "RH, % (LGR S/N: 20512345, SEN S/N: 20512345)"]
    rows = [[str(i + 1), f"01.02.2025 {i // 4:02d}:{(i % 4) * 15:02d}:00",
             f"{rng.uniform(2, 8):.3f}", f"{rng.uniform(40, 80):.1f}"] for i in range(n)]
    text = '"Plot Title: Kuehlraum 2"\r\n' + lines([header], ",", quote_all=True) + lines(
        rows, ",")
    return text.encode("utf-8"), header, rows


def plate_reader(rng: random.Random, n: int = 24, delimiter: str = "\t") -> Table:
    meta = [["Software Version", "3.11.19"], ["Experiment File Path:", r"C:\Daten\ELISA_03.xpt"],
            ["Protocol File Path:", ""], ["Plate Number", "Plate 1"], ["Date", "03.02.2025"],
            ["Time", "10:42:17"], ["Reader Type:", "Synergy H1"], []]
    header = ["Well", "Sample", "Conc. (ng/mL)", "OD 450", "OD 570", "Temp"]
    rows = [[f"{'ABCDEFGH'[i // 3]}{i % 3 + 1}", f"Probe {i + 1}", de(rng.uniform(0, 50), 3),
             de(rng.uniform(0.05, 3), 4), de(rng.uniform(0.03, 0.1), 4), "24,8"] for i in range(n)]
    text = lines(meta, delimiter) + lines([header, *rows], delimiter)
    return text.encode("cp1252"), header, rows


def lab_units(rng: random.Random, n: int = 30) -> Table:
    names = ["Zeit", "Temperatur", "pH", "Leitfähigkeit", "O2"]
    units = ["[s]", "[°C]", "[-]", "[mS/cm]", "[mg/l]"]
    rows = [[str(i * 10), de(rng.uniform(18, 25), 1), de(rng.uniform(6.5, 7.8), 2),
             de(rng.uniform(0.5, 2), 3), de(rng.uniform(6, 10), 2)] for i in range(n)]
    meta = [["Messprotokoll Reaktor R2", "", "", "", ""], ["Gerät: Multi 3630 IDS; SN 19051234",
            "", "", "", ""], ["Operator", "A. Groß", "", "", ""], ["", "", "", "", ""]]
    text = lines(meta + [names, units, *rows])
    header = [f"{a} {b}" for a, b in zip(names, units, strict=True)]
    return text.encode("cp1252"), header, rows


def lab_probe_header(rng: random.Random, n: int = 20, names: list[str] | None = None) -> Table:
    header = names or ["Probe 1", "Probe 2", "Probe 3", "12 mm", "24 mm", "Mittel"]
    rows = [[de(rng.uniform(0, 100), 2) for _ in header] for _ in range(n)]
    text = lines([header, *rows])
    return text.encode("cp1252"), header, rows


def lab_keyvalue_block(rng: random.Random, n: int = 25) -> Table:
    meta = [["Probenahme", "03.02.2025"], ["Ort", "Brunnen 4; Tiefe 12 m"], ["Labor", "LUA"],
            ["Methode", "DIN EN ISO 10304-1"]]
    header = ["Parameter", "Einheit", "Messwert", "Grenzwert", "Bestimmungsgrenze", "Bewertung"]
    params = ["Nitrat", "Nitrit", "Chlorid", "Sulfat", "Fluorid", "Ammonium", "Eisen", "Mangan"]
    rows = [[rng.choice(params), "mg/l", de(rng.uniform(0, 60), 2), de(rng.choice([50, 0.5, 250]),
             1), "0,05", rng.choice(["i. O.", "i. O.", "Überschreitung"])] for _ in range(n)]
    text = lines(meta + [[]] + [header, *rows])
    return text.encode("cp1252"), header, rows


def scientific(rng: random.Random, n: int = 30) -> Table:
    header = ["Retention Time [min]", "Area [mAU*s]", "Height [mAU]", "Area %", "Name"]
    rows = [[f"{rng.uniform(1, 20):.3f}", f"{rng.uniform(1e-4, 5e3):.4E}",
             f"{rng.uniform(0, 900):.2f}",
             f"{rng.uniform(0, 100):.2f}", rng.choice(["Coffein", "Theobromin", "", "Unbekannt"])]
            for _ in range(n)]
    meta = ("Injection Date : 03.02.2025 10:11:12\tSeq. Line : 4\r\nSample Name : Probe 7\t\t\r\n"
            "\r\n")
    text = meta + lines([header, *rows], "\t")
    return text.encode("utf-8"), header, rows


# --- public sector and statistics ----------------------------------------------------------------


def genesis(rng: random.Random, n: int = 16, code: str = "12411-0010") -> Table:
    pre = [f"GENESIS-Tabelle: {code}", "Bevölkerung: Bundesländer, Stichtag;;;",
           "Fortschreibung des Bevölkerungsstandes;;;", "Stichtag: 31.12.2024;;;"]
    header = ["Bundesland", "männlich", "weiblich", "Insgesamt"]
    lands = ["Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg",
             "Hessen", "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen",
             "Rheinland-Pfalz", "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein",
             "Thüringen"]
    rows = []
    for land in lands[:n]:
        m, w = rng.randint(300000, 9000000), rng.randint(300000, 9000000)
        rows.append([land, str(m), str(w) if rng.random() > 0.1 else "-", str(m + w)])
    foot = ["__________", "Datenlizenz by-2-0; Quelle: Statistisches Bundesamt",
            "(C)opyright Statistisches Bundesamt (Destatis), 2025 | Stand: 03.02.2025 / 14:22:05"]
    text = "\r\n".join(pre) + "\r\n" + lines([header, *rows]) + "\r\n".join(foot) + "\r\n"
    return text.encode("cp1252"), header, rows


def years_header(rng: random.Random, n: int = 16) -> Table:
    header = ["Land", "2019", "2020", "2021", "2022", "2023"]
    rows = [[land, *[de(rng.uniform(1000, 90000), 1) for _ in range(5)]]
            for land in ["Bayern", "Berlin", "Hessen", "Sachsen", "Saarland", "Bremen",
                         "Hamburg", "Thüringen", "Brandenburg", "Niedersachsen"][:n]]
    text = "Bruttoinlandsprodukt in Mio. EUR\r\n" + lines([header, *rows])
    return text.encode("cp1252"), header, rows


def budget(rng: random.Random, n: int = 25, gap: str = "") -> Table:
    header = ["Kapitel", "Titel", "Zweckbestimmung", "Soll 2025", "Soll 2024", "Ist 2023"]
    rows = [[f"{rng.randint(1, 20):02d}{rng.randint(1, 99):02d}", f"{rng.randint(100, 999)} "
             f"{rng.randint(10, 99)}", rng.choice(["Geschäftsbedarf", "Mieten und Pachten",
             "Zuweisungen an Gemeinden", "Bewirtschaftung der Grundstücke", "Personalausgaben"]),
             de(rng.uniform(0, 9e6), 2, True), de(rng.uniform(0, 9e6), 2, True),
             de(rng.uniform(0, 9e6), 2, True)] for _ in range(n)]
    text = "Haushaltsplan 2025 - Einzelplan 03 Innenministerium\r\n" + gap + "\r\n" + lines(
        [header, *rows])
    return text.encode("cp1252"), header, rows


def spending_open_data(rng: random.Random, n: int = 35, us_dates: bool = False) -> Table:
    header = ["Department", "Entity", "Payment Date", "Expense Type", "Supplier",
              "Transaction Number", "Amount", "Description"]
    rows = []
    for _ in range(n):
        y, m, d = day(rng, 2024)
        date = f"{m:02d}/{d:02d}/{y}" if us_dates else f"{d:02d}/{m:02d}/{y}"
        rows.append(["Department for Transport", rng.choice(["DfT", "DVLA", "DVSA"]), date,
                     rng.choice(["IT Services", "Consultancy", "Rent, Rates & Service Charges"]),
                     rng.choice(["ACME LTD", "Smith & Sons, Plc", "O'Brien Consulting"]),
                     str(rng.randint(1000000, 9999999)), f"{rng.uniform(25000, 900000):.2f}",
                     rng.choice(["", "Quarterly charge", 'Licence "Enterprise" tier'])])
    return lines([header, *rows], ",", "\n").encode("utf-8"), header, rows


def dwd_climate(rng: random.Random, n: int = 40) -> Table:
    header = ["STATIONS_ID", "MESS_DATUM", "QN_9", "TT_TU", "RF_TU", "eor"]
    rows = [["44", f"20230101{h:02d}" if h < 24 else f"20230102{h - 24:02d}", "3",
             f"{rng.uniform(-5, 12):.1f}", f"{rng.uniform(60, 100):.1f}", "eor"]
            for h in range(n)]
    text = ";".join(header) + "\n" + "".join(
        f"{r[0]:>11};{r[1]};{r[2]:>5};{r[3]:>6};{r[4]:>6};eor\n" for r in rows)
    return text.encode("latin-1"), header, rows


def energy_load_profile(rng: random.Random, n: int = 48) -> Table:
    pre = [["Zählpunkt", "DE0001234567890000000000000123456"], ["Messlokation", "Halle 2"],
           ["Einheit", "kWh"], ["Zeitraum", "01.02.2025 - 01.02.2025"]]
    header = ["Datum", "Uhrzeit von", "Uhrzeit bis", "Wert", "Status"]
    rows = [["01.02.2025", f"{i // 4:02d}:{(i % 4) * 15:02d}",
             f"{(i + 1) // 4 % 24:02d}:{((i + 1) % 4) * 15:02d}", de(rng.uniform(2, 40), 3),
             rng.choice(["W", "W", "E"])] for i in range(n)]
    text = lines(pre + [header, *rows])
    return text.encode("cp1252"), header, rows


# --- web shops, CRM, misc --------------------------------------------------------------------


def shop_orders(rng: random.Random, n: int = 30) -> Table:
    header = ["Name", "Email", "Financial Status", "Paid at", "Subtotal", "Shipping", "Total",
              "Lineitem name", "Billing Address1", "Notes"]
    rows = []
    for i in range(n):
        note = rng.choice(["", "", "Bitte klingeln, 2. OG\nHinterhaus", "Geschenk, ohne Rechnung"])
        rows.append([f"#{1001 + i}", f"kunde{i}@example.com", rng.choice(["paid", "pending"]),
                     f"2025-01-{rng.randint(1, 28):02d} 1{rng.randint(0, 9)}:0{rng.randint(0, 9)}"
                     ":00 +0100", f"{rng.uniform(5, 300):.2f}", "4.90",
                     f"{rng.uniform(9, 305):.2f}",
                     rng.choice(ITEMS), f"{rng.choice(STREETS)} {rng.randint(1, 99)}", note])
    return lines([header, *rows], ",", "\n").encode("utf-8"), header, rows


def crm_contacts(rng: random.Random, n: int = 30) -> Table:
    header = ["Vorname", "Nachname", "Firma", "Position", "Telefon", "Mobil", "E-Mail", "Notiz"]
    rows = [[rng.choice(FIRST), rng.choice(LAST), rng.choice(FIRMS + ["", ""]),
             rng.choice(["", "", "GF", "Einkauf"]), rng.choice(["", "+49 30 1234567"]),
             rng.choice(["", "", "0171 2345678"]),
             rng.choice(["", f"x{rng.randint(1, 99)}@web.de"]),
             ""] for _ in range(n)]
    return lines([header, *rows], ",").encode("utf-8"), header, rows


def pipe_legacy(rng: random.Random, n: int = 30) -> Table:
    header = ["KDNR", "NAME1", "ORT", "UMSATZ", "DATUM"]
    rows = [[str(rng.randint(10000, 99999)), rng.choice(FIRMS).upper(), rng.choice(CITIES).upper(),
             f"{rng.uniform(0, 99999):.2f}", f"{rng.randint(20200101, 20241228)}"]
            for _ in range(n)]
    return lines([header, *rows], "|", "\n").encode("cp850"), header, rows


def address_list(rng: random.Random, n: int = 30) -> Table:
    header = ["Name", "Anschrift", "Telefon", "Mitglied seit"]
    rows = [[person(rng), f"{rng.choice(STREETS)} {rng.randint(1, 40)}, {rng.randint(10000, 99999)}"
             f" {rng.choice(CITIES)}", f"0{rng.randint(30, 99)}/{rng.randint(10000, 999999)}",
             str(rng.randint(1970, 2024))] for _ in range(n)]
    return lines([header, *rows]).encode("cp1252"), header, rows


def one_column(rng: random.Random, n: int = 30) -> Table:
    header = ["E-Mail"]
    rows = [[f"{rng.choice(FIRST).lower()}.{i}@example.de"] for i in range(n)]
    return lines([header, *rows], ";", "\n").encode("utf-8"), header, rows


def tiny(rng: random.Random) -> Table:
    header = ["Monat", "Umsatz", "Kosten"]
    rows = [["Januar", "12.500", "9.800"], ["Februar", "11.900", "10.100"]]
    return lines([header, *rows]).encode("cp1252"), header, rows


def quoted_decimal_comma(rng: random.Random, n: int = 25) -> Table:
    header = ["Datum", "Konto", "Betrag", "Steuer", "Text"]
    rows = [[dmy(rng), str(rng.randint(1000, 9999)), de(rng.uniform(1, 999)), de(rng.uniform(
        0, 99)), rng.choice(["Porto", "Miete, Lager", "Strom"])] for _ in range(n)]
    return lines([header, *rows], ",").encode("utf-8"), header, rows


def tab_quoted_tabs(rng: random.Random, n: int = 25) -> Table:
    header = ["ID", "Titel", "Beschreibung", "Preis"]
    rows = [[str(i), rng.choice(ITEMS), rng.choice(["rot\tblau", "einfach", "mit\tTab",
             "Zeile 1\nZeile 2"]), f"{rng.uniform(1, 99):.2f}"] for i in range(n)]
    return lines([header, *rows], "\t", "\n").encode("utf-8"), header, rows


def header_only_and_row(rng: random.Random) -> Table:
    header = ["Rechnungsnr", "Datum", "Betrag"]
    rows = [["R-2025-001", "03.02.2025", "119,00"]]
    return lines([header, *rows]).encode("cp1252"), header, rows


def inventory_multirow(rng: random.Random, n: int = 20) -> Table:
    top = ["Artikel", "Bestand", "", "Wert", ""]
    sub = ["", "Soll", "Ist", "netto", "brutto"]
    rows = [[rng.choice(ITEMS), str(rng.randint(0, 99)), str(rng.randint(0, 99)),
             de(rng.uniform(0, 900)), de(rng.uniform(0, 1100))] for _ in range(n)]
    header = ["Artikel", "Bestand Soll", "Bestand Ist", "Wert netto", "Wert brutto"]
    return lines([top, sub, *rows]).encode("cp1252"), header, rows


# --- DOS code page and closing lines (added in a later session) ----------------------------


def dos_export(rng: random.Random, n: int = 30, delimiter: str = ";",
               footer: tuple[str, ...] = ()) -> Table:
    """A customer list from a DOS-era accounting or ERP program: code page 850 (ä at 0x84,
    ü at 0x81, ß at 0xE1), optional closing lines."""
    header = ["Kdnr", "Name", "Straße", "PLZ", "Ort", "Umsatz"]
    rows = [[str(rng.randint(10000, 99999)), f"{rng.choice(FIRST)} {rng.choice(LAST)}",
             f"{rng.choice(STREETS)} {rng.randint(1, 99)}", f"{rng.randint(1067, 99998):05d}",
             rng.choice(CITIES), de(rng.uniform(10, 9999))] for _ in range(n)]
    text = lines([header, *rows], delimiter) + "".join(line + "\r\n" for line in footer)
    return text.encode("cp850"), header, rows


def journal_with_sum(rng: random.Random, n: int = 40, sum_word: str = "Summe",
                     end_line: str | None = "Ende der Liste") -> Table:
    """A posting journal whose last lines are a sum line as wide as the table (the amount in
    its column) and an end marker: no data rows."""
    header = ["Belegdatum", "Belegnr", "Konto", "Gegenkonto", "Buchungstext", "Soll", "Haben"]
    rows, debit, credit = [], 0.0, 0.0
    for i in range(n):
        amount = rng.uniform(5, 4000)
        side = rng.random() < 0.5
        debit, credit = debit + (amount if side else 0), credit + (0 if side else amount)
        rows.append([dmy(rng), f"RE{2025000 + i}", str(rng.choice([1200, 1400, 1600, 8400])),
                     str(rng.choice([1000, 1800, 3300, 4400])),
                     rng.choice(["Büromaterial", "Miete Lager", "Erlöse 19 %", "Bewirtung"]),
                     de(amount, 2, True) if side else "", "" if side else de(amount, 2, True)])
    closing = [[sum_word, "", "", "", "", de(debit, 2, True), de(credit, 2, True)]]
    text = lines([header, *rows, *closing]) + (end_line + "\r\n" if end_line else "")
    return text.encode("cp1252"), header, rows


def payroll_total(rng: random.Random, n: int = 20) -> Table:
    header = ["Personalnr", "Name", "Kostenstelle", "Brutto", "Netto", "AG-Anteil SV"]
    rows = [[str(1000 + i), f"{rng.choice(LAST)}, {rng.choice(FIRST)}",
             str(rng.choice([100, 200, 300])), de(rng.uniform(2000, 6000), 2, True),
             de(rng.uniform(1500, 4000), 2, True), de(rng.uniform(400, 1200), 2, True)]
            for i in range(n)]
    total = ["Gesamtsumme", "", "", de(rng.uniform(60000, 90000), 2, True),
             de(rng.uniform(40000, 60000), 2, True), de(rng.uniform(10000, 20000), 2, True)]
    return lines([header, *rows, total]).encode("cp1252"), header, rows


# --- the corpus ------------------------------------------------------------------------------

Maker = Callable[[random.Random], Table]

DEV: dict[str, Maker] = {
    "datev_buchungsstapel_jan": datev_buchungsstapel,
    "datev_buchungsstapel_small": lambda r: datev_buchungsstapel(r, 8),
    "kassenbuch_titel_leerzeile": kassenbuch,
    "sap_alv_liste": sap_alv_list,
    "sap_tabellenkalkulation": sap_spreadsheet,
    "erp_export_titel_mit_kommas": erp_orders_export,
    "excel_kunden_cp1252": excel_semicolon,
    "excel_kunden_zeilenumbruch": lambda r: excel_semicolon(r, multiline=True),
    "excel_kunden_leere_spalten": lambda r: excel_semicolon(r, padded=True),
    "excel_artikel_utf8_bom": excel_utf8,
    "excel_sep_zeile": excel_sep_line,
    "excel_unicode_text": excel_unicode_text,
    "zeiterfassung_titel": time_tracking,
    "sparkasse_csv_camt": sparkasse,
    "deutsche_bank_umsaetze": deutsche_bank,
    "hobo_kuehlraum": hobo_logger,
    "plattenleser_elisa": plate_reader,
    "labor_einheitenzeile": lab_units,
    "labor_probe_spalten": lab_probe_header,
    "labor_wasseranalyse": lab_keyvalue_block,
    "genesis_bevoelkerung": genesis,
    "statistik_jahresspalten": years_header,
    "haushaltsplan_leerzeile": budget,
    "open_data_spending_uk": spending_open_data,
    "dwd_stundenwerte": dwd_climate,
    "lastgang_strom": energy_load_profile,
    "shop_bestellungen": shop_orders,
    "adressliste_kommas": address_list,
    "email_liste": one_column,
    "kleine_tabelle": tiny,
    "inventur_zwei_kopfzeilen": inventory_multirow,
}

HOLDOUT: dict[str, Maker] = {
    "datev_debitoren": datev_debitoren,
    "datev_buchungsstapel_feb": lambda r: datev_buchungsstapel(r, 60),
    "sap_tabellenkalkulation_tab_vorn": lambda r: sap_spreadsheet(r, lead=True),
    "excel_artikel_utf8_komma": lambda r: excel_utf8(r, delimiter=","),
    "sparkasse_ohne_umbruch": lambda r: sparkasse(r, newline_last=False),
    "plattenleser_semikolon": lambda r: plate_reader(r, delimiter=";"),
    "labor_messreihe_namen": lambda r: lab_probe_header(r, names=["2_ 3", "4_ 5", "Lauf 2",
                                                                  "10 µm", "1e3"]),
    "hplc_report": scientific,
    "genesis_auszug": lambda r: genesis(r, 9, "12411-0013"),
    "haushaltsplan_trennzeichenzeile": lambda r: budget(r, gap=";;;;;"),
    "open_data_us_dates": lambda r: spending_open_data(r, us_dates=True),
    "crm_kontakte": crm_contacts,
    "altsystem_pipe_cp850": pipe_legacy,
    "komma_csv_dezimalkomma": quoted_decimal_comma,
    "tab_mit_tabs_in_feldern": tab_quoted_tabs,
    "nur_eine_zeile": header_only_and_row,
}


# Added later; seeded by name alone, so the files above stay as they were.
DEV_ADDED: dict[str, Maker] = {
    "dos_kundenliste_cp850": dos_export,
    "dos_kunden_cp850_summe": lambda r: dos_export(r, 25, footer=("Anzahl Kunden: 25",)),
    "buchungsjournal_summenzeile": journal_with_sum,
    "buchungsjournal_saldo": lambda r: journal_with_sum(r, 25, "Saldo", None),
}
HOLDOUT_ADDED: dict[str, Maker] = {
    "dos_adressen_cp850_tab": lambda r: dos_export(r, 35, "\t", ("Ende der Liste",)),
    "lohnjournal_gesamtsumme": payroll_total,
    "kassenjournal_summe_ende": lambda r: journal_with_sum(r, 15, "Summe Januar"),
}


def write_corpus(out: Path) -> int:
    count = 0
    for part, makers, added in (("dev", DEV, DEV_ADDED), ("holdout", HOLDOUT, HOLDOUT_ADDED)):
        folder = out / part
        folder.mkdir(parents=True, exist_ok=True)
        seeded = [(f"{part}-{index}-{name}", name, make)
                  for index, (name, make) in enumerate(sorted(makers.items()))]
        seeded += [(f"{part}-{name}", name, make) for name, make in sorted(added.items())]
        for seed, name, make in seeded:
            data, header, rows = make(random.Random(seed))
            suffix = ".txt" if name.startswith(("sap_", "hplc", "excel_unicode")) else ".csv"
            (folder / f"{name}{suffix}").write_bytes(data)
            expected = {"header": header, "rows": rows}
            (folder / f"{name}.json").write_text(
                json.dumps(expected, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
            count += 1
    return count


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "data" / "realcsv"
    print(f"{write_corpus(target)} files written to {target}")
