"""Working time of a business calendar, and arithmetic on it: pure (zoneinfo and `holidays`).

A calendar has working intervals per weekday in local wall-clock time (08:00–12:00 and
13:00–17:00; 00:00–24:00 for round the clock), an IANA time zone, public holidays of one
country (the maintained `holidays` package, by category) plus custom closed dates, and
custom working days that override both.

Working time is a set of real instants. An interval covers the instants whose local clock
shows a time in [start, end): on the day the clocks go forward a 00:00–24:00 day has 23
hours and on the day they go back 25, and "N working minutes" are N minutes of real time
inside working intervals, so the 24/7 calendar adds exactly N minutes. A start that the
clock skips (02:30 when 02:00 jumps to 03:00) begins at the jump; an end the clock shows
twice (02:30 when 03:00 goes back to 02:00) ends at its second showing.

Every instant is handled as integer seconds since the epoch (UTC); each local day's
intervals are computed once per calendar and cached, so recomputing many due times is a
walk over cached integer pairs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
# A walk that finds no working time in this many days is refused rather than run forever
# (a calendar whose every working weekday was closed by hand, for example).
MAX_DAYS_WITHOUT_WORK = 3 * 366

Interval = tuple[int, int]  # minutes since local midnight, [start, end), end <= 1440


class NoWorkingTime(ValueError):
    """The calendar has no working time where the arithmetic needs some."""


@functools.lru_cache(maxsize=512)
def holiday_dates(country: str, categories: tuple[str, ...], year: int) -> frozenset[date]:
    """The holidays of one country, in the given categories, in one year (cached per
    process: the `holidays` package computes a year's dates on each call)."""
    found = holidays.country_holidays(country, years=year, categories=categories)
    return frozenset(found.keys())


def check_holidays(country: str, categories: Sequence[str]) -> None:
    """Refuse a country or category the `holidays` package does not know, saying which."""
    try:
        known = holidays.country_holidays(country).supported_categories
    except (NotImplementedError, KeyError, AttributeError):
        raise ValueError(f"unknown holiday country {country!r}") from None
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise ValueError(
            f"unknown holiday categories {unknown} for {country}; known: {sorted(known)}"
        )


@dataclass(frozen=True)
class WorkingWeek:
    """The parts of a calendar that decide working time (no name, no storage)."""

    time_zone: str
    hours: Mapping[int, Sequence[Interval]]  # weekday 0 = Monday
    holiday_country: str | None = None
    holiday_categories: tuple[str, ...] = ("public",)
    closed_dates: frozenset[date] = frozenset()
    open_dates: frozenset[date] = frozenset()

    def intervals_on(self, day: date) -> Sequence[Interval]:
        """The working intervals of a local day (none on a holiday or closed date).

        A custom working day on a weekday without hours takes the hours of the first
        weekday that has some (Monday's in most calendars).
        """
        if day in self.open_dates:
            return self.hours.get(day.weekday()) or _first_working_hours(self.hours)
        if day in self.closed_dates or self._is_holiday(day):
            return ()
        return self.hours.get(day.weekday(), ())

    def _is_holiday(self, day: date) -> bool:
        if self.holiday_country is None:
            return False
        return day in holiday_dates(self.holiday_country, self.holiday_categories, day.year)


def _first_working_hours(hours: Mapping[int, Sequence[Interval]]) -> Sequence[Interval]:
    for weekday in range(7):
        if hours.get(weekday):
            return hours[weekday]
    return ()


@dataclass
class BusinessCalendar:
    """Arithmetic in working time: due times, working time between instants, next start."""

    week: WorkingWeek
    _zone: ZoneInfo = field(init=False, repr=False)
    _days: dict[date, tuple[tuple[int, int], ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._zone = ZoneInfo(self.week.time_zone)
        self._days = {}
        if not any(self.week.hours.get(d) for d in range(7)):
            raise NoWorkingTime("the calendar has no working hours on any weekday")

    def add(self, start: datetime, minutes: float) -> datetime:
        """The earliest instant by which `minutes` of working time have passed since `start`.

        A case opened on Friday night counts from Monday morning: its due time for a
        positive target lies inside working time or at the end of an interval. Adding 0
        gives `start` itself, so adding a and then b is adding a + b.
        """
        if minutes < 0:
            raise ValueError("minutes must be >= 0")
        remaining = round(minutes * 60)
        if remaining == 0:
            return _instant(_seconds(start))
        for begin, end in self._intervals_from(_seconds(start)):
            if end - begin >= remaining:
                return _instant(begin + remaining)
            remaining -= end - begin
        raise AssertionError("unreachable: _intervals_from ends only by raising")

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working time between two instants, in minutes (0 when `end` is not later)."""
        until = _seconds(end)
        total = 0
        for begin, stop in self._intervals_from(_seconds(start), until=until):
            total += min(stop, until) - begin
        return total / 60

    def next_working(self, at: datetime) -> datetime:
        """The first working instant at or after `at`: where a clock started outside
        working time begins to count."""
        for begin, _ in self._intervals_from(_seconds(at)):
            return _instant(begin)
        raise AssertionError("unreachable: _intervals_from ends only by raising")

    def is_working(self, at: datetime) -> bool:
        """Whether `at` lies inside working time (an interval's end does not)."""
        second = _seconds(at)
        local_day = at.astimezone(self._zone).date()
        return any(b <= second < e for b, e in self._day(local_day))

    def _intervals_from(self, second: int, until: int | None = None) -> Iterable[Interval]:
        """Working intervals in UTC seconds, clipped to start at `second`, in time order,
        up to `until` (or for ever); raises NoWorkingTime after years without work."""
        day = _instant(second).astimezone(self._zone).date() - timedelta(days=1)
        idle = 0
        while idle <= MAX_DAYS_WITHOUT_WORK:
            spans = self._day(day)
            idle = idle + 1 if not spans else 0
            for begin, end in spans:
                if until is not None and begin >= until:
                    return
                if end > second:
                    yield max(begin, second), end
            day += timedelta(days=1)
            if until is not None and _day_start(day, self._zone) >= until:
                return
        raise NoWorkingTime(f"no working time within {MAX_DAYS_WITHOUT_WORK} days")

    def _day(self, day: date) -> tuple[tuple[int, int], ...]:
        spans = self._days.get(day)
        if spans is None:
            spans = tuple(
                (_boundary(day, a, self._zone, first=True), _boundary(day, b, self._zone, False))
                for a, b in self.week.intervals_on(day)
            )
            spans = tuple((a, b) for a, b in spans if b > a)
            self._days[day] = spans
        return spans


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("a moment needs a time zone (naive datetimes are ambiguous)")
    return int(moment.timestamp())


def _instant(second: int) -> datetime:
    return datetime.fromtimestamp(second, UTC)


def _day_start(day: date, zone: ZoneInfo) -> int:
    return _boundary(day, 0, zone, first=True)


def _boundary(day: date, minute: int, zone: ZoneInfo, first: bool) -> int:
    """UTC seconds of a local wall time (minute 1440 is the next day's 00:00).

    A wall time shown twice (clocks going back) is its first showing for an interval's
    start and its second for an end; one the clock skips is the instant of the jump.
    """
    if minute >= MINUTES_PER_DAY:
        day, minute = day + timedelta(days=1), minute - MINUTES_PER_DAY
    wall = datetime.combine(day, time(minute // 60, minute % 60))
    early = int(wall.replace(tzinfo=zone, fold=0).timestamp())
    late = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    if early == late:
        return early
    if early < late:  # shown twice: fold 0 is the first showing
        return early if first else late
    return _jump_between(late, early, wall, zone)


def _jump_between(low: int, high: int, wall: datetime, zone: ZoneInfo) -> int:
    """The instant the clock jumps over `wall`: the first second whose local time is later.

    In a gap, fold 1 maps to an instant before the jump and fold 0 to one after it.
    """
    while high - low > 1:
        middle = (low + high) // 2
        if _instant(middle).astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high
