"""Reusable field rules (e-mail, phone, language and country codes) for Pydantic schemas.

Each rule is a pattern, so the OpenAPI document states exactly what the API accepts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$"
PHONE_PATTERN = r"^\+?[ ()./-]*([0-9][ ()./-]*){5,20}$"
TEXT_PATTERN = r"\S"


def _lower(value: str) -> str:
    return value.lower()


def _upper(value: str) -> str:
    return value.upper()


Email = Annotated[
    str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN), AfterValidator(_lower)
]
Phone = Annotated[str, StringConstraints(max_length=50, pattern=PHONE_PATTERN)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), AfterValidator(_lower)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$"), AfterValidator(_upper)]
ExternalId = Annotated[
    str, StringConstraints(max_length=100, strip_whitespace=True, pattern=TEXT_PATTERN)
]
Name = Annotated[
    str, StringConstraints(max_length=200, strip_whitespace=True, pattern=TEXT_PATTERN)
]

# Row ids are 32-bit integers on PostgreSQL; larger numbers are answered 422, never 500.
MAX_ID = 2**31 - 1
RecordId = Annotated[int, Field(gt=0, le=MAX_ID)]

_PATTERN_MESSAGES = {
    EMAIL_PATTERN: "not a valid e-mail address",
    PHONE_PATTERN: "not a valid phone number (5+ digits; spaces, + ( ) . - allowed)",
    TEXT_PATTERN: "must not be empty",
    r"^[A-Za-z]{2}$": "use a two-letter code, e.g. cs or CZ",
}


def friendly_message(error: dict[str, Any]) -> str:
    """Turn a Pydantic error into a sentence a user can act on (patterns named by meaning)."""
    if error.get("type") == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern", "")
        return _PATTERN_MESSAGES.get(pattern, "has an invalid format")
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


_ISO_DATETIME = re.compile(r"\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_8601_only(value: Any) -> Any:
    """Refuse numbers and number-like text: Pydantic would read `0.83` or `1700000000` as
    seconds since 1970, which the API's documented ISO 8601 format does not allow."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATETIME.match(value)):
        return value
    raise ValueError("use an ISO 8601 date and time, e.g. 2026-03-04T09:30:00Z")


def _utc_in_range(value: datetime) -> datetime:
    try:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range") from None
    if not 1900 <= value.year <= 9998:
        raise ValueError("must be between the years 1900 and 9998")
    return value


# Every timestamp a user sends: naive means UTC; absurd years are a 422, never a 500.
UtcDatetime = Annotated[datetime, BeforeValidator(_iso_8601_only), AfterValidator(_utc_in_range)]
