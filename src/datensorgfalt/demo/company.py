"""Master data of Müller Umformtechnik GmbH: the company, its customers and its articles.

Sales export, customer list, price lists, order database and customer requests all draw on
these lists, so the files agree with each other the way a real company's files do.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date

from faker import Faker

from datensorgfalt.demo import personal

COMPANY = {
    "name": "Müller Umformtechnik GmbH",
    "employees": 45,
    "state": "Nordrhein-Westfalen",
    "city": "Iserlohn",
    "address": "Schlackenmühle 7, 58644 Iserlohn",
    "industry": "Umformtechnik (Biege-, Stanz- und Tiefziehteile, Baugruppen)",
    "email_domain": "mueller-umformtechnik.de",
}

#: (city, first postcode, last postcode, weight) - customers come mostly from the Ruhr area.
NRW_CITIES = (
    ("Dortmund", 44135, 44388, 14),
    ("Hagen", 58089, 58135, 5),
    ("Iserlohn", 58636, 58644, 4),
    ("Lüdenscheid", 58507, 58515, 4),
    ("Bochum", 44787, 44894, 4),
    ("Essen", 45127, 45359, 3),
    ("Düsseldorf", 40210, 40629, 3),
    ("Köln", 50667, 51149, 3),
    ("Wuppertal", 42103, 42399, 3),
    ("Solingen", 42651, 42719, 2),
    ("Remscheid", 42853, 42899, 2),
    ("Siegen", 57072, 57080, 2),
    ("Gelsenkirchen", 45879, 45899, 2),
    ("Münster", 48143, 48167, 2),
    ("Bielefeld", 33602, 33739, 1),
    ("Menden", 58706, 58710, 2),
    ("Arnsberg", 59755, 59823, 1),
    ("Mönchengladbach", 41061, 41239, 1),
)

#: Telephone area codes of those cities.
AREA_CODES = {
    "Dortmund": "0231", "Hagen": "02331", "Iserlohn": "02371", "Lüdenscheid": "02351",
    "Bochum": "0234", "Essen": "0201", "Düsseldorf": "0211", "Köln": "0221",
    "Wuppertal": "0202", "Solingen": "0212", "Remscheid": "02191", "Siegen": "0271",
    "Gelsenkirchen": "0209", "Münster": "0251", "Bielefeld": "0521", "Menden": "02373",
    "Arnsberg": "02931", "Mönchengladbach": "02161",
}
MOBILE_PREFIXES = ("0151", "0160", "0170", "0171", "0152", "0176", "0157")

BRANCHES = (
    "Maschinenbau", "Fahrzeugtechnik", "Anlagenbau", "Elektrotechnik", "Gerätebau",
    "Fördertechnik", "Landtechnik", "Stahlbau", "Beschlagtechnik", "Heiztechnik",
    "Lüftungstechnik", "Schaltschrankbau", "Möbeltechnik", "Antriebstechnik",
)
LEGAL_FORMS = ("GmbH", "GmbH", "GmbH", "GmbH & Co. KG", "KG", "AG", "e. K.")
#: Fixed customers so that umlauts and the planted duplicate are always there.
FIXED_CUSTOMERS = (
    "Brüggemann Fördertechnik GmbH",
    "Kötter Lüftungstechnik GmbH & Co. KG",
    "Höffner Gerätebau KG",
    "Schmidt Metallbau GmbH",
    "Jäger Schaltschrankbau GmbH",
    "Rüther Landtechnik GmbH",
)
DUPLICATE_OF = "Schmidt Metallbau GmbH"
DUPLICATE_SPELLING = "Schmitt Metallbau GmbH"
CUSTOMER_COUNT = 60


@dataclass(frozen=True)
class Person:
    salutation: str
    first_name: str
    last_name: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def female(self) -> bool:
        return self.salutation == "Frau"


@dataclass(frozen=True)
class Customer:
    number: int
    name: str
    contact: Person
    street: str
    postcode: str
    city: str
    phone: str
    email: str
    iban: str
    since: date
    payment_days: int
    weight: float


@dataclass(frozen=True)
class Article:
    number: str
    name: str
    group: str
    material: str
    unit: str
    price_2025: float
    quantity: tuple[int, int]

    def price(self, year: int) -> float:
        """Prices rose by 4.5 % every January."""
        return round(self.price_2025 / 1.045 ** (2025 - year), 2)


# (number, name, group, material, price 2025 in EUR, (min, max) quantity per order line)
_ARTICLES = (
    ("BT-1010", "Winkelblech 90° verzinkt", "Biegeteile", "DC01+ZE", 1.85, (200, 2000)),
    ("BT-1020", "Montagewinkel 60 x 40 mm", "Biegeteile", "S235JR", 2.40, (100, 1500)),
    ("BT-1030", "U-Profil gekantet 120 mm", "Biegeteile", "S235JR", 6.90, (50, 600)),
    ("BT-1040", "Haltebügel 40 mm verzinkt", "Biegeteile", "DC04+ZE", 0.95, (500, 4000)),
    ("BT-1050", "Gehäusewinkel Edelstahl", "Biegeteile", "1.4301", 8.75, (50, 400)),
    ("BT-1060", "Konsole für Schaltschrank", "Biegeteile", "DC01", 12.40, (20, 300)),
    ("BT-1070", "Federstahlbügel", "Biegeteile", "1.4310", 3.15, (200, 1500)),
    ("BT-1080", "Türscharnier links", "Biegeteile", "DC04", 4.60, (100, 800)),
    ("BT-1090", "Kabelkanal-Halter", "Biegeteile", "DX51D+Z", 1.30, (300, 3000)),
    ("ST-2010", "Lochblech 100 x 100 mm", "Stanzteile", "DC01", 2.10, (200, 2500)),
    ("ST-2020", "Unterlegscheibe Sonderform", "Stanzteile", "C75S", 0.18, (2000, 20000)),
    ("ST-2030", "Kontaktfeder Messing", "Stanzteile", "CuZn37", 0.42, (1000, 10000)),
    ("ST-2050", "Lüftungsgitter 200 mm", "Stanzteile", "DX51D+Z", 5.80, (50, 600)),
    ("ST-2060", "Abschirmblech", "Stanzteile", "DC04", 1.95, (200, 2000)),
    ("ST-2070", "Trägerplatte gestanzt", "Stanzteile", "S355MC", 7.40, (50, 500)),
    ("ST-2080", "Sicherungsblech", "Stanzteile", "C60E", 0.35, (1000, 8000)),
    ("ST-2090", "Schraubenführung", "Stanzteile", "DC01", 0.78, (500, 5000)),
    ("TZ-3010", "Gehäusedeckel tiefgezogen", "Tiefziehteile", "DC06", 6.20, (100, 1000)),
    ("TZ-3020", "Napf Ø 45 mm", "Tiefziehteile", "DC06", 1.45, (500, 4000)),
    ("TZ-3030", "Sensorhülse Edelstahl", "Tiefziehteile", "1.4301", 3.90, (200, 2000)),
    ("TZ-3040", "Ölwanne klein", "Tiefziehteile", "DC05", 18.50, (20, 200)),
    ("TZ-3050", "Abdeckhaube Lüfter", "Tiefziehteile", "AlMg3", 9.60, (50, 500)),
    ("TZ-3060", "Filtergehäuse-Unterteil", "Tiefziehteile", "DC06", 11.30, (50, 400)),
    ("BG-4010", "Halterahmen geschweißt", "Baugruppen", "S235JR", 64.00, (5, 60)),
    ("BG-4020", "Stoßdämpferhalter montiert", "Baugruppen", "S355MC", 23.80, (20, 200)),
    ("BG-4030", "Schaltschrank-Tragschiene komplett", "Baugruppen", "DX51D+Z", 37.50, (10, 120)),
    ("BG-4040", "Scharnierbaugruppe mit Feder", "Baugruppen", "DC04", 14.20, (50, 400)),
    ("BG-4050", "Gerätefuß höhenverstellbar", "Baugruppen", "S235JR", 19.90, (20, 250)),
    ("BG-4060", "Lüftereinschub vormontiert", "Baugruppen", "AlMg3", 86.00, (5, 40)),
)
#: The planted clash: a punched part that was given the number of an existing bent part.
CLASHING_ARTICLE = (
    "BT-1040", "Lochblech 40 x 40 mm", "Stanzteile", "DC01", 0.62, (500, 5000),
)
GROUPS = ("Biegeteile", "Stanzteile", "Tiefziehteile", "Baugruppen")


def articles() -> list[Article]:
    """The article master, including the second article that reuses BT-1040."""
    rows = [*_ARTICLES, CLASHING_ARTICLE]
    return [
        Article(number, name, group, material, "Stück", price, qty)
        for number, name, group, material, price, qty in rows
    ]


def faker(seed: int, part: str) -> Faker:
    fake = Faker("de_DE")
    fake.seed_instance(f"{seed}:{part}")
    return fake


def phone(rng: random.Random, city: str, mobile: bool = False) -> str:
    """A phone number the way people type them: several notations for the same thing."""
    prefix = rng.choice(MOBILE_PREFIXES) if mobile else AREA_CODES[city]
    number = str(rng.randint(10**(5 if mobile else 4), 10**(7 if mobile else 6) - 1))
    style = rng.randrange(5)
    if style == 0:
        return f"{prefix} {number}"
    if style == 1:
        return f"{prefix}/{number}"
    if style == 2:
        return f"+49 {prefix[1:]} {number}"
    if style == 3:
        return f"({prefix}) {number[:3]} {number[3:]}"
    return f"{prefix}-{number}"


def person(fake: Faker, rng: random.Random) -> Person:
    female = rng.random() < 0.35
    first = fake.first_name_female() if female else fake.first_name_male()
    return Person("Frau" if female else "Herr", first, fake.last_name())


def ascii_fold(text: str) -> str:
    """Plain ASCII for e-mail addresses and domains: German umlauts as ae/oe/ue/ss (as people
    write them), every other accent dropped ("é" -> "e"), what has no ASCII form left out."""
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain).replace(umlaut.upper(), plain.capitalize())
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def email_for(person: Person, domain: str) -> str:
    local = f"{person.first_name}.{person.last_name}".lower().replace(" ", "")
    return ascii_fold(f"{local}@{domain}")


def domain_for(company: str) -> str:
    first, second = company.split()[:2]
    return ascii_fold(f"{first}-{second}.de".lower())


def customers(seed: int) -> list[Customer]:
    """Sixty customers; the last one is the planted second spelling of Schmidt Metallbau."""
    rng = random.Random(f"{seed}:customers")
    fake = faker(seed, "customers")
    names = _customer_names(fake, rng)
    result: list[Customer] = []
    for index, name in enumerate(names):
        result.append(_customer(10001 + index, name, fake, rng))
    original = next(c for c in result if c.name == DUPLICATE_OF)
    result.append(
        Customer(
            number=10001 + len(result),
            name=DUPLICATE_SPELLING,
            contact=original.contact,
            street=original.street,
            postcode=original.postcode,
            city=original.city,
            phone=original.phone.replace(" ", "").replace("/", "-"),
            email=original.email,
            iban=original.iban,
            since=date(2024, 9, 2),
            payment_days=original.payment_days,
            weight=original.weight * 0.6,
        )
    )
    return result


def _customer_names(fake: Faker, rng: random.Random) -> list[str]:
    names = list(FIXED_CUSTOMERS)
    while len(names) < CUSTOMER_COUNT - 1:
        name = f"{fake.last_name()} {rng.choice(BRANCHES)} {rng.choice(LEGAL_FORMS)}"
        if name.split()[0] not in {n.split()[0] for n in names} and "-" not in name.split()[0]:
            names.append(name)
    rng.shuffle(names)
    return names


def _customer(number: int, name: str, fake: Faker, rng: random.Random) -> Customer:
    city, low, high, _ = rng.choices(NRW_CITIES, weights=[c[3] for c in NRW_CITIES])[0]
    contact = person(fake, rng)
    street = fake.street_name() + " " + str(rng.randint(1, 180))
    if name == DUPLICATE_OF:
        city, low, high = "Dortmund", 44147, 44147
        street = "Hafenstraße 12"
    return Customer(
        number=number,
        name=name,
        contact=contact,
        street=street,
        postcode=f"{rng.randint(low, high):05d}",
        city=city,
        phone=phone(rng, city),
        email=email_for(contact, domain_for(name)),
        iban=personal.iban(rng),
        since=date(rng.randint(1998, 2022), rng.randint(1, 12), rng.randint(1, 28)),
        payment_days=rng.choice((14, 30, 30, 30, 45, 60)),
        weight=rng.paretovariate(1.3),
    )
