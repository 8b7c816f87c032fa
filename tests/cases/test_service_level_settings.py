"""The service-level settings pages: admins keep departments, business calendars, SLA
policies and each person's department and working calendar through forms that refuse
what the REST API refuses (422 naming the field, a taken name 409) and store nothing then;
nobody else may open them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, User
from centricity.calendars import service as calendars
from centricity.calendars.models import Calendar
from centricity.calendars.schemas import CalendarCreate
from centricity.cases import policies
from centricity.cases.models import SlaPolicy
from centricity.cases.schemas import SlaPolicyCreate
from centricity.cases.settings_pages import hours_summary, parse_dates, parse_intervals

HOME = "/settings/service-levels"
OFFICE = {
    "name": "Stockholm support",
    "time_zone": "Europe/Stockholm",
    "hours_mon": "08:00-12:00, 13:00-17:00",
    "hours_tue": "08:00-17:00",
    "hours_wed": "08:00-17:00",
    "hours_thu": "8:00-17:00",
    "hours_fri": "08:00-16:00",
    "holiday_country": "SE",
    "holiday_categories": "public, de_facto",
    "closed_dates": "2026-12-28\n2026-12-29",
    "open_dates": "2026-06-06",
}


def _post(browser: Any, url: str, data: dict[str, Any]) -> Any:
    return browser.client.post(url, data={"csrf_token": browser.csrf, **data})


def _count(db: Session, model: Any) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _calendar(db: Session, name: str) -> Calendar | None:
    db.expire_all()
    return db.scalar(select(Calendar).where(Calendar.name == name))


def _names_the_field(html: str, field: str) -> bool:
    """The input is marked invalid and described by an error paragraph with that id."""
    described = re.search(rf'id="f-{field}"[^>]*aria-describedby="[^"]*e-{field}', html)
    return bool(described) and f'class="field-error" id="e-{field}"' in html


@pytest.fixture()
def admin(browser_for: Callable[..., Any], personas: Any) -> Any:
    """The admin's signed-in browser."""
    return browser_for(personas.admin)


@pytest.fixture()
def office(db: Session) -> Calendar:
    """A weekday office calendar in Prague."""
    calendar = calendars.create(
        db,
        data=CalendarCreate(
            name="Prague office",
            time_zone="Europe/Prague",
            hours={day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
            holiday_country="CZ",
        ),
        actor=None,
    )
    db.commit()
    return calendar


def test_the_form_helpers_read_hours_and_dates() -> None:
    assert parse_intervals("8:00-12:00, 13:00–17:00") == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert parse_intervals("  ") == []
    with pytest.raises(ValueError):
        parse_intervals("eight to five")
    assert parse_dates("2026-12-24, 2026-12-31\n2027-01-01") == (
        ["2026-12-24", "2026-12-31", "2027-01-01"],
        None,
    )
    assert parse_dates("2026-12-24 tomorrow") == (["2026-12-24"], "tomorrow")
    week = {d: [["08:00", "16:00"]] for d in ("mon", "tue", "wed", "thu")}
    week["fri"] = [["08:00", "15:00"]]
    week["sun"] = [["10:00", "14:00"]]
    assert [(s.first, s.last, s.text) for s in hours_summary(week)] == [
        ("mon", "thu", "08:00–16:00"),
        ("fri", "fri", "08:00–15:00"),
        ("sun", "sun", "10:00–14:00"),
    ]


def test_the_settings_page_links_admins_to_service_levels(
    browser_for: Callable[..., Any], personas: Any
) -> None:
    assert f'href="{HOME}"' in browser_for(personas.admin).client.get("/settings").text
    assert f'href="{HOME}"' not in browser_for(personas.alice).client.get("/settings").text


def test_the_overview_lists_departments_calendars_policies_and_staff(
    admin: Any, db: Session, personas: Any, office: Calendar
) -> None:
    policies.create(
        db,
        data=SlaPolicyCreate(
            name="Urgent phone",
            position=5,
            conditions={"priority": "urgent", "channel": "phone", "internal": False},
            calendar_id=office.id,
            first_response_minutes=30,
            resolution_minutes=480,
            escalate_to_department_id=personas.charlie.department_id,
            escalate_raise_priority=True,
        ),
        actor=None,
    )
    db.commit()
    page = admin.client.get(HOME)
    assert page.status_code == 200
    html = page.text
    for text in ("Department A", "Department B", "24/7", "Prague office", "Europe/Prague"):
        assert text in html
    assert "Monday–Friday 09:00–17:00" in html
    assert 'Czechia (CZ): <span translate="no">public</span>' in html
    assert "Urgent phone" in html
    assert "priority: urgent · channel: phone · customer cases only" in html
    assert "to department Department B · raise the priority" in html
    assert "waiting on the customer" in html  # the default pause status
    assert "Bob" in html and f'id="staff-{personas.bob.id}-calendar"' in html


def test_an_admin_creates_a_calendar_and_sees_it_listed(admin: Any, db: Session) -> None:
    form = admin.client.get(f"{HOME}/calendars/new")
    assert form.status_code == 200
    assert 'list="time-zones"' in form.text and '<option value="SE"' in form.text
    response = _post(admin, f"{HOME}/calendars/new", OFFICE)
    assert response.status_code == 303, response.text
    calendar = _calendar(db, "Stockholm support")
    assert calendar is not None
    assert calendar.time_zone == "Europe/Stockholm"
    assert calendar.hours["mon"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    assert calendar.hours["thu"] == [["08:00", "17:00"]]
    assert calendar.hours["sat"] == [] and calendar.hours["sun"] == []
    assert calendar.holiday_country == "SE"
    assert calendar.holiday_categories == ["public", "de_facto"]
    assert calendar.closed_dates == ["2026-12-28", "2026-12-29"]
    assert calendar.open_dates == ["2026-06-06"]
    listed = admin.client.get(HOME).text
    assert "Stockholm support" in listed and "Sweden (SE)" in listed
    # Midsummer Eve (de_facto) and the weekend are skipped, as through the API.
    start = datetime.fromisoformat("2026-06-18T16:00:00+02:00")
    due = calendars.due(calendar, start=start, minutes=120)
    assert due.isoformat() == "2026-06-22T09:00:00+02:00"


def test_an_admin_edits_a_calendar(admin: Any, db: Session, office: Calendar) -> None:
    page = admin.client.get(f"{HOME}/calendars/{office.id}")
    assert page.status_code == 200
    assert 'value="09:00-17:00"' in page.text and 'value="Prague office"' in page.text
    values = {
        "name": "Prague office",
        "time_zone": "Europe/Prague",
        **{f"hours_{d}": "09:00-17:00" for d in ("mon", "tue", "wed", "thu")},
        "hours_fri": "09:00-13:00",
        "holiday_country": "CZ",
        "holiday_categories": "public",
        "closed_dates": "2026-12-31, 2026-12-30",
    }
    response = _post(admin, f"{HOME}/calendars/{office.id}", values)
    assert response.status_code == 303, response.text
    edited = _calendar(db, "Prague office")
    assert edited is not None
    assert edited.hours["fri"] == [["09:00", "13:00"]]
    assert edited.closed_dates == ["2026-12-30", "2026-12-31"]
    # The holidays go when the country is emptied; saving the same form changes nothing.
    response = _post(admin, f"{HOME}/calendars/{office.id}", {**values, "holiday_country": ""})
    assert response.status_code == 303
    edited = _calendar(db, "Prague office")
    assert edited is not None and edited.holiday_country is None
    stamp = edited.updated_at
    again = _post(admin, f"{HOME}/calendars/{office.id}", {**values, "holiday_country": ""})
    assert again.status_code == 303
    edited = _calendar(db, "Prague office")
    assert edited is not None and edited.updated_at == stamp


def test_the_24_7_calendar_can_be_viewed_and_changed_as_through_the_api(
    admin: Any, db: Session
) -> None:
    clock = calendars.round_the_clock(db)
    page = admin.client.get(f"{HOME}/calendars/{clock.id}")
    assert page.status_code == 200
    assert 'value="00:00-24:00"' in page.text
    assert "Every installation has this calendar" in page.text
    values = {
        "name": "24/7",
        "time_zone": "UTC",
        **{f"hours_{d}": "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
        "hours_sun": "00:00-24:00",
        "closed_dates": "2026-12-25",
    }
    response = _post(admin, f"{HOME}/calendars/{clock.id}", values)
    assert response.status_code == 303, response.text
    db.expire_all()
    assert calendars.round_the_clock(db).closed_dates == ["2026-12-25"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"time_zone": "Europe/Atlantis"}, "time_zone", "unknown time zone"),
        ({"hours_tue": "17:00-08:00"}, "hours_tue", "ends before it starts"),
        ({"hours_wed": "08:00-12:00, 11:00-17:00"}, "hours_wed", "overlap"),
        ({"hours_mon": "08:00-25:00"}, "hours_mon", "is not a time of day"),
        ({"hours_fri": "all day"}, "hours_fri", "Write intervals such as"),
        ({"holiday_country": "XX"}, "holiday_country", "unknown holiday country"),
        ({"holiday_categories": "public, bank_holidays"}, "holiday_categories", "unknown holiday"),
        ({"closed_dates": "2026-12-24\n24.12.2026"}, "closed_dates", "24.12.2026"),
        ({"name": ""}, "name", "must not be empty"),
    ],
)
def test_a_calendar_the_api_would_refuse_comes_back_with_the_field_named(
    admin: Any, db: Session, change: dict[str, str], field: str, message: str
) -> None:
    before = _count(db, Calendar)
    response = _post(admin, f"{HOME}/calendars/new", {**OFFICE, **change})
    assert response.status_code == 422
    assert _names_the_field(response.text, field), field
    assert message in response.text
    assert _count(db, Calendar) == before


def test_a_calendar_without_working_time_is_refused(admin: Any, db: Session) -> None:
    closed = {key: value for key, value in OFFICE.items() if not key.startswith("hours_")}
    response = _post(admin, f"{HOME}/calendars/new", closed)
    assert response.status_code == 422
    assert "no working time" in response.text
    assert 'id="e-hours"' in response.text and 'aria-describedby="h-hours e-hours"' in response.text
    assert _calendar(db, "Stockholm support") is None


def test_a_taken_calendar_name_is_a_conflict(admin: Any, db: Session, office: Calendar) -> None:
    response = _post(admin, f"{HOME}/calendars/new", {**OFFICE, "name": "Prague office"})
    assert response.status_code == 409
    assert _names_the_field(response.text, "name")
    assert _count(db, Calendar) == 2  # 24/7 and the office
    renamed = _post(
        admin,
        f"{HOME}/calendars/{office.id}",
        {"name": "24/7", "time_zone": "Europe/Prague", "hours_mon": "09:00-17:00"},
    )
    assert renamed.status_code == 409
    kept = _calendar(db, "Prague office")
    assert kept is not None and kept.hours["tue"] == [["09:00", "17:00"]]


def test_an_unknown_calendar_is_not_found(admin: Any) -> None:
    assert admin.client.get(f"{HOME}/calendars/999999").status_code == 404


POLICY = {
    "name": "Gold customers by phone",
    "position": "10",
    "condition_priority": "high",
    "condition_channel": "phone",
    "condition_internal": "no",
    "condition_tag": "VIP",
    "first_response_minutes": "30",
    "resolution_minutes": "480",
    "escalate_raise_priority": "1",
    "is_active": "1",
}


def test_an_admin_creates_a_policy_and_sees_it_listed(
    admin: Any, db: Session, personas: Any, office: Calendar
) -> None:
    form = admin.client.get(f"{HOME}/policies/new")
    assert form.status_code == 200
    assert 'name="pause_statuses" value="waiting_on_customer" checked' in form.text
    assert 'value="solved"' not in form.text  # solved and closed stop the clocks
    data = {
        **POLICY,
        "calendar_id": str(office.id),
        "condition_department_id": str(personas.bob.department_id),
        "escalate_to_user_id": str(personas.alice.id),
        "escalate_to_department_id": str(personas.charlie.department_id),
    }
    response = admin.client.post(
        f"{HOME}/policies/new",
        data={
            "csrf_token": admin.csrf,
            **data,
            "pause_statuses": ["waiting_on_customer", "waiting_on_third_party"],
        },
    )
    assert response.status_code == 303, response.text
    db.expire_all()
    policy = db.scalar(select(SlaPolicy).where(SlaPolicy.name == "Gold customers by phone"))
    assert policy is not None
    assert policy.position == 10
    assert policy.conditions == {
        "priority": "high",
        "channel": "phone",
        "internal": False,
        "department_id": personas.bob.department_id,
        "tag": "VIP",  # as the API stores it; matching ignores case
    }
    assert policy.calendar_id == office.id
    assert (policy.first_response_minutes, policy.next_response_minutes) == (30, None)
    assert (policy.resolution_minutes, policy.waiting_minutes) == (480, None)
    assert sorted(policy.pause_statuses) == ["waiting_on_customer", "waiting_on_third_party"]
    assert policy.escalate_to_user_id == personas.alice.id
    assert policy.escalate_to_department_id == personas.charlie.department_id
    assert policy.escalate_raise_priority and policy.is_active
    listed = admin.client.get(HOME).text
    assert "Gold customers by phone" in listed
    assert "priority: high · channel: phone · department: Department A" in listed
    assert "customer cases only · tag: VIP" in listed
    assert "to department Department B · to Alice · raise the priority" in listed


def test_a_policy_added_without_active_ticked_is_inactive(admin: Any, db: Session) -> None:
    clock = calendars.round_the_clock(db)
    data = {**POLICY, "calendar_id": str(clock.id)}
    del data["is_active"]
    assert _post(admin, f"{HOME}/policies/new", data).status_code == 303
    db.expire_all()
    policy = db.scalar(select(SlaPolicy).where(SlaPolicy.name == POLICY["name"]))
    assert policy is not None and not policy.is_active


def test_an_admin_edits_a_policy(admin: Any, db: Session, office: Calendar) -> None:
    policy = policies.create(
        db,
        data=SlaPolicyCreate(
            name="Everyone", position=100, first_response_minutes=60, resolution_minutes=960
        ),
        actor=None,
    )
    db.commit()
    page = admin.client.get(f"{HOME}/policies/{policy.id}")
    assert page.status_code == 200
    assert 'value="Everyone"' in page.text and 'value="960"' in page.text
    response = _post(
        admin,
        f"{HOME}/policies/{policy.id}",
        {
            "name": "Everyone else",
            "position": "200",
            "calendar_id": str(office.id),
            "first_response_minutes": "120",
            "next_response_minutes": "240",
            "condition_internal": "yes",
        },
    )
    assert response.status_code == 303, response.text
    db.expire_all()
    edited = db.get(SlaPolicy, policy.id)
    assert edited is not None
    assert (edited.name, edited.position, edited.calendar_id) == ("Everyone else", 200, office.id)
    assert edited.first_response_minutes == 120 and edited.next_response_minutes == 240
    assert edited.resolution_minutes is None  # emptied: no resolution target
    assert edited.conditions == {"internal": True}
    assert edited.pause_statuses == [] and not edited.is_active


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"first_response_minutes": "0"}, "first_response_minutes", "must be more than 0"),
        ({"resolution_minutes": "-5"}, "resolution_minutes", "must be more than 0"),
        ({"waiting_minutes": "soon"}, "waiting_minutes", "must be a whole number"),
        ({"position": "-1"}, "position", "must be at least 0"),
        ({"name": ""}, "name", "must not be empty"),
        ({"condition_priority": "extreme"}, "condition_priority", "choose one of"),
        ({"condition_tag": "a,b"}, "condition_tag", "has an invalid format"),
        ({"calendar_id": "999999"}, "calendar_id", "no such calendar"),
        ({"condition_department_id": "999999"}, "condition_department_id", "no such department"),
        ({"escalate_to_user_id": "999999"}, "escalate_to_user_id", "no such active member"),
    ],
)
def test_a_policy_the_api_would_refuse_comes_back_with_the_field_named(
    admin: Any, db: Session, change: dict[str, str], field: str, message: str
) -> None:
    clock = calendars.round_the_clock(db)
    before = _count(db, SlaPolicy)
    response = _post(admin, f"{HOME}/policies/new", {**POLICY, "calendar_id": clock.id, **change})
    assert response.status_code == 422, response.text
    html = response.text
    if field.startswith("condition_") or field.endswith("_id"):  # a select
        assert re.search(rf'id="f-{field}"[^>]*aria-describedby="[^"]*e-{field}', html), field
        assert f'id="e-{field}"' in html
    else:
        assert _names_the_field(html, field), field
    assert message in html
    assert _count(db, SlaPolicy) == before


def test_a_paused_solved_status_and_a_taken_policy_name_are_refused(
    admin: Any, db: Session
) -> None:
    clock = calendars.round_the_clock(db)
    data = {"csrf_token": admin.csrf, **POLICY, "calendar_id": str(clock.id)}
    solved = admin.client.post(f"{HOME}/policies/new", data={**data, "pause_statuses": "solved"})
    assert solved.status_code == 422
    assert 'id="e-pause_statuses"' in solved.text and "stop every clock" in solved.text
    assert _post(admin, f"{HOME}/policies/new", data).status_code == 303
    taken = _post(admin, f"{HOME}/policies/new", data)
    assert taken.status_code == 409 and _names_the_field(taken.text, "name")
    assert _count(db, SlaPolicy) == 1
    policy = db.scalar(select(SlaPolicy))
    assert policy is not None
    zero = _post(admin, f"{HOME}/policies/{policy.id}", {**data, "resolution_minutes": "0"})
    assert zero.status_code == 422 and _names_the_field(zero.text, "resolution_minutes")
    db.expire_all()
    assert db.get(SlaPolicy, policy.id).resolution_minutes == 480  # type: ignore[union-attr]


def test_an_admin_adds_a_department(admin: Any, db: Session) -> None:
    response = _post(admin, f"{HOME}/departments", {"name": "Logistics"})
    assert response.status_code == 303
    assert db.scalar(select(Department).where(Department.name == "Logistics")) is not None
    assert "Logistics" in admin.client.get(HOME).text
    taken = _post(admin, f"{HOME}/departments", {"name": "Logistics"})
    assert taken.status_code == 409 and _names_the_field(taken.text, "name")
    empty = _post(admin, f"{HOME}/departments", {"name": "  "})
    assert empty.status_code == 422 and _names_the_field(empty.text, "name")
    assert _count(db, Department) == 3


def test_an_admin_sets_a_persons_department_and_working_calendar(
    admin: Any, db: Session, personas: Any, office: Calendar
) -> None:
    bob = personas.bob
    response = _post(
        admin,
        f"{HOME}/staff/{bob.id}",
        {"department_id": str(personas.charlie.department_id), "calendar_id": str(office.id)},
    )
    assert response.status_code == 303, response.text
    db.expire_all()
    moved = db.get(User, bob.id)
    assert moved is not None
    assert (moved.department_id, moved.calendar_id) == (personas.charlie.department_id, office.id)
    page = admin.client.get(HOME).text
    chosen = re.search(rf'id="staff-{bob.id}-calendar".*?</select>', page, re.S)
    assert chosen and f'<option value="{office.id}" selected' in chosen.group(0)
    # "any time" clears the calendar; an unknown calendar is refused and named.
    assert _post(admin, f"{HOME}/staff/{bob.id}", {"calendar_id": ""}).status_code == 303
    db.expire_all()
    assert db.get(User, bob.id).calendar_id is None  # type: ignore[union-attr]
    wrong = _post(admin, f"{HOME}/staff/{bob.id}", {"calendar_id": "999999"})
    assert wrong.status_code == 422
    assert f'aria-describedby="staff-{bob.id}-e-calendar"' in wrong.text
    assert "no such calendar" in wrong.text


ROUTES = [
    ("GET", HOME),
    ("GET", f"{HOME}/calendars/new"),
    ("GET", f"{HOME}/policies/new"),
    ("POST", f"{HOME}/calendars/new"),
    ("POST", f"{HOME}/policies/new"),
    ("POST", f"{HOME}/departments"),
]


@pytest.mark.parametrize("who", ["alice", "bob", "viewer"])
def test_nobody_but_an_admin_may_open_or_post_them(
    browser_for: Callable[..., Any], personas: Any, db: Session, who: str
) -> None:
    browser = browser_for(getattr(personas, who))
    clock = calendars.round_the_clock(db)
    for method, url in [
        *ROUTES,
        ("GET", f"{HOME}/calendars/{clock.id}"),
        ("POST", f"{HOME}/calendars/{clock.id}"),
        ("POST", f"{HOME}/staff/{personas.bob.id}"),
    ]:
        if method == "GET":
            assert browser.client.get(url).status_code == 403, url
        else:
            data = {**OFFICE, **POLICY, "calendar_id": str(clock.id)}
            assert _post(browser, url, data).status_code == 403, url
    assert _count(db, Calendar) == 1 and _count(db, SlaPolicy) == 0


def test_a_form_without_the_csrf_token_is_refused(admin: Any, db: Session, personas: Any) -> None:
    clock = calendars.round_the_clock(db)
    for url, data in [
        (f"{HOME}/calendars/new", OFFICE),
        (f"{HOME}/policies/new", {**POLICY, "calendar_id": str(clock.id)}),
        (f"{HOME}/departments", {"name": "Sneaky"}),
        (f"{HOME}/staff/{personas.bob.id}", {"calendar_id": str(clock.id)}),
        (f"{HOME}/calendars/{clock.id}", {"name": "Hijacked", "time_zone": "UTC"}),
    ]:
        assert admin.client.post(url, data=data).status_code == 403, url
    assert _calendar(db, "Stockholm support") is None and _count(db, SlaPolicy) == 0
    assert db.scalar(select(Department).where(Department.name == "Sneaky")) is None
    assert db.get(User, personas.bob.id).calendar_id is None  # type: ignore[union-attr]
    assert calendars.round_the_clock(db).name == "24/7"
