"""Time helpers: one notion of "now" so tests and stored timestamps agree (UTC, aware)."""

from __future__ import annotations

from datetime import UTC, date, datetime


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


def check_time_zone(name: str) -> str:
    """Accept an IANA time zone name (`Europe/Prague`) or raise ValueError saying so."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        if not name or name != name.strip() or name.startswith("/"):
            raise ValueError
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError, OSError):
        hint = "use an IANA name, e.g. Europe/Prague"
        raise ValueError(f"unknown time zone {name!r}; {hint}") from None
    return name
