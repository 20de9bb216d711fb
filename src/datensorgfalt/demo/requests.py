"""Customer requests as RFC 5322 e-mails and phone notes, labelled with the key they led to."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from faker import Faker

from datensorgfalt.demo import personal
from datensorgfalt.demo.company import (
    COMPANY,
    Article,
    Customer,
    Person,
    domain_for,
    email_for,
    faker,
    person,
)
from datensorgfalt.demo.formats import csv_bytes
from datensorgfalt.demo.landscape import Landscape
from datensorgfalt.demo.request_texts import (
    CLOSINGS,
    GREETINGS,
    KEYS,
    MATERIALS,
    OPENINGS,
    SENTENCES,
    SHARED,
    SUBJECTS,
)

REQUEST_DIR = "anfragen"
LABEL_FILE = "anfragen/zuordnung.csv"
LABEL_HEADER = ("Datei", "Eingang", "Angebotsnr", "Schlüssel", "Bezeichnung")
REQUEST_COUNT = 720  # about two years of a sales desk: one or two requests a working day
EMAIL_SHARE = 0.65
IBAN_SHARE = 0.12
MIXED_SHARE = 0.15  # requests that borrow one sentence from another key
FIRST = datetime(2024, 1, 2, 7)
SALES_DESK = formataddr(("Vertrieb Müller Umformtechnik", f"vertrieb@{COMPANY['email_domain']}"))


class _Sender:
    def __init__(self, contact: Person, company: str, street: str, city: str, phone: str,
                 email: str, iban: str | None) -> None:
        self.contact, self.company, self.street, self.city = contact, company, street, city
        self.phone, self.email, self.iban = phone, email, iban

    def signature(self) -> str:
        lines = [self.contact.name, self.company, self.street, self.city, f"Tel. {self.phone}",
                 f"E-Mail: {self.email}"]
        if self.iban:
            lines.append(f"Bankverbindung: IBAN {self.iban}")
        return "\n".join(lines)


def write_requests(land: Landscape, customers: list[Customer], articles: list[Article]) -> None:
    rng = land.rng("requests")
    fake = faker(land.seed, "requests")
    keys = rng.choices(list(KEYS), weights=[share for _, share in KEYS.values()],
                       k=REQUEST_COUNT)
    labels, with_iban, mixed = [], [], []
    moment = FIRST
    for number, key in enumerate(keys, start=1):
        moment = _next_moment(rng, moment)
        sender = _sender(rng, fake, customers)
        opening, body, borrowed = _body(rng, key, articles)
        if borrowed:
            mixed.append(number)
        email = rng.random() < EMAIL_SHARE
        name = f"{REQUEST_DIR}/anfrage_{number:03d}.{'eml' if email else 'txt'}"
        data = (
            _email(number, moment, sender, _subject(rng, key, articles),
                   f"{opening}\n\n{body}" if opening else body)
            if email else _phone_note(rng, moment, sender, body)
        )
        land.write_bytes(name, data)
        if sender.iban:
            with_iban.append(name)
        labels.append([name.split("/")[1], f"{moment:%d.%m.%Y}", f"AN-{moment:%y}-{number:04d}",
                       key, KEYS[key][0]])
    land.write_bytes(LABEL_FILE, csv_bytes(LABEL_HEADER, labels))
    counts = {key: keys.count(key) for key in KEYS}
    land.plant("request-labels", counts=counts, requests=REQUEST_COUNT,
               majority_share=round(max(counts.values()) / REQUEST_COUNT, 3),
               mixed_wording=mixed)
    land.plant("personal-data-requests", files_with_iban=with_iban, request_count=REQUEST_COUNT)


def _next_moment(rng: random.Random, moment: datetime) -> datetime:
    moment += timedelta(hours=rng.randint(2, 30))
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment.replace(hour=rng.randint(7, 17), minute=rng.randint(0, 59))


def _sender(rng: random.Random, fake: Faker, customers: list[Customer]) -> _Sender:
    iban = personal.iban(rng) if rng.random() < IBAN_SHARE else None
    if rng.random() < 0.6:
        c = rng.choice(customers)
        return _Sender(c.contact, c.name, c.street, f"{c.postcode} {c.city}", c.phone, c.email,
                       iban)
    contact = person(fake, rng)
    company = f"{fake.last_name()} {rng.choice(('Maschinenbau', 'Technik', 'Systeme'))} GmbH"
    return _Sender(contact, company, fake.street_address(), f"{fake.postcode()} {fake.city()}",
                   fake.phone_number(), email_for(contact, domain_for(company)), iban)


def _values(rng: random.Random, articles: list[Article]) -> dict[str, object]:
    return {
        "material": rng.choice(MATERIALS), "thick": rng.choice(("0,8", "1,5", "2", "3", "4")),
        "radius": rng.randint(1, 5), "length": rng.choice((25, 40, 60, 80, 120)),
        "holes": rng.randint(3, 12), "qty": rng.choice((200, 500, 1000, 2500, 5000)),
        "week": rng.randint(2, 50), "article": rng.choice(articles).number,
    }


def _subject(rng: random.Random, key: str, articles: list[Article]) -> str:
    return rng.choice(SUBJECTS[key]).format(**_values(rng, articles))


def _body(rng: random.Random, key: str, articles: list[Article]) -> tuple[str, str, bool]:
    """Opening line, the request itself, and whether it borrowed from another key."""
    values = _values(rng, articles)
    sentences = rng.sample(SENTENCES[key], 2)
    borrowed = rng.random() < MIXED_SHARE
    if borrowed:
        other = rng.choice([k for k in SENTENCES if k != key])
        sentences[1] = rng.choice(SENTENCES[other])
    sentences.append(rng.choice(SHARED))
    text = " ".join(s.format(**values) for s in sentences)
    return rng.choice(OPENINGS), text, borrowed


def _offset(moment: datetime) -> timezone:
    return timezone(timedelta(hours=2 if 4 <= moment.month <= 10 else 1))


def _email(number: int, moment: datetime, sender: _Sender, subject: str, body: str) -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = formataddr((sender.contact.name, sender.email))
    message["To"] = SALES_DESK
    message["Subject"] = subject
    message["Date"] = format_datetime(moment.replace(tzinfo=_offset(moment)))
    message["Message-ID"] = f"<{moment:%Y%m%d%H%M}.{number:04d}@{sender.email.split('@')[1]}>"
    greeting = GREETINGS[number % len(GREETINGS)]
    closing = CLOSINGS[number % len(CLOSINGS)]
    message.set_content(f"{greeting}\n\n{body}\n\n{closing}\n\n{sender.signature()}\n",
                        cte="quoted-printable")
    return message.as_bytes()


def _phone_note(rng: random.Random, moment: datetime, sender: _Sender, body: str) -> bytes:
    lines = [
        f"Telefonnotiz vom {moment:%d.%m.%Y}, {moment:%H:%M} Uhr",
        f"Anrufer: {sender.contact.salutation} {sender.contact.name}, {sender.company}",
        f"Anschrift: {sender.street}, {sender.city}",
        f"Rückruf unter: {sender.phone}",
        f"E-Mail: {sender.email}",
    ]
    if sender.iban:
        lines.append(f"Neue Bankverbindung des Kunden: {sender.iban}")
    lines += ["", "Anliegen:", body.strip(), "", f"Aufgenommen: {rng.choice(('SB', 'AK', 'JW'))}"]
    return ("\n".join(lines) + "\n").encode("utf-8")
