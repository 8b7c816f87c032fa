"""Business calendars as stored: working hours, time zone, holidays and custom dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from centricity.calendars.hours import WEEKDAYS, Interval, WorkingWeek
from centricity.db import Base, JSONType, UTCDateTime
from centricity.kit.time import utcnow

# The calendar every installation has (migration 0009): service targets count real time.
ROUND_THE_CLOCK = "24/7"


class Calendar(Base):
    """When an organisation (or one department) works; service-level policies count in it.

    `hours` maps `mon`..`sun` to lists of `["08:00", "16:00"]` pairs; dates are ISO text.
    """

    __tablename__ = "calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    hours: Mapped[dict[str, list[list[str]]]] = mapped_column(JSONType)
    holiday_country: Mapped[str | None] = mapped_column(String(8))
    holiday_categories: Mapped[list[str]] = mapped_column(JSONType, default=list)
    closed_dates: Mapped[list[str]] = mapped_column(JSONType, default=list)
    open_dates: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def working_week(self) -> WorkingWeek:
        """The stored definition as the arithmetic's input."""
        return WorkingWeek(
            time_zone=self.time_zone,
            hours={i: _intervals(self.hours.get(day, [])) for i, day in enumerate(WEEKDAYS)},
            holiday_country=self.holiday_country,
            holiday_categories=tuple(self.holiday_categories or ("public",)),
            closed_dates=frozenset(date.fromisoformat(d) for d in self.closed_dates),
            open_dates=frozenset(date.fromisoformat(d) for d in self.open_dates),
        )


def minute_of_day(text: str) -> int:
    """`08:30` as 510; `24:00` as 1440 (the end of a day that runs to midnight)."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _intervals(pairs: list[Any]) -> list[Interval]:
    return [(minute_of_day(start), minute_of_day(end)) for start, end in pairs]
