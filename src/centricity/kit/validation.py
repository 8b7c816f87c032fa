"""Reusable field rules (e-mail, phone, language and country codes) for Pydantic schemas.

Each rule is a pattern, so the OpenAPI document states exactly what the API accepts.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from centricity.kit.i18n import LazyText, lazy, noop

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
    EMAIL_PATTERN: noop("not a valid e-mail address"),
    PHONE_PATTERN: noop("not a valid phone number (5+ digits; spaces, + ( ) . - allowed)"),
    TEXT_PATTERN: noop("must not be empty"),
    r"^[A-Za-z]{2}$": noop("use a two-letter code, e.g. cs or CZ"),
}
# Pydantic's own messages by error type, reworded for forms; `%(name)s` comes from the
# error's context.
_TYPE_MESSAGES = {
    "missing": noop("is required"),
    "string_too_long": noop("must be at most %(max_length)s characters"),
    "too_long": noop("has too many items"),
    "int_parsing": noop("must be a whole number"),
    "int_type": noop("must be a whole number"),
    "int_from_float": noop("must be a whole number"),
    "float_parsing": noop("must be a number"),
    "float_type": noop("must be a number"),
    "decimal_parsing": noop("must be a number"),
    "greater_than": noop("must be more than %(gt)s"),
    "greater_than_equal": noop("must be at least %(ge)s"),
    "less_than": noop("must be less than %(lt)s"),
    "less_than_equal": noop("must be at most %(le)s"),
    "enum": noop("choose one of: %(expected)s"),
    "literal_error": noop("choose one of: %(expected)s"),
    "bool_parsing": noop("must be yes or no"),
    "datetime_parsing": noop("use an ISO 8601 date and time, e.g. 2026-03-04T09:30:00Z"),
    "datetime_from_date_parsing": noop("use an ISO 8601 date and time, e.g. 2026-03-04T09:30:00Z"),
}


def friendly_message(error: dict[str, Any]) -> str:
    """Turn a Pydantic error into a sentence a user can act on (patterns named by meaning)."""
    if error.get("type") == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern", "")
        return _PATTERN_MESSAGES.get(pattern, "has an invalid format")
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


def friendly_text(error: dict[str, Any]) -> LazyText:
    """The same sentence for a page, translated into the viewer's language when shown."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        return lazy(
            _PATTERN_MESSAGES.get(context.get("pattern", ""), noop("has an invalid format"))
        )
    if kind == "string_too_short":
        if context.get("min_length") == 1:
            return lazy(noop("must not be empty"))
        return lazy(noop("must be at least %(min_length)s characters"), **context)
    if kind == "value_error":
        message = friendly_message(error)
        if message.startswith("value is not a valid email address"):
            return lazy(_PATTERN_MESSAGES[EMAIL_PATTERN])
        return lazy(message)
    if kind in _TYPE_MESSAGES:
        params = {key: context.get(key, "") for key in ("max_length", "gt", "ge", "lt", "le")}
        # Pydantic writes "'a', 'b' or 'c'": list the codes without its English "or".
        params["expected"] = str(context.get("expected", "")).replace(" or ", ", ")
        return lazy(_TYPE_MESSAGES[kind], **params)
    return lazy(noop("has an invalid value"))


_ISO_DATETIME = re.compile(r"\s*\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_8601_only(value: Any) -> Any:
    """Refuse numbers and number-like text: Pydantic would read `0.83` or `1700000000` as
    seconds since 1970, which the API's documented ISO 8601 format does not allow."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATETIME.match(value)):
        return value
    raise ValueError(noop("use an ISO 8601 date and time, e.g. 2026-03-04T09:30:00Z"))


def _utc_in_range(value: datetime) -> datetime:
    try:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise ValueError(noop("is out of range")) from None
    if not 1900 <= value.year <= 9998:
        raise ValueError(noop("must be between the years 1900 and 9998"))
    return value


# Every timestamp a user sends: naive means UTC; absurd years are a 422, never a 500.
UtcDatetime = Annotated[datetime, BeforeValidator(_iso_8601_only), AfterValidator(_utc_in_range)]
