"""Numbers, money, dates, times and country names in the viewer's language and time zone.

Pages only: the REST API and the CLI keep ISO 8601 and plain numbers. Every function reads
the locale of the page being rendered (`kit.i18n.current()`), so templates need no
arguments beyond the value.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_timedelta
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as babel_percent
from babel.units import format_unit

from centricity.kit.i18n import current
from centricity.kit.time import utcnow

EMPTY = "–"
Number = int | float | Decimal


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def _datetime_pattern(language: str) -> str:
    """Medium date with a short time (no seconds): `4. 3. 2026 10:30`, `4 mar 2026, 10:30`."""
    locale = _locale(language)
    joined = str(locale.datetime_formats["medium"])
    date_part = locale.date_formats["medium"].pattern
    time_part = locale.time_formats["short"].pattern
    return joined.replace("{1}", date_part).replace("{0}", time_part)


def number(value: Number | None, digits: int = 0) -> str:
    """A number with the viewer's grouping and decimal mark, `digits` decimals."""
    if value is None:
        return EMPTY
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(current().language))


def score(value: Number | None) -> str:
    """A rating as the viewer writes numbers, with only the decimals it has (9, 4.5,
    33.33): a score of 9 is never shown as 9.00."""
    if value is None:
        return EMPTY
    pattern = "#,##0.##"  # up to two decimals, trailing zeros dropped
    return format_decimal(value, format=pattern, locale=_locale(current().language))


def percent(value: float | None, digits: int = 0) -> str:
    """A share (0.42) as the viewer writes a percentage (`42 %`, `42%`)."""
    if value is None:
        return EMPTY
    locale = _locale(current().language)
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return babel_percent(value, format=pattern, locale=locale)


def money(value: Number | None, currency: str | None = None) -> str:
    """An amount with its currency as the viewer writes it (`1 674 679,88 Kč`); without a
    currency (company-wide sums across currencies) a plain two-decimal number."""
    if value is None:
        return EMPTY
    if not currency:
        return number(value, 2)
    return format_currency(value, currency, locale=_locale(current().language))


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def datetime_text(value: datetime | None) -> str:
    """A stored UTC time in the viewer's time zone and language, to the minute."""
    if value is None:
        return EMPTY
    viewer = current()
    return babel_datetime(
        _aware(value),
        _datetime_pattern(viewer.language),
        tzinfo=_zone(viewer.time_zone),
        locale=_locale(viewer.language),
    )


def date_text(value: datetime | date | None) -> str:
    """A day in the viewer's language; times are first moved into the viewer's zone."""
    if value is None:
        return EMPTY
    viewer = current()
    if isinstance(value, datetime):
        value = _aware(value).astimezone(_zone(viewer.time_zone)).date()
    return babel_date(value, "medium", locale=_locale(viewer.language))


def relative(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago (or until) a time is, as people say it: `před 3 hodinami`."""
    if value is None:
        return EMPTY
    delta: timedelta = _aware(value) - (now or utcnow())
    return format_timedelta(
        delta, add_direction=True, threshold=1.0, locale=_locale(current().language)
    )


def country(code: str | None) -> str:
    """A two-letter country code as the country's name in the viewer's language."""
    if not code:
        return EMPTY
    return str(_locale(current().language).territories.get(code.upper(), code))


def language(code: str | None) -> str:
    """A two-letter language code as the language's name in the viewer's language."""
    if not code:
        return EMPTY
    return str(_locale(current().language).languages.get(code.lower(), code))


def duration(seconds: int | float | None) -> str:
    """A short duration (a call, a wait) in the viewer's language, in its two largest units:
    `1 h 5 min`, `4 min 30 s`."""
    if seconds is None:
        return EMPTY
    minutes, secs = divmod(max(int(seconds), 0), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(hours, "duration-hour"), (minutes, "duration-minute"), (secs, "duration-second")]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    locale = _locale(current().language)
    shown = [format_unit(value, unit, length="short", locale=locale) for value, unit in parts[:2]]
    if len(shown) == 2 and parts[1][0] == 0:
        shown.pop()
    return " ".join(shown)


def filesize(size: int | None) -> str:
    """A file's size in the viewer's language and units (B, kB, MB, as CLDR names them)."""
    if size is None:
        return ""
    locale = _locale(current().language)
    if size < 1024:
        return format_unit(size, "digital-byte", length="short", locale=locale)
    if size < 1024 * 1024:
        return format_unit(round(size / 1024, 1), "digital-kilobyte", length="short", locale=locale)
    megabytes = round(size / 1024 / 1024, 1)
    return format_unit(megabytes, "digital-megabyte", length="short", locale=locale)
