"""The order database (SQLite): customers, orders and order lines, matching the ERP export."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from itertools import groupby

from datensorgfalt.demo.company import Customer
from datensorgfalt.demo.landscape import Landscape
from datensorgfalt.demo.sales import OrderLine

DATABASE_FILE = "datenbank/auftraege.sqlite"
SCHEMA = """
CREATE TABLE kunden (
    kundennr INTEGER PRIMARY KEY,
    firma TEXT NOT NULL,
    ansprechpartner TEXT,
    strasse TEXT,
    plz TEXT,
    ort TEXT,
    telefon TEXT,
    email TEXT
);
CREATE TABLE auftraege (
    belegnr TEXT PRIMARY KEY,
    belegdatum TEXT NOT NULL,
    kundennr INTEGER NOT NULL REFERENCES kunden(kundennr),
    netto REAL NOT NULL,
    brutto REAL NOT NULL
);
CREATE TABLE auftragspositionen (
    belegnr TEXT NOT NULL REFERENCES auftraege(belegnr),
    position INTEGER NOT NULL,
    artikelnr TEXT NOT NULL,
    artikel TEXT NOT NULL,
    menge INTEGER NOT NULL,
    einzelpreis REAL NOT NULL,
    nettobetrag REAL NOT NULL,
    PRIMARY KEY (belegnr, position)
);
CREATE INDEX auftraege_datum ON auftraege(belegdatum);
"""


def write_order_database(
    land: Landscape, customers: list[Customer], lines: list[OrderLine]
) -> None:
    target = land.path(DATABASE_FILE)
    target.unlink(missing_ok=True)
    with closing(sqlite3.connect(target)) as db, db:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO kunden VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(c.number, c.name, c.contact.name, c.street, c.postcode, c.city, c.phone, c.email)
             for c in customers],
        )
        orders, positions = [], []
        for document, group in groupby(lines, key=lambda line: line.document):
            items = list(group)
            net = round(sum(i.net for i in items), 2)
            orders.append((document, items[0].day.isoformat(), items[0].customer.number, net,
                           round(sum(i.gross for i in items), 2)))
            positions += [
                (document, pos, i.article.number, i.article.name, i.quantity, i.unit_price, i.net)
                for pos, i in enumerate(items, start=1)
            ]
        db.executemany("INSERT INTO auftraege VALUES (?, ?, ?, ?, ?)", orders)
        db.executemany("INSERT INTO auftragspositionen VALUES (?, ?, ?, ?, ?, ?, ?)", positions)
    land.register(DATABASE_FILE)
    land.plant("order-database", orders=len(orders), order_lines=len(positions),
               customers=len(customers))
