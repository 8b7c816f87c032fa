"""Reusable field rules (e-mail, phone, language and country codes) for Pydantic schemas."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,30}$")


def check_email(value: str) -> str:
    """Accept a plausible e-mail address and store it lower-cased."""
    value = value.strip().lower()
    if not _EMAIL.match(value):
        raise ValueError("not a valid e-mail address")
    return value


def check_phone(value: str) -> str:
    """Accept phone numbers with digits, spaces, +, (, ), dots and dashes."""
    value = value.strip()
    if not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 5:
        raise ValueError("not a valid phone number (digits, spaces, + ( ) . - allowed)")
    return value


def _lower(value: str) -> str:
    return value.lower()


def _upper(value: str) -> str:
    return value.upper()


Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(check_email)]
Phone = Annotated[str, StringConstraints(max_length=50), AfterValidator(check_phone)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), AfterValidator(_lower)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), AfterValidator(_upper)]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
