"""Phone numbers in E.164, whatever way they were written.

People and phone systems write one number many ways: `+420 601 234 567`, `00420601234567`,
`601/234 567`, `(0)8-123 456 78`, `420601234567`. The maintained `phonenumbers` library
(Google's libphonenumber metadata) turns each into `+420601234567`, using a region for
national forms: the customer's country where known, else the installation's
`CENTRICITY_PHONE_REGION`. Stored and matched in that one form, a caller's number finds the
customer through an index instead of a digits-only guess.

Parsing and checking one number took ~35 µs here, and the benchmark's million call
records hold 283,761 distinct written numbers (234,666 once `00` is read as `+`), more than
the 200,000 results the cache held, so it cycled and reading the numbers was most of a call
import's reading thread. Results are cached by the text (`00` read as `+` first, as
parsing does) and the validity check by the parsed number, so each number is checked once
however it was written.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

import phonenumbers

_DIGITS = re.compile(r"\d")
MIN_DIGITS = 5  # shorter is an extension or a service code, never a customer's number


def to_e164(raw: str | None, region: str | None = None) -> str | None:
    """The number in E.164, or None when `raw` is not a valid phone number (an internal
    extension, `anonymous`, a typo). `region` reads national forms (`601 234 567`)."""
    if not raw:
        return None
    text = raw.strip()
    if len(_DIGITS.findall(text)) < MIN_DIGITS:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    return _e164(text, (region or "").upper() or None)


@lru_cache(maxsize=400_000)
def _e164(text: str, region: str | None) -> str | None:
    """`to_e164` of a stripped text with `00` already written as `+`, so `00420…` and
    `+420…` are parsed once between them."""
    number = _parse(text, region)
    if number is None and not text.startswith("+"):
        # `420601234567`: the country code written without its plus sign.
        number = _parse("+" + text, None)
    return number


def _parse(text: str, region: str | None) -> str | None:
    """The parsed number in E.164 when it is valid."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    key = (
        number.country_code,
        number.national_number,
        number.italian_leading_zero,
        number.number_of_leading_zeros,
    )
    return _valid(*key)


@lru_cache(maxsize=200_000)
def _valid(
    country_code: int | None,
    national_number: int | None,
    italian_leading_zero: bool | None,
    leading_zeros: int | None,
) -> str | None:
    """The number in E.164 when valid: decided once per number, however it was written
    (validity and the E.164 form depend on nothing else)."""
    number = phonenumbers.PhoneNumber(
        country_code=country_code,
        national_number=national_number,
        italian_leading_zero=italian_leading_zero,
        number_of_leading_zeros=leading_zeros,
    )
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def default_region() -> str:
    """The installation's region for national numbers (`CENTRICITY_PHONE_REGION`).

    Read from the environment, not through `Settings`: it is asked once per customer saved
    (0.3 ms for a Settings object would double a bulk save), and start-up has validated it."""
    return os.environ.get("CENTRICITY_PHONE_REGION", "CZ").upper() or "CZ"


def customer_e164(phone: str | None, country: str | None) -> str | None:
    """A customer's phone in E.164, reading national forms in their country when known."""
    return to_e164(phone, country or default_region()) if phone else None


def is_region(code: str) -> bool:
    """Whether `code` is a region phonenumbers knows (`CZ`, `SE`), for settings checks."""
    return code.upper() in phonenumbers.SUPPORTED_REGIONS


def parse_lines(text: str, region: str | None = None) -> dict[str, str]:
    """`+420222111222=Support;…` as {E.164 number: department name}; ValueError names the
    pair that is not a phone number and a department."""
    lines: dict[str, str] = {}
    for pair in (p.strip() for p in text.split(";")):
        if not pair:
            continue
        number, _, department = pair.partition("=")
        e164 = to_e164(number.strip(), region)
        if e164 is None or not department.strip():
            raise ValueError(f"{pair!r} is not number=department (e.g. +420222111222=Support)")
        lines[e164] = department.strip()
    return lines
