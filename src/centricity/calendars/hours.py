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

Every instant is handled as integer seconds since the epoch (UTC); the intervals of the
days questions reach are laid out once per calendar with cumulative working seconds, so a
due time is two binary searches.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import numpy.typing as npt

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
DAY_SECONDS = 25 * 3600  # the longest local day (clocks going back)
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


@functools.cache
def _supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


def check_holidays(country: str, categories: Sequence[str]) -> None:
    """Refuse a country or category the `holidays` package does not know, saying which."""
    if country not in _supported_countries():
        raise ValueError(f"unknown holiday country {country!r}")
    known = holidays.country_holidays(country).supported_categories
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
    """Arithmetic in working time: due times, working time between instants, next start.

    Working intervals are laid out, day by day as far as questions reach, in one sorted
    list of UTC seconds with the working seconds that come before each interval; a due time
    or the working time between two instants is then two binary searches. Walking the
    intervals of each day for every question reached 14,000 recomputed targets per second;
    see `benchmarks/sla_check.py` for this index's figure.
    """

    week: WorkingWeek
    _zone: ZoneInfo = field(init=False, repr=False)
    _first_day: date = field(init=False, repr=False)
    _next_day: date = field(init=False, repr=False)  # the first day not laid out yet
    _starts: list[int] = field(init=False, repr=False)
    _ends: list[int] = field(init=False, repr=False)
    _before: list[int] = field(init=False, repr=False)  # working seconds before interval i
    _through: list[int] = field(init=False, repr=False)  # ... up to the end of interval i
    _low: int = field(init=False, repr=False)  # UTC seconds where the first day starts
    _high: int = field(init=False, repr=False)  # ... and where the next day would start

    def __post_init__(self) -> None:
        self._zone = ZoneInfo(self.week.time_zone)
        if not any(self.week.hours.get(d) for d in range(7)):
            raise NoWorkingTime("the calendar has no working hours on any weekday")
        self._reset(date(2000, 1, 1))

    def add(self, start: datetime, minutes: float) -> datetime:
        """The earliest instant by which `minutes` of working time have passed since `start`.

        A case opened on Friday night counts from Monday morning: its due time for a
        positive target lies inside working time or at the end of an interval. Adding 0
        gives `start` itself, so adding a and then b is adding a + b.
        """
        if minutes < 0:
            raise ValueError("minutes must be >= 0")
        second = _seconds(start)
        remaining = round(minutes * 60)
        if remaining == 0:
            return _instant(second)
        wanted = self._position(second) + remaining
        self._cover_work(wanted)
        index = bisect_left(self._through, wanted)
        return _instant(self._starts[index] + wanted - self._before[index])

    def add_seconds_many(
        self, starts: npt.NDArray[np.int64], seconds: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """`add` for many clocks at once, in integer UTC seconds: the due instants of
        `seconds` working seconds after each start, exactly as `add` gives them.

        Recomputing every running target after a calendar change calls this per batch: the
        same two binary searches as `add`, done by NumPy over the whole batch instead of in
        a Python loop (see `benchmarks/sla_check.py` for the targets per second).
        """
        if starts.shape != seconds.shape:
            raise ValueError("starts and seconds must have the same shape")
        if starts.size == 0:
            return np.empty(0, dtype=np.int64)
        if int(seconds.min()) < 0:
            raise ValueError("seconds must be >= 0")
        self._cover(int(starts.min()))  # first the earliest: covering it may start afresh
        self._cover(int(starts.max()))
        begins, ends = np.asarray(self._starts), np.asarray(self._ends)
        before = np.asarray(self._before)
        index = np.searchsorted(begins, starts, side="right") - 1
        inside = np.clip(index, 0, None)
        position = np.where(
            index < 0, 0, before[inside] + np.minimum(starts, ends[inside]) - begins[inside]
        )
        wanted = position + seconds
        self._cover_work(int(wanted.max()))
        begins, before = np.asarray(self._starts), np.asarray(self._before)
        found = np.searchsorted(np.asarray(self._through), wanted, side="left")
        due = begins[found] + wanted - before[found]
        return np.where(seconds == 0, starts, due).astype(np.int64)

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working time between two instants, in minutes (0 when `end` is not later)."""
        first, last = _seconds(start), _seconds(end)
        if last <= first:
            return 0.0
        return (self._position(last) - self._position(first)) / 60

    def next_working(self, at: datetime) -> datetime:
        """The first working instant at or after `at`: where a clock started outside
        working time begins to count."""
        second = _seconds(at)
        position = self._position(second)
        self._cover_work(position + 1)
        index = bisect_right(self._through, position)
        return _instant(max(second, self._starts[index]))

    def is_working(self, at: datetime) -> bool:
        """Whether `at` lies inside working time (an interval's end does not)."""
        second = _seconds(at)
        self._cover(second)
        index = bisect_right(self._starts, second) - 1
        return index >= 0 and second < self._ends[index]

    def _position(self, second: int) -> int:
        """Working seconds from the start of the laid-out days up to `second`."""
        self._cover(second)
        index = bisect_right(self._starts, second) - 1
        if index < 0:
            return 0
        return self._before[index] + min(second, self._ends[index]) - self._starts[index]

    def _cover(self, second: int) -> None:
        """Lay out days so that `second` (and the whole of its local day) is covered."""
        if self._low + DAY_SECONDS <= second < self._high - 2 * DAY_SECONDS:
            return  # well inside what is laid out: no time-zone conversion needed
        day = _instant(second).astimezone(self._zone).date()
        if day - timedelta(days=1) < self._first_day:
            self._reset(day - timedelta(days=7))
        while self._next_day <= day + timedelta(days=1):
            self._lay_out(self._next_day)

    def _cover_work(self, wanted: int) -> None:
        """Lay out days until `wanted` working seconds are reached; refuse after years of
        days without any working time."""
        idle = 0
        while not self._through or self._through[-1] < wanted:
            if idle > MAX_DAYS_WITHOUT_WORK:
                raise NoWorkingTime(f"no working time within {MAX_DAYS_WITHOUT_WORK} days")
            laid = self._lay_out(self._next_day)
            idle = 0 if laid else idle + 1

    def _reset(self, first_day: date) -> None:
        self._first_day = self._next_day = first_day
        self._low = self._high = _boundary(first_day, 0, self._zone, first=True)
        self._starts, self._ends, self._before, self._through = [], [], [], []

    def _lay_out(self, day: date) -> int:
        """Append one local day's intervals; returns how many it had."""
        laid = 0
        for a, b in self.week.intervals_on(day):
            begin = _boundary(day, a, self._zone, first=True)
            end = _boundary(day, b, self._zone, first=False)
            if self._ends:
                begin = max(begin, self._ends[-1])  # a repeated hour never counts twice
            if end <= begin:
                continue
            total = self._through[-1] if self._through else 0
            self._starts.append(begin)
            self._ends.append(end)
            self._before.append(total)
            self._through.append(total + end - begin)
            laid += 1
        self._next_day = day + timedelta(days=1)
        self._high = _boundary(self._next_day, 0, self._zone, first=True)
        return laid


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("a moment needs a time zone (naive datetimes are ambiguous)")
    return int(moment.timestamp())


def _instant(second: int) -> datetime:
    return datetime.fromtimestamp(second, UTC)


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
