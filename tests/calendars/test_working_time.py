"""Working-time arithmetic: hand-worked cases across holidays, DST and year ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from centricity.calendars.hours import BusinessCalendar, NoWorkingTime, WorkingWeek

PRAGUE = ZoneInfo("Europe/Prague")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
VILNIUS = ZoneInfo("Europe/Vilnius")
WARSAW = ZoneInfo("Europe/Warsaw")
AUCKLAND = ZoneInfo("Pacific/Auckland")
OFFICE = (8 * 60, 16 * 60)
WEEKDAYS_ONLY = dict.fromkeys(range(5), [OFFICE])


def office(zone: str, country: str | None, *categories: str, **extra: object) -> BusinessCalendar:
    """Monday to Friday 08:00-16:00 in a zone, with a country's holidays."""
    week = WorkingWeek(
        time_zone=zone,
        hours=WEEKDAYS_ONLY,
        holiday_country=country,
        holiday_categories=categories or ("public",),
        **extra,  # type: ignore[arg-type]
    )
    return BusinessCalendar(week)


def round_the_clock(zone: str) -> BusinessCalendar:
    return BusinessCalendar(WorkingWeek(zone, dict.fromkeys(range(7), [(0, 24 * 60)])))


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


def test_it_starts_a_case_opened_on_friday_night_before_easter_on_tuesday() -> None:
    # Czech Good Friday (3 Apr 2026) and Easter Monday (6 Apr) are public holidays.
    prague = office("Europe/Prague", "CZ")
    opened = at(PRAGUE, 2026, 4, 2, 22, 0)  # Thursday night, Good Friday next
    assert prague.next_working(opened) == at(PRAGUE, 2026, 4, 7, 8, 0)
    assert prague.add(opened, 60) == at(PRAGUE, 2026, 4, 7, 9, 0)
    friday_night = at(PRAGUE, 2026, 4, 3, 21, 30)
    assert prague.add(friday_night, 480) == at(PRAGUE, 2026, 4, 7, 16, 0)
    assert prague.add(friday_night, 481) == at(PRAGUE, 2026, 4, 8, 8, 1)


def test_it_counts_the_midnight_minute_of_a_round_the_clock_calendar() -> None:
    clock = round_the_clock("Europe/Prague")
    last_minute = at(PRAGUE, 2026, 12, 6, 23, 59)
    assert clock.is_working(last_minute + timedelta(seconds=30))
    assert clock.add(last_minute, 1) == at(PRAGUE, 2026, 12, 7, 0, 0)
    assert clock.add(last_minute, 2) == at(PRAGUE, 2026, 12, 7, 0, 1)
    day = at(PRAGUE, 2026, 12, 6, 0, 0)
    assert clock.working_minutes(day, day + timedelta(days=1)) == 1440  # to 24:00, not 23:59


def test_it_keeps_a_holiday_on_its_local_date_far_from_utc() -> None:
    # Waitangi Day, Friday 6 Feb 2026 in New Zealand (UTC+13): in UTC it runs from
    # Thursday 11:00 to Friday 11:00, so a UTC-date check would close the wrong hours.
    auckland = office("Pacific/Auckland", "NZ")
    thursday = at(AUCKLAND, 2026, 2, 5, 15, 30)
    assert auckland.add(thursday, 60) == at(AUCKLAND, 2026, 2, 9, 8, 30)
    assert auckland.is_working(at(AUCKLAND, 2026, 2, 5, 15, 59))
    assert not auckland.is_working(datetime(2026, 2, 5, 21, 0, tzinfo=UTC))  # Friday 10:00 there


def test_it_counts_business_minutes_across_both_dst_weeks() -> None:
    prague = office("Europe/Prague", "CZ")
    # Clocks go back on Sunday 25 Oct 2026, forward on Sunday 29 Mar 2026.
    autumn = prague.working_minutes(at(PRAGUE, 2026, 10, 19, 8), at(PRAGUE, 2026, 10, 26, 8))
    spring = prague.working_minutes(at(PRAGUE, 2026, 3, 23, 8), at(PRAGUE, 2026, 3, 30, 8))
    assert autumn == spring == 5 * 480
    assert prague.add(at(PRAGUE, 2026, 3, 27, 15, 0), 120) == at(PRAGUE, 2026, 3, 30, 9, 0)
    due = prague.add(at(PRAGUE, 2026, 3, 27, 15, 0), 120)
    assert due.astimezone(PRAGUE).utcoffset() == timedelta(hours=2)  # summer time by then


def test_it_gives_a_dst_day_of_a_round_the_clock_calendar_its_real_length() -> None:
    clock = round_the_clock("Europe/Prague")
    spring = at(PRAGUE, 2026, 3, 28, 12)
    autumn = at(PRAGUE, 2026, 10, 24, 12)
    assert clock.working_minutes(spring, at(PRAGUE, 2026, 3, 29, 12)) == 23 * 60
    assert clock.working_minutes(autumn, at(PRAGUE, 2026, 10, 25, 12)) == 25 * 60
    assert clock.add(spring, 24 * 60) == at(PRAGUE, 2026, 3, 29, 13)  # real minutes


def test_it_starts_an_interval_the_clock_skips_at_the_jump_and_ends_a_repeated_one_late() -> None:
    sunday_nights = {6: [(2 * 60 + 30, 4 * 60)]}  # Sundays 02:30-04:00
    calendar = BusinessCalendar(WorkingWeek("Europe/Prague", sunday_nights))
    spring_day = at(PRAGUE, 2026, 3, 29, 0)
    # 02:00 jumps to 03:00: the interval runs from the jump (03:00 CEST) to 04:00.
    assert calendar.working_minutes(spring_day, spring_day + timedelta(days=1)) == 60
    assert calendar.next_working(spring_day) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    repeated = {6: [(2 * 60, 2 * 60 + 30)]}  # Sundays 02:00-02:30, shown twice in October
    calendar = BusinessCalendar(WorkingWeek("Europe/Prague", repeated))
    autumn_day = at(PRAGUE, 2026, 10, 25, 0)
    assert calendar.working_minutes(autumn_day, autumn_day + timedelta(days=1)) == 90


def test_it_closes_swedish_midsummer_eve_only_with_the_de_facto_category() -> None:
    thursday = at(STOCKHOLM, 2026, 6, 18, 15, 0)
    with_eves = office("Europe/Stockholm", "SE", "public", "de_facto")
    public_only = office("Europe/Stockholm", "SE", "public")
    assert with_eves.add(thursday, 120) == at(STOCKHOLM, 2026, 6, 22, 9, 0)
    assert public_only.add(thursday, 120) == at(STOCKHOLM, 2026, 6, 19, 9, 0)
    # Christmas Eve (Thursday) is de facto closed too; Christmas Day and Boxing Day public.
    assert with_eves.add(at(STOCKHOLM, 2026, 12, 23, 15, 30), 60) == at(
        STOCKHOLM, 2026, 12, 28, 8, 30
    )


def test_it_closes_lithuanian_st_johns_day() -> None:
    vilnius = office("Europe/Vilnius", "LT")
    assert vilnius.add(at(VILNIUS, 2026, 6, 23, 15, 30), 60) == at(VILNIUS, 2026, 6, 25, 8, 30)


def test_it_closes_polish_corpus_christi_and_christmas_eve() -> None:
    warsaw = office("Europe/Warsaw", "PL")
    assert warsaw.add(at(WARSAW, 2026, 6, 3, 15, 0), 120) == at(WARSAW, 2026, 6, 5, 9, 0)
    # Christmas Eve is a public holiday in Poland from 2025: Thursday to Saturday closed.
    assert warsaw.add(at(WARSAW, 2026, 12, 23, 16, 0), 1) == at(WARSAW, 2026, 12, 28, 8, 1)


def test_it_crosses_the_year_end_over_new_years_day() -> None:
    prague = office("Europe/Prague", "CZ")
    assert prague.add(at(PRAGUE, 2026, 12, 31, 15, 0), 120) == at(PRAGUE, 2027, 1, 4, 9, 0)


def test_it_honours_custom_closed_and_open_dates() -> None:
    prague = office(
        "Europe/Prague",
        "CZ",
        closed_dates=frozenset({date(2026, 12, 31)}),
        open_dates=frozenset({date(2026, 12, 19), date(2026, 12, 24)}),
    )
    # Saturday 19 Dec works Monday's hours; the holiday on 24 Dec is worked; 31 Dec closed.
    assert prague.add(at(PRAGUE, 2026, 12, 18, 15, 0), 120) == at(PRAGUE, 2026, 12, 19, 9, 0)
    assert prague.add(at(PRAGUE, 2026, 12, 23, 15, 0), 120) == at(PRAGUE, 2026, 12, 24, 9, 0)
    assert prague.add(at(PRAGUE, 2026, 12, 30, 15, 30), 60) == at(PRAGUE, 2027, 1, 4, 8, 30)


def test_it_splits_a_day_into_several_intervals() -> None:
    split = {0: [(8 * 60, 12 * 60), (13 * 60, 17 * 60)]}
    calendar = BusinessCalendar(WorkingWeek("Europe/Prague", split))
    monday = at(PRAGUE, 2026, 12, 7, 11, 30)
    assert calendar.add(monday, 30) == at(PRAGUE, 2026, 12, 7, 12, 0)
    assert calendar.add(monday, 31) == at(PRAGUE, 2026, 12, 7, 13, 1)
    assert calendar.add(monday, 30 + 240 + 1) == at(PRAGUE, 2026, 12, 14, 8, 1)


def test_it_refuses_a_calendar_without_working_time_and_a_naive_start() -> None:
    with pytest.raises(NoWorkingTime):
        BusinessCalendar(WorkingWeek("Europe/Prague", {}))
    every_monday_closed = frozenset(date(2026, 1, 5) + timedelta(weeks=w) for w in range(400))
    calendar = BusinessCalendar(
        WorkingWeek("Europe/Prague", {0: [OFFICE]}, closed_dates=every_monday_closed)
    )
    with pytest.raises(NoWorkingTime):
        calendar.add(at(PRAGUE, 2026, 1, 1, 0, 0), 1)
    with pytest.raises(ValueError, match="time zone"):
        calendar.add(datetime(2026, 1, 1), 1)  # noqa: DTZ001
