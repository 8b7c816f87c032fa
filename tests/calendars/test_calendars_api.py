"""The calendars, departments and staff API: contract shapes, due times, refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

SWEDISH_OFFICE = {
    "name": "Stockholm support",
    "time_zone": "Europe/Stockholm",
    "hours": {
        "mon": [["08:00", "12:00"], ["13:00", "17:00"]],
        "tue": [["08:00", "17:00"]],
        "wed": [["08:00", "17:00"]],
        "thu": [["08:00", "17:00"]],
        "fri": [["08:00", "16:00"]],
        "sat": [],
        "sun": [],
    },
    "holiday_country": "SE",
    "holiday_categories": ["public", "de_facto"],
    "closed_dates": ["2026-12-30"],
    "open_dates": [],
}


@pytest.fixture()
def admin_api(app: FastAPI, personas: Any, token_for: Callable[..., dict[str, str]]) -> TestClient:
    client = TestClient(app)
    client.headers.update(token_for(personas.admin))
    return client


def _create(client: TestClient, **changes: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/calendars", json={**SWEDISH_OFFICE, **changes})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _due(client: TestClient, calendar_id: int, start: str, minutes: int) -> str:
    answer = client.get(
        f"/api/v1/calendars/{calendar_id}/due", params={"start": start, "minutes": minutes}
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["due_at"])


def test_it_creates_a_calendar_and_answers_due_times_with_the_local_offset(
    admin_api: TestClient,
) -> None:
    calendar = _create(admin_api)
    assert calendar["id"] > 0 and calendar["hours"]["mon"][1] == ["13:00", "17:00"]
    # Thursday 18 June 2026, 16:00: one hour left, Midsummer Eve (de facto) and the
    # weekend closed, so the second hour ends on Monday at 09:00 (summer time).
    due = _due(admin_api, calendar["id"], "2026-06-18T16:00:00+02:00", 120)
    assert datetime.fromisoformat(due) == datetime.fromisoformat("2026-06-22T09:00:00+02:00")
    assert due.endswith("+02:00")
    # A start without an offset is the calendar's local time; the lunch break is skipped.
    lunch = _due(admin_api, calendar["id"], "2026-12-07T11:30:00", 60)
    assert lunch == "2026-12-07T13:30:00+01:00"
    # The custom closed date (Wednesday 30 Dec) and New Year's Day are skipped.
    assert _due(admin_api, calendar["id"], "2026-12-29T16:30:00+01:00", 60).startswith(
        "2027-01-04T08:30:00"
    )
    listed = admin_api.get("/api/v1/calendars").json()
    assert {c["name"] for c in listed} >= {"24/7", "Stockholm support"}


def test_the_round_the_clock_calendar_counts_real_minutes_over_midnight(
    admin_api: TestClient,
) -> None:
    default = next(c for c in admin_api.get("/api/v1/calendars").json() if c["name"] == "24/7")
    due = _due(admin_api, default["id"], "2026-12-31T23:59:00Z", 2)
    assert datetime.fromisoformat(due) == datetime.fromisoformat("2027-01-01T00:01:00+00:00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"hours": {"mon": [["16:00", "08:00"]]}}, "hours"),
        ({"hours": {"mon": [["08:00", "12:00"], ["11:00", "15:00"]]}}, "hours"),
        ({"hours": {"mon": [], "tue": []}}, "hours"),
        ({"hours": {"mon": [["08:00", "24:30"]]}}, "hours"),
        ({"hours": {"funday": [["08:00", "16:00"]]}}, "hours"),
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_categories": ["bogus"]}, "holiday_categories"),
        ({"closed_dates": ["2026-02-30"]}, "closed_dates.0"),
    ],
)
def test_it_refuses_a_bad_calendar_naming_the_field(
    admin_api: TestClient, changes: dict[str, Any], field: str
) -> None:
    answer = admin_api.post("/api/v1/calendars", json={**SWEDISH_OFFICE, **changes})
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in answer.json()["errors"]]
    names = [c["name"] for c in admin_api.get("/api/v1/calendars").json()]
    assert "Stockholm support" not in names  # nothing half-written


def test_it_refuses_a_taken_name_and_checks_a_patched_category_against_the_country(
    admin_api: TestClient,
) -> None:
    calendar = _create(admin_api)
    assert admin_api.post("/api/v1/calendars", json=SWEDISH_OFFICE).status_code == 409
    czech = admin_api.patch(f"/api/v1/calendars/{calendar['id']}", json={"holiday_country": "CZ"})
    assert czech.status_code == 422  # Czechia has no de_facto category
    assert czech.json()["errors"][0]["field"] == "holiday_categories"
    moved = admin_api.patch(
        f"/api/v1/calendars/{calendar['id']}",
        json={
            "holiday_country": "CZ",
            "holiday_categories": ["public"],
            "time_zone": "Europe/Prague",
        },
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["holiday_country"] == "CZ"
    # Czech Christmas Eve is a public holiday: Wednesday 23 Dec 16:30 + 60 -> Monday 28 Dec.
    assert _due(admin_api, calendar["id"], "2026-12-23T16:30:00", 60).startswith(
        "2026-12-28T08:30:00+01:00"
    )


def test_it_refuses_a_bad_start_or_target(admin_api: TestClient) -> None:
    calendar = _create(admin_api)
    path = f"/api/v1/calendars/{calendar['id']}/due"
    bad_start = admin_api.get(path, params={"start": "yesterday", "minutes": 5})
    assert bad_start.status_code == 422 and bad_start.json()["errors"][0]["field"] == "start"
    assert admin_api.get(path, params={"start": "2026-01-01", "minutes": -1}).status_code == 422
    assert (
        admin_api.get("/api/v1/calendars/999999/due?start=2026-01-01&minutes=1").status_code == 404
    )


def test_only_admins_change_calendars_and_departments(
    app: FastAPI, personas: Any, token_for: Callable[..., dict[str, str]]
) -> None:
    manager = TestClient(app, headers=token_for(personas.alice))
    assert manager.post("/api/v1/calendars", json=SWEDISH_OFFICE).status_code == 403
    assert manager.post("/api/v1/departments", json={"name": "Logistics"}).status_code == 403
    assert manager.get("/api/v1/calendars").status_code == 200


def test_it_creates_departments_and_lists_staff_with_their_departments(
    admin_api: TestClient, personas: Any
) -> None:
    created = admin_api.post("/api/v1/departments", json={"name": "Logistics"})
    assert created.status_code == 201 and created.json()["name"] == "Logistics"
    assert admin_api.post("/api/v1/departments", json={"name": "Logistics"}).status_code == 409
    assert admin_api.post("/api/v1/departments", json={"name": "  "}).status_code == 422
    names = [d["name"] for d in admin_api.get("/api/v1/departments").json()]
    assert names == sorted(names) and {"Logistics", "Department A"} <= set(names)
    staff = {u["email"]: u for u in admin_api.get("/api/v1/users").json()}
    bob = staff["bob@test.example"]
    assert (bob["id"], bob["role"], bob["name"]) == (personas.bob.id, "agent", "Bob")
    assert bob["departments"] == [{"id": personas.bob.department_id, "name": "Department A"}]
    assert staff["admin@test.example"]["departments"] == []


def test_an_admin_gives_a_member_of_staff_a_calendar_and_a_department(
    admin_api: TestClient, personas: Any, app: FastAPI, token_for: Callable[..., dict[str, str]]
) -> None:
    calendar = _create(admin_api)
    logistics = admin_api.post("/api/v1/departments", json={"name": "Logistics"}).json()
    path = f"/api/v1/users/{personas.bob.id}"
    moved = admin_api.patch(
        path, json={"calendar_id": calendar["id"], "department_id": logistics["id"]}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["calendar_id"] == calendar["id"]
    assert moved.json()["departments"] == [logistics]
    assert admin_api.patch(path, json={"calendar_id": 999999}).json()["errors"][0]["field"] == (
        "calendar_id"
    )
    cleared = admin_api.patch(path, json={"calendar_id": None})
    assert cleared.status_code == 200 and cleared.json()["calendar_id"] is None
    manager = TestClient(app, headers=token_for(personas.alice))
    assert manager.patch(path, json={"calendar_id": calendar["id"]}).status_code == 403


def test_a_null_list_of_dates_clears_it(admin_api: TestClient) -> None:
    created = admin_api.post("/api/v1/calendars", json=SWEDISH_OFFICE).json()
    answer = admin_api.patch(
        f"/api/v1/calendars/{created['id']}", json={"closed_dates": None, "open_dates": []}
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["closed_dates"], answer.json()["open_dates"]) == ([], [])


def test_the_round_the_clock_calendar_keeps_its_name(admin_api: TestClient) -> None:
    listed = admin_api.get("/api/v1/calendars").json()
    always = next(c for c in listed if c["name"] == "24/7")
    answer = admin_api.patch(f"/api/v1/calendars/{always['id']}", json={"name": "Always"})
    assert answer.status_code == 409 and "keeps its name" in answer.text
