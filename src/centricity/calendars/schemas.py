"""Input and output shapes of business calendars (REST API)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from centricity.calendars.hours import WEEKDAYS, check_holidays
from centricity.calendars.models import minute_of_day
from centricity.kit.schema import InputSchema
from centricity.kit.time import check_time_zone

_CLOCK = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
MAX_INTERVALS_PER_DAY = 12
MAX_CUSTOM_DATES = 3660
Name = Annotated[str, Field(min_length=1, max_length=120)]
CustomDates = Annotated[list[date], Field(max_length=MAX_CUSTOM_DATES)]


def check_hours(value: Any) -> dict[str, list[list[str]]]:
    """Working intervals per weekday: `{"mon": [["08:00", "16:00"]], ..., "sun": []}`.

    Each interval runs from a start to a later end within the day (`24:00` is the end of
    the day); the intervals of a day may touch but not overlap; a missing day is closed;
    at least one day must have working time.
    """
    if not isinstance(value, dict):
        raise ValueError('give an object of weekdays, e.g. {"mon": [["08:00", "16:00"]]}')
    unknown = sorted(set(value) - set(WEEKDAYS))
    if unknown:
        raise ValueError(f"unknown weekdays {unknown}; use {', '.join(WEEKDAYS)}")
    hours = {day: _day_intervals(day, value.get(day) or []) for day in WEEKDAYS}
    if not any(hours.values()):
        raise ValueError("the calendar has no working time on any day")
    return hours


def _day_intervals(day: str, pairs: Any) -> list[list[str]]:
    if not isinstance(pairs, list) or len(pairs) > MAX_INTERVALS_PER_DAY:
        raise ValueError(f"{day}: give up to {MAX_INTERVALS_PER_DAY} [start, end] pairs")
    spans = []
    for pair in pairs:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise ValueError(
                f"{day}: each interval is a [start, end] pair such as ['08:00', '16:00']"
            )
        start, end = (_clock(day, text) for text in pair)
        if minute_of_day(start) >= minute_of_day(end):
            raise ValueError(f"{day}: the interval {start}-{end} ends before it starts")
        spans.append([start, end])
    spans.sort(key=lambda span: minute_of_day(span[0]))
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if minute_of_day(start) < minute_of_day(end):
            raise ValueError(f"{day}: the intervals overlap at {start}-{end}")
    return spans


def _clock(day: str, text: Any) -> str:
    if not isinstance(text, str) or not _CLOCK.match(text) or minute_of_day(text) > 24 * 60:
        raise ValueError(f"{day}: {text!r} is not a time of day (HH:MM, 00:00 to 24:00)")
    return text


class _CalendarFields(InputSchema):
    @field_validator("time_zone", check_fields=False)
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return None if value is None else check_time_zone(value)

    @field_validator("hours", mode="before", check_fields=False)
    @classmethod
    def _valid_hours(cls, value: Any) -> Any:
        return None if value is None else check_hours(value)

    @field_validator("holiday_country", check_fields=False)
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        check_holidays(value.upper(), [])
        return value.upper()

    @field_validator("holiday_categories", check_fields=False)
    @classmethod
    def _known_categories(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("give at least one category, e.g. ['public']")
        country = info.data.get("holiday_country")
        if country:
            check_holidays(country, value)
        return list(dict.fromkeys(value))


class CalendarCreate(_CalendarFields):
    """A new calendar; omitted holidays mean none, omitted categories mean `public`."""

    name: Name
    time_zone: str
    hours: dict[str, list[list[str]]]
    holiday_country: str | None = None
    holiday_categories: list[str] = Field(default_factory=lambda: ["public"], max_length=10)
    closed_dates: CustomDates = Field(default_factory=list)
    open_dates: CustomDates = Field(default_factory=list)


class CalendarUpdate(_CalendarFields):
    """A change to a calendar: only the fields sent change (`holiday_country: null` removes
    the holidays)."""

    name: Name | None = None
    time_zone: str | None = None
    hours: dict[str, list[list[str]]] | None = None
    holiday_country: str | None = None
    holiday_categories: list[str] | None = Field(default=None, max_length=10)
    closed_dates: CustomDates | None = None
    open_dates: CustomDates | None = None


class CalendarRead(BaseModel):
    """A calendar as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    time_zone: str
    hours: dict[str, list[list[str]]]
    holiday_country: str | None
    holiday_categories: list[str]
    closed_dates: list[date]
    open_dates: list[date]
    created_at: datetime
    updated_at: datetime


class DueRead(BaseModel):
    """The moment a number of working minutes after a start, in the calendar's zone."""

    due_at: datetime
