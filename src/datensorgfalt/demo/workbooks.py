"""Excel workbooks: customer list, price lists (current and outdated)."""

from __future__ import annotations

from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from datensorgfalt.demo.company import (
    DUPLICATE_OF,
    DUPLICATE_SPELLING,
    GROUPS,
    Article,
    Customer,
)
from datensorgfalt.demo.formats import xlsx_bytes
from datensorgfalt.demo.landscape import Landscape

CUSTOMER_FILE = "vertrieb/kundenliste.xlsx"
PRICE_FILE = "vertrieb/preisliste_2025.xlsx"
OLD_PRICE_FILE = "vertrieb/alt/preisliste_2023.xlsx"
OLD_PRICE_MTIME = datetime(2024, 10, 15, 9, 30, tzinfo=UTC)
CUSTOMER_HEADER = (
    "Kundennr", "Firma", "Anrede", "Ansprechpartner", "Straße", "PLZ", "Ort", "Telefon",
    "E-Mail", "IBAN", "Kunde seit", "Zahlungsziel (Tage)",
)
PRICE_HEADER = ("Artikelnr", "Bezeichnung", "Werkstoff", "Einheit", "Preis (EUR)", "Mindestmenge")
TITLE_SHEET = "Biegeteile"
TYPO_CITY = ("Dortmund", "Dortmnud")
#: Blank cells left in the customer list: column -> how many.
BLANKS = {"IBAN": 7, "E-Mail": 3, "Telefon": 2}
BOLD = Font(bold=True)


def write_customer_list(land: Landscape, customers: list[Customer]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Kunden"
    _header(sheet, CUSTOMER_HEADER)
    typo_row = _typo_row(land, customers)
    blanks = _blank_cells(land, customers)
    for row, c in enumerate(customers, start=1):
        city = TYPO_CITY[1] if row == typo_row else c.city
        values = [
            c.number, c.name, c.contact.salutation, c.contact.name, c.street, c.postcode, city,
            c.phone, c.email, c.iban, c.since, c.payment_days,
        ]
        for column, rows in blanks.items():
            if row in rows:
                values[CUSTOMER_HEADER.index(column)] = None
        sheet.append(values)
        sheet.cell(row + 1, 11).number_format = "DD.MM.YYYY"
    _widths(sheet, (10, 36, 7, 24, 28, 7, 16, 20, 40, 28, 12, 10))
    land.write_bytes(CUSTOMER_FILE, xlsx_bytes(book))
    rows = {c.name: i for i, c in enumerate(customers, start=1)}
    land.plant(
        "duplicate-customer",
        rows=[rows[DUPLICATE_OF], rows[DUPLICATE_SPELLING]],
        excel_rows=[rows[DUPLICATE_OF] + 1, rows[DUPLICATE_SPELLING] + 1],
        customer_numbers=[c.number for c in customers if c.name in (DUPLICATE_OF,
                                                                   DUPLICATE_SPELLING)],
    )
    land.plant("personal-data-customers", customers=len(customers))


def _blank_cells(land: Landscape, customers: list[Customer]) -> dict[str, list[int]]:
    """Some customers never gave an IBAN, an e-mail or a phone number."""
    rng = land.rng("customer-blanks")
    candidates = [
        i for i, c in enumerate(customers, start=1)
        if c.name not in (DUPLICATE_OF, DUPLICATE_SPELLING)
    ]
    blanks = {column: sorted(rng.sample(candidates, n)) for column, n in BLANKS.items()}
    land.plant("missing-values-customers", rows_by_column=blanks,
               rows=sorted({r for rows in blanks.values() for r in rows}))
    return blanks


def _typo_row(land: Landscape, customers: list[Customer]) -> int:
    in_dortmund = [
        i for i, c in enumerate(customers, start=1)
        if c.city == TYPO_CITY[0] and c.name not in (DUPLICATE_OF, DUPLICATE_SPELLING)
    ]
    row = land.rng("customer-typo").choice(in_dortmund)
    land.plant(
        "typos-customer-city", rows=[row], excel_rows=[row + 1], value=TYPO_CITY[1],
        correct=TYPO_CITY[0], correct_count=sum(c.city == TYPO_CITY[0] for c in customers) - 1,
    )
    return row


def write_price_lists(land: Landscape, articles: list[Article]) -> None:
    current_book = _price_book(articles, 2025)
    land.write_bytes(PRICE_FILE, xlsx_bytes(current_book))
    land.plant("article-number-clash", price_list_excel_rows={
        group: _excel_row(current_book[group], "BT-1040") for group in ("Biegeteile", "Stanzteile")
    })
    land.plant("title-block", sheet=TITLE_SHEET, header_excel_row=_excel_row(
        current_book[TITLE_SHEET], PRICE_HEADER[0]))
    current = [a for a in articles if not (a.number == "BT-1040" and a.group == "Stanzteile")]
    old = _price_book(current, 2023)
    land.write_bytes(OLD_PRICE_FILE, xlsx_bytes(old, OLD_PRICE_MTIME.replace(tzinfo=None)),
                     mtime=OLD_PRICE_MTIME)
    land.plant("outdated-price-list", mtime=OLD_PRICE_MTIME.isoformat())


def _price_book(articles: list[Article], year: int) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for group in GROUPS:
        sheet = book.create_sheet(group)
        if group == TITLE_SHEET and year == 2025:
            _title_block(sheet, year)
        _header(sheet, PRICE_HEADER)
        for article in (a for a in articles if a.group == group):
            sheet.append([
                article.number, article.name, article.material, article.unit,
                article.price(year), _minimum(article),
            ])
            sheet.cell(sheet.max_row, 5).number_format = '#,##0.00 "€"'
        _widths(sheet, (11, 36, 11, 8, 12, 13))
    return book


def _title_block(sheet: Worksheet, year: int) -> None:
    sheet.append([f"Müller Umformtechnik GmbH – Preisliste {year}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"Gültig ab 01.01.{year}. Alle Preise netto in Euro zzgl. MwSt., ab Werk."])
    sheet.append([f"Stand: 15.12.{year - 1} – Änderungen und Irrtümer vorbehalten."])
    sheet.append([])


def _excel_row(sheet: Worksheet, first_cell: str) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first_cell)


def _minimum(article: Article) -> int:
    return max(10, article.quantity[0] // 2)


def _header(sheet: Worksheet, header: tuple[str, ...]) -> None:
    sheet.append(list(header))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _widths(sheet: Worksheet, widths: tuple[int, ...]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
