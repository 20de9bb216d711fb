"""A labelled German test corpus for the privacy benchmark, made with Faker de_DE and own
templates: tables whose columns hold each kind of personal data (realistic formats, noise)
next to non-personal look-alikes, and letters/e-mails/notes with entities at known positions.

Only values come from Faker; the detectors never see Faker's lists (see lexicon.py).
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from faker import Faker
from schwifty import IBAN

from datensorgfalt.services.privacy.validators import icao_check_digit

# -- numbers with check digits (made here; Faker has none of the German ones) ----------------


def _letter_number(letter: str) -> str:
    return f"{ord(letter) - 64:02d}"


def _cross(n: int) -> int:
    return sum(int(d) for d in str(n))


def svnr(rng: random.Random, birth: date, surname: str) -> str:
    area = f"{rng.choice([12, 13, 15, 18, 23, 24, 25, 26, 28, 38, 39, 40, 42, 44, 49, 53, 65]):02d}"
    born = birth.strftime("%d%m%y")
    letter = (surname[:1].upper() if surname[:1].upper() in string.ascii_uppercase else "X")
    serial = f"{rng.randint(0, 99):02d}"
    digits = area + born + _letter_number(letter) + serial
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    check = sum(_cross(int(d) * w) for d, w in zip(digits, weights, strict=True)) % 10
    return f"{area} {born} {letter} {serial}{check}"


def kvnr(rng: random.Random) -> str:
    letter = rng.choice(string.ascii_uppercase)
    body = "".join(rng.choice(string.digits) for _ in range(8))
    digits = _letter_number(letter) + body
    check = sum(_cross(int(d) * (1 if i % 2 == 0 else 2)) for i, d in enumerate(digits)) % 10
    return f"{letter}{body}{check}"


def tax_id(rng: random.Random) -> str:
    from stdnum.de import idnr
    from stdnum.iso7064 import mod_11_10

    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(9)]
        if len(set(digits)) == 9 or len(set(digits)) == 8:
            candidate = "".join(map(str, digits))
            number = candidate + str(mod_11_10.calc_check_digit(candidate))
            if idnr.is_valid(number):
                return number


def tax_number(rng: random.Random) -> str:
    from stdnum.de import stnr

    while True:
        value = f"{rng.randint(10, 99)}/{rng.randint(100, 999)}/{rng.randint(10000, 99999)}"
        if stnr.is_valid(value):
            return value


def vat_id(rng: random.Random) -> str:
    from stdnum.de import vat

    while True:
        body = str(rng.randint(10000000, 99999999))
        for check in range(10):
            candidate = f"DE{body}{check}"
            if vat.is_valid(candidate):
                return candidate


ID_ALPHABET = "CFGHJKLMNPRTVWXYZ0123456789"


def id_document(rng: random.Random, first: str, check: bool) -> str:
    serial = first + "".join(rng.choice(ID_ALPHABET) for _ in range(8))
    if not any(c.isdigit() for c in serial):
        serial = serial[:-1] + "7"
    return serial + (str(icao_check_digit(serial)) if check else "")


def plate(rng: random.Random) -> str:
    area = rng.choice(["K", "D", "DO", "E", "BO", "MK", "HA", "UN", "SO", "AC", "B", "HH", "M",
                       "GL", "SU", "BN", "WES", "RE", "LEV", "MH", "OB", "GE"])
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(rng.randint(1, 2)))
    return f"{area}-{letters} {rng.randint(1, 9999)}{rng.choice(['', '', '', 'E'])}"


def iban_de(fake: Faker, spaced: bool) -> str:
    value = fake.iban()
    return IBAN(value).formatted if spaced else value


# -- tables -----------------------------------------------------------------------------------


@dataclass
class Spec:
    kind: str | None  # None: not personal (a look-alike)
    headers: list[str]
    make: Callable[[Faker, random.Random], str]
    neutral_ok: bool = False  # the column may also get a header that says nothing


def _birth(fake: Faker) -> date:
    return fake.date_of_birth(minimum_age=18, maximum_age=80)


def _date_text(d: date, rng: random.Random) -> str:
    return rng.choice([d.strftime("%d.%m.%Y"), d.isoformat(), d.strftime("%d.%m.%Y")])


def _street(fake: Faker) -> str:
    return fake.street_address()


SPECS = [
    Spec("PERSON", ["Name", "Ansprechpartner", "Kontaktperson", "Mitarbeiter", "Kontoinhaber",
                    "Vollständiger Name"], lambda f, r: f"{f.first_name()} {f.last_name()}"),
    Spec("FIRST_NAME", ["Vorname", "Rufname", "Vornamen"], lambda f, r: f.first_name()),
    Spec("LAST_NAME", ["Nachname", "Familienname", "Name (Nachname)"], lambda f, r: f.last_name()),
    Spec("EMAIL", ["E-Mail", "Mail", "E-Mail-Adresse", "eMail privat"],
         lambda f, r: f.email(), neutral_ok=True),
    Spec("PHONE", ["Telefon", "Tel.", "Mobil", "Telefonnummer", "Handy", "Tel. privat"],
         lambda f, r: r.choice([f.phone_number(), "0" + str(r.randint(2000, 9999)) + " "
                                + str(r.randint(100000, 9999999)),
                                f"+49 1{r.randint(50, 79)} {r.randint(1000000, 99999999)}"]),
         neutral_ok=True),
    Spec("ADDRESS", ["Straße", "Strasse und Hausnummer", "Anschrift", "Adresse", "Str."],
         lambda f, r: _street(f)),
    Spec("POSTAL_CODE", ["PLZ", "Postleitzahl"], lambda f, r: f.postcode()),
    Spec("DATE_OF_BIRTH", ["Geburtsdatum", "Geb.-Datum", "geboren am", "Geburtstag"],
         lambda f, r: _date_text(_birth(f), r)),
    Spec("IBAN", ["IBAN", "Bankverbindung", "Kontonummer (IBAN)"],
         lambda f, r: iban_de(f, r.random() < 0.4), neutral_ok=True),
    Spec("BIC", ["BIC", "SWIFT", "BIC-Code"], lambda f, r: f.swift(length=r.choice([8, 11])),
         neutral_ok=False),
    Spec("TAX_ID", ["Steuer-ID", "Steueridentifikationsnummer", "IdNr"],
         lambda f, r: tax_id(r), neutral_ok=True),
    Spec("TAX_NUMBER", ["Steuernummer", "St.-Nr."], lambda f, r: tax_number(r)),
    Spec("VAT_ID", ["USt-IdNr.", "Umsatzsteuer-ID"], lambda f, r: vat_id(r), neutral_ok=True),
    Spec("SOCIAL_SECURITY_NUMBER", ["SV-Nummer", "Sozialversicherungsnummer", "RV-Nr."],
         lambda f, r: svnr(r, _birth(f), f.last_name()).replace(" ", r.choice([" ", ""])),
         neutral_ok=True),
    Spec("HEALTH_INSURANCE_NUMBER", ["KVNR", "Krankenversichertennummer", "Versichertennummer"],
         lambda f, r: kvnr(r)),
    Spec("ID_CARD", ["Personalausweis", "Ausweisnummer", "Ausweis-Nr."],
         lambda f, r: id_document(r, r.choice("LMNPRTVWXYZ"), r.random() < 0.5)),
    Spec("PASSPORT", ["Reisepass", "Passnummer", "Pass-Nr."],
         lambda f, r: id_document(r, r.choice("CFGHJK"), r.random() < 0.5)),
    Spec("LICENSE_PLATE", ["Kennzeichen", "Kfz-Kennzeichen", "Dienstwagen Kennzeichen"],
         lambda f, r: plate(r)),
    Spec("IP_ADDRESS", ["IP", "IP-Adresse", "Client-IP"],
         lambda f, r: r.choice([f.ipv4(), f.ipv4_private(), f.ipv6()]), neutral_ok=True),
    Spec("CUSTOMER_ID", ["Kundennr", "Kundennummer", "Kd.-Nr."],
         lambda f, r: r.choice(["K", "KD-", "", "10"]) + str(r.randint(1000, 99999))),
    Spec("EMPLOYEE_ID", ["Personalnr", "Personalnummer", "Mitarbeiter-ID"],
         lambda f, r: r.choice(["P", "MA-", ""]) + str(r.randint(100, 9999))),
    # look-alikes: not personal
    Spec(None, ["Artikelnr", "Art.-Nr.", "Teilenummer", "Materialnummer"],
         lambda f, r: r.choice([f"{r.randint(1000, 9999)}-{r.randint(1000, 9999)}",
                                f"ART-{r.randint(10000, 99999)}",
                                f"{r.choice('ABCDEFGHJK')}{r.randint(100000000, 999999999)}",
                                f"{r.randint(10000000000, 99999999999)}"])),
    Spec(None, ["Auftragsnr", "Bestellnummer", "Belegnr", "Lieferschein"],
         lambda f, r: r.choice([str(r.randint(4500000000, 4599999999)),
                                f"AB-{r.randint(2019, 2025)}-{r.randint(1, 99999):05d}",
                                f"{r.randint(10000, 99999)}"])),
    Spec(None, ["Vibration_mm_s", "Temperatur_C", "Strom_A", "Messwert", "Druck_bar"],
         lambda f, r: f"{r.uniform(0, 400):.{r.randint(1, 3)}f}".replace(".", ",")),
    Spec(None, ["Firma", "Kunde", "Lieferant", "Hersteller"], lambda f, r: f.company()),
    Spec(None, ["Lieferdatum", "Belegdatum", "Prüfdatum"],
         lambda f, r: _date_text(date(2023, 1, 1) + timedelta(days=r.randint(0, 1000)), r)),
    Spec(None, ["Menge", "Stückzahl", "Preis", "Nettobetrag"],
         lambda f, r: r.choice([str(r.randint(1, 5000)), _de(r.uniform(1, 9999), 2)])),
    Spec(None, ["Artikel", "Bezeichnung", "Produkt"],
         lambda f, r: r.choice(["Tiefziehteil", "Flansch", "Halter", "Gehäuse", "Winkel",
                                "Blechteil", "Stanzteil", "Biegeteil"]) + " "
         + r.choice(["DN50", "verzinkt", "Edelstahl", "klein", "groß", "Typ A", "V2"])),
    Spec(None, ["Maschine", "Anlage", "Status"],
         lambda f, r: r.choice(["Presse 1", "Presse 2", "Laser", "OK", "Störung", "Wartung"])),
]
COMPANY_ADDRESS = Spec(None, ["Straße", "Anschrift", "Firmenanschrift"], lambda f, r: _street(f))
COMPANY_PLZ = Spec(None, ["PLZ"], lambda f, r: f.postcode())
NEUTRAL = ["Spalte 3", "Feld_7", "Wert", "Info", "Daten", "Kennung", "Nr", "Zusatz"]


@dataclass
class Table:
    columns: dict[str, list[str | None]]
    gold: dict[str, str | None]


def make_tables(seed: int = 42, n_tables: int = 60, rows: int = 120) -> list[Table]:
    rng = random.Random(seed)
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    tables = []
    personal = [s for s in SPECS if s.kind]
    looks = [s for s in SPECS if not s.kind]
    for index in range(n_tables):
        company_table = index % 5 == 4
        # a table with a company column holds company addresses (as in a customer list with
        # a contact person); person tables get no company column
        pool = looks if company_table else [s for s in looks if s.headers[0] != "Firma"]
        chosen = rng.sample(pool, 4) + ([COMPANY_ADDRESS, COMPANY_PLZ] if company_table
                                        else rng.sample(personal, 6))
        if company_table and not any(s.headers[0] == "Firma" for s in chosen):
            chosen.append(looks[[s.headers[0] for s in looks].index("Firma")])
        columns: dict[str, list[str | None]] = {}
        gold: dict[str, str | None] = {}
        for spec in chosen:
            header = rng.choice(spec.headers)
            if spec.neutral_ok and rng.random() < 0.3:
                header = rng.choice(NEUTRAL)
            while header in columns:
                header += "_2"
            columns[header] = [_noisy(spec.make(fake, rng), rng) for _ in range(rows)]
            gold[header] = spec.kind
        tables.append(Table(columns, gold))
    return tables


def _noisy(value: str, rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.07:
        return rng.choice(["-", "n/a", "unbekannt", ""])
    if roll < 0.10:
        return " " + value + " "
    return value


# -- free text --------------------------------------------------------------------------------


@dataclass
class Doc:
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)


class Writer:
    """Builds a text piece by piece and records where each entity landed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[tuple[int, int, str]] = []

    def add(self, text: str, kind: str | None = None) -> Writer:
        if kind:
            self.spans.append((self.length, self.length + len(text), kind))
        self.parts.append(text)
        self.length += len(text)
        return self

    def doc(self) -> Doc:
        return Doc("".join(self.parts), self.spans)


def _de(number: float, digits: int) -> str:
    return f"{number:.{digits}f}".replace(".", ",")


def _person(fake: Faker) -> tuple[str, str, str]:
    gender = fake.random_element(["f", "m"])
    first = fake.first_name_female() if gender == "f" else fake.first_name_male()
    return first, fake.last_name(), "Frau" if gender == "f" else "Herr"


def _letter(fake: Faker, rng: random.Random) -> Doc:
    w = Writer()
    first, last, title = _person(fake)
    sender_first, sender_last, _ = _person(fake)
    company = fake.company()
    w.add(f"{company}\n").add(fake.street_address(), "ADDRESS").add("\n")
    w.add(f"{fake.postcode()} {fake.city()}", "ADDRESS").add("\n\n")
    w.add(f"{title} ").add(f"{first} {last}", "PERSON").add("\n")
    w.add(fake.street_address(), "ADDRESS").add("\n").add(f"{fake.postcode()} {fake.city()}",
                                                          "ADDRESS")
    w.add(f"\n\n{fake.city()}, {fake.date_between('-2y', 'today').strftime('%d.%m.%Y')}\n\n")
    w.add(f"Ihre Anfrage vom {fake.date_this_year().strftime('%d.%m.%Y')}, "
          f"Angebot Nr. AN-{rng.randint(2023, 2025)}-{rng.randint(100, 999)}\n\n")
    greeting = "Sehr geehrte Frau " if title == "Frau" else "Sehr geehrter Herr "
    w.add(greeting).add(last, "PERSON").add(",\n\n")
    w.add(rng.choice([
        f"vielen Dank für Ihre Anfrage über {rng.randint(100, 5000)} Stück des Artikels "
        f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}. Der Preis beträgt "
        f"{_de(rng.uniform(1, 99), 2)} EUR je Stück.",
        f"wie telefonisch besprochen senden wir Ihnen die Zeichnung für Auftrag "
        f"{rng.randint(4500000000, 4599999999)}. Die Toleranz liegt bei 0,{rng.randint(1, 9)} mm.",
        f"leider verzögert sich die Lieferung der Charge {rng.randint(2023, 2025)}-"
        f"{rng.randint(1, 300)} "
        f"um {rng.randint(2, 6)} Wochen, da Presse {rng.randint(1, 4)} gewartet wird.",
    ]))
    if rng.random() < 0.5:
        w.add(" Bei Rückfragen erreichen Sie ").add(f"{sender_first} {sender_last}", "PERSON")
        w.add(" unter ").add(fake.phone_number(), "PHONE").add(".")
    if rng.random() < 0.4:
        w.add("\nBitte überweisen Sie den Betrag auf das Konto IBAN ")
        w.add(iban_de(fake, rng.random() < 0.6), "IBAN")
        if rng.random() < 0.5:
            w.add(", BIC ").add(fake.swift(length=11), "BIC")
        w.add(".")
    if rng.random() < 0.3:
        w.add("\nUSt-IdNr.: ").add(vat_id(rng), "VAT_ID").add(", Steuernummer ")
        w.add(tax_number(rng), "TAX_NUMBER")
    w.add("\n\n" + rng.choice(["Mit freundlichen Grüßen", "Freundliche Grüße",
                               "Mit freundlichem Gruß", "Beste Grüße"]) + "\n\n")
    department = rng.choice(["Vertrieb", "Einkauf", "Geschäftsführung", "Qualitätssicherung"])
    w.add(f"{sender_first} {sender_last}", "PERSON").add(f"\n{department}\n")
    w.add("Tel. ").add(fake.phone_number(), "PHONE").add("\nE-Mail: ")
    w.add(fake.email(), "EMAIL").add("\n")
    return w.doc()


def _email(fake: Faker, rng: random.Random) -> Doc:
    w = Writer()
    first, last, title = _person(fake)
    to_first, to_last, to_title = _person(fake)
    mail = f"{first.lower()}.{last.lower()}@{fake.free_email_domain()}"
    mail = mail.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    w.add("Von: ").add(f"{first} {last}", "PERSON").add(" <").add(mail, "EMAIL").add(">\n")
    w.add("An: ").add(f"vertrieb@{fake.domain_name()}", "EMAIL").add("\n")
    w.add(f"Betreff: {rng.choice(['Anfrage', 'Reklamation', 'Rückruf', 'Lieferung', 'Termin'])} "
          f"{rng.choice(['Flansch', 'Gehäuse', 'Charge 117', f'KW {rng.randint(1, 52)}'])}\n\n")
    w.add(rng.choice(["Hallo ", "Guten Tag ", "Liebe ", "Hi "]))
    w.add(to_first, "PERSON").add(",\n\n")
    w.add(rng.choice([
        "kannst du bitte den Termin mit ",
        "ich habe heute mit ",
        "wie besprochen hat sich ",
    ]))
    w.add(f"{to_title} ").add(f"{fake.first_name()} {fake.last_name()}", "PERSON")
    w.add(rng.choice([" gesprochen", " geklärt", " gemeldet"]) + ". ")
    w.add(rng.choice([
        "Er ist mobil erreichbar unter ", "Sie bittet um Rückruf unter ", "Telefon: "]))
    w.add(fake.phone_number(), "PHONE").add(".\n")
    if rng.random() < 0.4:
        w.add("Die Lieferadresse ist ").add(fake.street_address(), "ADDRESS").add(", ")
        w.add(f"{fake.postcode()} {fake.city()}", "ADDRESS").add(".\n")
    if rng.random() < 0.3:
        w.add("Der Fahrer kommt mit dem Fahrzeug ").add(plate(rng), "LICENSE_PLATE").add(".\n")
    if rng.random() < 0.3:
        w.add("Zugriff kam von der IP-Adresse ").add(fake.ipv4_public(), "IP_ADDRESS").add(".\n")
    weight = _de(rng.uniform(0.1, 50), 1)
    w.add(f"Bestellt sind {rng.randint(1, 900)} Stück, Gewicht {weight} kg.\n\n")
    w.add(rng.choice(["Viele Grüße\n", "Gruß\n", "VG\n", "Danke und Gruß\n"]))
    w.add(first, "PERSON").add("\n")
    return w.doc()


def _hr_note(fake: Faker, rng: random.Random) -> Doc:
    w = Writer()
    first, last, title = _person(fake)
    birth = fake.date_of_birth(minimum_age=18, maximum_age=65)
    w.add(f"Personalnotiz – {rng.choice(['Neueinstellung', 'Änderung', 'Abrechnung'])}\n\n")
    w.add("Mitarbeiter: ").add(f"{first} {last}", "PERSON").add(", geb. ")
    w.add(birth.strftime("%d.%m.%Y"), "DATE_OF_BIRTH").add("\n")
    w.add("Anschrift: ").add(fake.street_address(), "ADDRESS").add(", ")
    w.add(f"{fake.postcode()} {fake.city()}", "ADDRESS").add("\n")
    w.add("Steuer-ID: ").add(tax_id(rng), "TAX_ID").add("\n")
    w.add("SV-Nummer: ").add(svnr(rng, birth, last), "SOCIAL_SECURITY_NUMBER").add("\n")
    w.add(f"Krankenkasse: {rng.choice(['AOK', 'TK', 'Barmer', 'DAK'])}, Versichertennummer ")
    w.add(kvnr(rng), "HEALTH_INSURANCE_NUMBER").add("\n")
    w.add("Bankverbindung: ").add(iban_de(fake, True), "IBAN").add("\n")
    if rng.random() < 0.5:
        w.add("Personalausweis-Nr.: ").add(id_document(rng, rng.choice("LMNPRT"), True),
                                           "ID_CARD").add("\n")
    else:
        w.add("Reisepass Nr. ").add(id_document(rng, rng.choice("CFGHJK"), True),
                                    "PASSPORT").add("\n")
    wage = f"{rng.uniform(14, 30):.2f}".replace(".", ",")
    w.add(f"Eintritt: {fake.date_this_decade().strftime('%d.%m.%Y')}, Kostenstelle "
          f"{rng.randint(1000, 9999)}, Stundenlohn {wage} EUR\n")
    w.add("Dienstwagen: ").add(plate(rng), "LICENSE_PLATE").add("\n")
    w.add("Bearbeitet: ").add(f"{fake.first_name()} {fake.last_name()}", "PERSON").add("\n")
    return w.doc()


def _phone_note(fake: Faker, rng: random.Random) -> Doc:
    w = Writer()
    first, last, title = _person(fake)
    w.add(f"Telefonnotiz {fake.date_this_year().strftime('%d.%m.%Y')}\n")
    w.add(f"Anrufer: {title} ").add(f"{first} {last}", "PERSON")
    w.add(f" von {fake.company()}\n")
    w.add("Rückruf unter ").add(fake.phone_number(), "PHONE").add(" oder per Mail an ")
    w.add(fake.email(), "EMAIL").add("\n")
    w.add(rng.choice([
        f"Es geht um die Reklamation zu Lieferschein {rng.randint(10000, 99999)}: "
        f"{rng.randint(2, 40)} Teile mit Grat, Maß {_de(rng.uniform(10, 90), 2)} mm statt Soll.",
        f"Möchte ein Angebot für {rng.randint(500, 20000)} Stück Artikel "
        f"ART-{rng.randint(10000, 99999)} bis KW {rng.randint(1, 52)}.",
        f"Fragt nach dem Status von Auftrag {rng.randint(4500000000, 4599999999)}.",
    ]) + "\n")
    if rng.random() < 0.5:
        w.add(f"Bitte an {rng.choice(['Herrn', 'Frau'])} ").add(fake.last_name(), "PERSON")
        w.add(" weitergeben.\n")
    w.add("Aufgenommen: ").add(f"{fake.first_name()} {fake.last_name()}", "PERSON").add("\n")
    return w.doc()


def make_documents(seed: int = 7, n: int = 200) -> list[Doc]:
    rng = random.Random(seed)
    fake = Faker("de_DE")
    fake.seed_instance(seed)
    makers = [_letter, _email, _hr_note, _phone_note]
    return [makers[i % len(makers)](fake, rng) for i in range(n)]


HANDWRITTEN = Path(__file__).resolve().parent / "data" / "privacy_handwritten.txt"


def handwritten_documents(path: Path = HANDWRITTEN) -> list[Doc]:
    """Hand-written texts with names marked ``[[...]]`` (only PERSON is labelled)."""
    text = "\n".join(line for line in path.read_text("utf-8").splitlines()
                     if not line.startswith("#"))
    docs = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        w = Writer()
        for index, part in enumerate(re.split(r"\[\[(.+?)\]\]", paragraph)):
            w.add(part, "PERSON" if index % 2 else None)
        docs.append(w.doc())
    return docs
