"""Properties of working-time arithmetic that must hold for any start and any target."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from centricity.calendars.hours import BusinessCalendar, WorkingWeek

DAY = 24 * 60
CALENDARS = {
    # An office with holidays and both DST changes.
    "prague-office": BusinessCalendar(
        WorkingWeek("Europe/Prague", dict.fromkeys(range(5), [(480, 960)]), "CZ")
    ),
    # Split shifts far from UTC, with holidays on local dates.
    "auckland-split": BusinessCalendar(
        WorkingWeek(
            "Pacific/Auckland",
            {d: [(420, 690), (720, 1020)] for d in range(6)},
            "NZ",
        )
    ),
    # Round the clock where DST changes at midnight (the day may start at 01:00).
    "santiago-24-7": BusinessCalendar(
        WorkingWeek("America/Santiago", dict.fromkeys(range(7), [(0, DAY)]))
    ),
    # Swedish weekdays with the de facto days, plus short Saturday mornings.
    "stockholm-eves": BusinessCalendar(
        WorkingWeek(
            "Europe/Stockholm",
            {**dict.fromkeys(range(5), [(480, 1020)]), 5: [(540, 660)]},
            "SE",
            ("public", "de_facto"),
        )
    ),
}
names = st.sampled_from(sorted(CALENDARS))
starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))
minutes = st.integers(min_value=0, max_value=30 * DAY)
RUNS = settings(max_examples=150, deadline=None, derandomize=True, database=None)


@RUNS
@given(names, starts, minutes)
def test_a_due_time_never_precedes_the_start_and_ends_inside_working_time(
    name: str, start: datetime, target: int
) -> None:
    calendar = CALENDARS[name]
    due = calendar.add(start, target)
    assert due >= start
    if target > 0:
        # The last working second before the due time is working time: a due time is
        # inside an interval or at its end, never in a closed stretch.
        assert calendar.is_working(due - timedelta(seconds=1))
        assert not calendar.is_working(start) or due > start


@RUNS
@given(names, starts, minutes, minutes)
def test_adding_a_then_b_equals_adding_a_plus_b(name: str, start: datetime, a: int, b: int) -> None:
    calendar = CALENDARS[name]
    assert calendar.add(calendar.add(start, a), b) == calendar.add(start, a + b)


@RUNS
@given(names, starts, minutes)
def test_the_working_time_until_the_due_time_is_the_target(
    name: str, start: datetime, target: int
) -> None:
    calendar = CALENDARS[name]
    assert calendar.working_minutes(start, calendar.add(start, target)) == target


@RUNS
@given(names, starts, minutes, minutes)
def test_more_time_never_counts_less_working_time(
    name: str, start: datetime, a: int, b: int
) -> None:
    # A clock that pauses and resumes counts the working time of its running stretches;
    # a longer stretch can never count less, and a later due time needs a larger target.
    calendar = CALENDARS[name]
    early, late = sorted((a, b))
    first = start + timedelta(minutes=early)
    second = start + timedelta(minutes=late)
    assert calendar.working_minutes(start, first) <= calendar.working_minutes(start, second)
    assert calendar.add(start, early) <= calendar.add(start, late)


@RUNS
@given(
    names,
    st.lists(
        st.tuples(starts, st.integers(min_value=0, max_value=30 * DAY * 60)),
        min_size=1,
        max_size=40,
    ),
)
def test_a_batch_gets_the_due_times_one_by_one_gives(
    name: str, clocks: list[tuple[datetime, int]]
) -> None:
    # The recomputation after a calendar change uses the batch form: it must agree with
    # `add` to the second, whatever the batch's spread of starts (days laid out afresh).
    fresh = BusinessCalendar(CALENDARS[name].week)
    seconds = np.array([int(start.timestamp()) for start, _ in clocks], dtype=np.int64)
    targets = np.array([target for _, target in clocks], dtype=np.int64)
    expected = [int(CALENDARS[name].add(start, t / 60).timestamp()) for start, t in clocks]
    assert fresh.add_seconds_many(seconds, targets).tolist() == expected
