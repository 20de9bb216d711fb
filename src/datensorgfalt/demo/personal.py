"""Fictional but formally valid personal identifiers: IBAN, Steuer-ID, SV-Nummer."""

from __future__ import annotations

import random
from datetime import date

from schwifty import IBAN
from stdnum.de import idnr
from stdnum.iso7064 import mod_11_10

#: Bank codes (BLZ) of banks in NRW, so the IBANs look like the region.
NRW_BANK_CODES = (
    "44050199",  # Sparkasse Dortmund
    "45050001",  # Sparkasse Hagen
    "44550045",  # Sparkasse Iserlohn
    "36050105",  # Sparkasse Essen
    "30050110",  # Stadtsparkasse Düsseldorf
    "37050198",  # Sparkasse KölnBonn
    "44160014",  # Dortmunder Volksbank
    "45060161",  # Volksbank Hohenlimburg
)


def iban(rng: random.Random) -> str:
    """A German IBAN with a correct check sum, printed in groups of four."""
    account = str(rng.randrange(10**8, 10**10))
    number = IBAN.generate("DE", bank_code=rng.choice(NRW_BANK_CODES), account_code=account)
    return number.formatted


def steuer_id(rng: random.Random) -> str:
    """An 11-digit Steuer-Identifikationsnummer that passes python-stdnum's checks."""
    while True:
        digits = rng.sample("0123456789", 9)
        if digits[0] == "0":
            continue
        digits.insert(rng.randrange(1, 10), rng.choice(digits))
        body = "".join(digits)
        number = body + mod_11_10.calc_check_digit(body)
        if idnr.is_valid(number):
            return idnr.format(number)


_SV_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)


def sv_nummer(rng: random.Random, birth: date, surname: str, female: bool) -> str:
    """A Rentenversicherungsnummer (area, birth date, initial, serial, check digit)."""
    area = rng.choice(("12", "13", "15", "17", "18", "23", "24"))
    serial = rng.randrange(50, 100) if female else rng.randrange(0, 50)
    initial = _ascii_initial(surname)
    head = f"{area}{birth:%d%m%y}"
    digits = head + f"{ord(initial) - 64:02d}" + f"{serial:02d}"
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, _SV_WEIGHTS, strict=True))
    return f"{head}{initial}{serial:02d}{total % 10}"


def sv_nummer_is_valid(number: str) -> bool:
    """Check the check digit of a Rentenversicherungsnummer (used by the tests)."""
    number = number.replace(" ", "")
    if len(number) != 12 or not number[8].isalpha():
        return False
    digits = number[:8] + f"{ord(number[8].upper()) - 64:02d}" + number[9:11]
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, _SV_WEIGHTS, strict=True))
    return total % 10 == int(number[11])


def _ascii_initial(surname: str) -> str:
    first = surname.strip()[0].upper()
    return {"Ä": "A", "Ö": "O", "Ü": "U"}.get(first, first)
