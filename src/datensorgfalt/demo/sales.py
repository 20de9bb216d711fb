"""Five years of order lines and the ERP sales export (cp1252, ``;``, decimal comma)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from datensorgfalt.demo.company import (
    DUPLICATE_OF,
    DUPLICATE_SPELLING,
    Article,
    Customer,
)
from datensorgfalt.demo.formats import csv_bytes, de_number
from datensorgfalt.demo.landscape import Landscape

ERP_FILE = "vertrieb/erp_umsatz_2021-2025.csv"
ERP_HEADER = (
    "Belegnr", "Belegdatum", "Kundennr", "Kunde", "Artikelnr", "Artikel",
    "Menge", "Einzelpreis", "Nettobetrag", "Bruttobetrag",
)
#: The export covers five years, as a company exports them when it has them: a forecast
#: learns the season from the first years and is tested on the later ones.
FIRST_DAY = date(2021, 1, 1)
LAST_DAY = date(2025, 12, 31)
YEARS = tuple(range(FIRST_DAY.year, LAST_DAY.year + 1))
VAT = 0.19
#: Mean number of order lines on a working day at BASE_DAY; grows by TREND (of that) per year.
BASE_LINES = 24.0
BASE_DAY = date(2023, 1, 2)
TREND = 0.12
WEEKDAY_FACTOR = (1.2, 1.05, 1.0, 1.0, 0.8, 0.1, 0.0)  # Mon .. Sun
MONTH_FACTOR = (0.8, 0.95, 1.1, 1.05, 1.0, 1.0, 0.9, 0.65, 1.1, 1.15, 1.1, 0.75)
CLOSED = ((12, 24), (12, 31))  # company holidays besides the public ones
#: The planted clash (company.CLASHING_ARTICLE): a punched part given the number of an existing bent
#: part when it was introduced; from then on some customers order it as often as their others.
CLASH_SINCE = date(2024, 1, 1)
CLASH_CUSTOMERS = 8
#: Misspellings typed by hand into single order lines (planted typos).
TYPOS = {
    "Artikel": ("Winkelblech 90° verzinkt", "Winkelbelch 90° verzinkt"),
    "Kunde": ("Brüggemann Fördertechnik GmbH", "Brügemann Fördertechnik GmbH"),
}


@dataclass(frozen=True)
class OrderLine:
    document: str
    day: date
    customer: Customer
    article: Article
    quantity: int
    unit_price: float

    @property
    def net(self) -> float:
        return round(self.quantity * self.unit_price, 2)

    @property
    def gross(self) -> float:
        return round(self.net * (1 + VAT), 2)


def working_days() -> list[date]:
    """Days with sales: no Sundays, no NRW public holidays, no company holidays."""
    closed = holidays.country_holidays("DE", subdiv="NW", years=YEARS)
    days, day = [], FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() != 6 and day not in closed and (day.month, day.day) not in CLOSED:
            days.append(day)
        day += timedelta(days=1)
    return days


def expected_lines(day: date) -> float:
    years = (day - BASE_DAY).days / 365.25
    month_end = 1.15 if day.day >= 26 else 1.0
    return (
        BASE_LINES * (1 + TREND * years) * WEEKDAY_FACTOR[day.weekday()]
        * MONTH_FACTOR[day.month - 1] * month_end
    )


def order_lines(seed: int, customers: list[Customer], articles: list[Article]) -> list[OrderLine]:
    rng = random.Random(f"{seed}:sales")
    favourites = {c.number: rng.sample(articles[:-1], rng.randint(3, 8)) for c in customers}
    clash = articles[-1]
    for chosen in rng.sample(customers[:-1], CLASH_CUSTOMERS):
        favourites[chosen.number].append(clash)
    lines: list[OrderLine] = []
    for day in working_days():
        for _ in range(_poisson(rng, expected_lines(day) / 3.0)):
            document = f"RE{day:%y}{_count_year(lines, day) + 1:05d}"
            customer = _pick_customer(rng, customers, day)
            lines.extend(_order(rng, document, day, customer, favourites, clash))
    return lines


def _count_year(lines: list[OrderLine], day: date) -> int:
    if not lines or lines[-1].day.year != day.year:
        return 0
    return int(lines[-1].document[4:])


def _pick_customer(rng: random.Random, customers: list[Customer], day: date) -> Customer:
    """A customer orders from the day it became one (the second spelling from its entry)."""
    weights = [0.0 if day < c.since else c.weight for c in customers]
    return rng.choices(customers, weights=weights)[0]


def _order(
    rng: random.Random, document: str, day: date, customer: Customer,
    favourites: dict[int, list[Article]], clash: Article,
) -> list[OrderLine]:
    choices = [a for a in favourites[customer.number] if a is not clash or day >= CLASH_SINCE]
    count = min(len(choices), 1 + _poisson(rng, 1.8))
    result = []
    for article in rng.sample(choices, count):
        low, high = article.quantity
        quantity = int(round(math.exp(rng.uniform(math.log(low), math.log(high))), -1) or low)
        price = article.price(day.year)
        result.append(OrderLine(document, day, customer, article, quantity, price))
    return result


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def write_erp_export(land: Landscape, lines: list[OrderLine]) -> None:
    rows = [_erp_row(line) for line in lines]
    _plant_typos(land, rows)
    _record(land, lines)
    land.write_bytes(ERP_FILE, csv_bytes(ERP_HEADER, rows, encoding="cp1252"))


def _erp_row(line: OrderLine) -> list[str]:
    return [
        line.document,
        f"{line.day:%d.%m.%Y}",
        str(line.customer.number),
        line.customer.name,
        line.article.number,
        line.article.name,
        str(line.quantity),
        de_number(line.unit_price),
        de_number(line.net, thousands=True),
        de_number(line.gross, thousands=True),
    ]


def _plant_typos(land: Landscape, rows: list[list[str]]) -> None:
    rng = land.rng("sales-typos")
    found = []
    for column, (right, wrong) in TYPOS.items():
        index = ERP_HEADER.index(column)
        candidates = [i for i, row in enumerate(rows) if row[index] == right]
        chosen = rng.choice(candidates)
        rows[chosen][index] = wrong
        found.append({"column": column, "row": chosen + 1, "value": wrong, "correct": right,
                      "correct_count": len(candidates) - 1})
    land.plant("typos-erp", typos=found, rows=[f["row"] for f in found])


def _record(land: Landscape, lines: list[OrderLine]) -> None:
    clash_rows = [
        i + 1 for i, line in enumerate(lines)
        if line.article.number == "BT-1040" and line.article.group == "Stanzteile"
    ]
    land.plant("article-number-clash", erp_rows=clash_rows)
    dup = {DUPLICATE_OF: [], DUPLICATE_SPELLING: []}
    for i, line in enumerate(lines):
        if line.customer.name in dup:
            dup[line.customer.name].append(i + 1)
    land.plant("duplicate-customer", erp_rows={k: v[:50] for k, v in dup.items()},
               erp_row_counts={k: len(v) for k, v in dup.items()})
    days = sorted({line.day for line in lines})
    land.plant(
        "sales-history",
        rows=len(lines), first_day=days[0].isoformat(), last_day=days[-1].isoformat(),
        days_with_sales=len(days), sundays=sum(d.weekday() == 6 for d in days),
        net_total_by_year={
            str(y): round(sum(x.net for x in lines if x.day.year == y), 2)
            for y in YEARS
        },
    )
