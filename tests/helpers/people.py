"""Customers with personal data (names, e-mail, phone, address, birth date, IBAN) as a CSV."""

from __future__ import annotations

import csv
from pathlib import Path

PEOPLE = [
    ("K-1001", "Anna", "Schmidt", "anna.schmidt@example.de", "0221 1234567", "Hauptstraße 5",
     "50667", "12.03.1980", "DE89370400440532013000"),
    ("K-1002", "Jürgen", "Becker", "j.becker@web.de", "+49 170 2345678", "Am Markt 3",
     "58636", "01.07.1966", "DE02120300000000202051"),
    ("K-1003", "Fatma", "Yilmaz", "fatma.yilmaz@gmx.de", "02351 987654", "Lindenweg 12a",
     "44135", "23.11.1991", "DE02500105170137075030"),
    ("K-1004", "Heinz", "Müller", "h.mueller@t-online.de", "0231 555666", "Bergstr. 7",
     "44137", "05.05.1958", "DE12500105170648489890"),
] * 5
HEADER = ["Kundennr", "Vorname", "Nachname", "E-Mail", "Telefon", "Straße", "PLZ",
          "Geburtsdatum", "IBAN"]


def write_people(path: Path, rows=PEOPLE, header=HEADER, encoding: str = "cp1252") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path
