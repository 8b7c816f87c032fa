"""Time helpers: one notion of "now" so tests and stored timestamps agree (UTC, aware)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

from centricity.kit.i18n import noop

UNKNOWN_TIME_ZONE = noop("unknown time zone; use an IANA name, e.g. Europe/Prague")


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime; every stored `_at` uses it."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime as UTC and convert aware ones, so comparisons never mix kinds."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_date(value: str) -> date:
    """Parse an ISO date (YYYY-MM-DD) given on the command line or in a query string."""
    return date.fromisoformat(value)


@cache
def check_time_zone(name: str) -> str:
    """Accept an IANA time zone name (`Europe/Prague`) or raise ValueError saying so."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        if not name or name != name.strip() or name.startswith("/"):
            raise ValueError
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError, OSError):
        raise ValueError(UNKNOWN_TIME_ZONE) from None
    return name


def today_utc() -> date:
    """Today's date in UTC: the day the value analysis and the demo's history end on
    (stored times are UTC, so a day in another zone could end in the future)."""
    return utcnow().date()
