"""The cases and SLA-policy API as its contract reads: shapes, codes, clocks, visibility."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate

OFFICE = {
    "name": "Prague office",
    "time_zone": "Europe/Prague",
    "hours": {d: [["08:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    "holiday_country": "CZ",
}


@pytest.fixture()
def api(
    app: FastAPI, personas: Any, token_for: Callable[..., dict[str, str]]
) -> dict[str, TestClient]:
    return {
        name: TestClient(app, headers=token_for(getattr(personas, name)))
        for name in ("admin", "alice", "bob", "charlie", "viewer")
    }


@pytest.fixture()
def customer_id(db: Session, personas: Any) -> int:
    customer = customers.create(db, data=CustomerCreate(name="Olof Berg"), actor=personas.bob)
    db.commit()
    return customer.id


def _policy(admin: TestClient, **fields: Any) -> dict[str, Any]:
    answer = admin.post("/api/v1/sla-policies", json=fields)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _case(client: TestClient, **fields: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/cases", json={"subject": "Broken lamp", **fields})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _target(case: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(t for t in case["targets"] if t["kind"] == kind)


def test_it_opens_a_case_with_its_policys_targets_in_working_time(
    api: dict[str, TestClient], customer_id: int, personas: Any
) -> None:
    calendar = api["admin"].post("/api/v1/calendars", json=OFFICE).json()
    policy = _policy(
        api["admin"],
        name="Office",
        position=1,
        calendar_id=calendar["id"],
        first_response_minutes=60,
        resolution_minutes=960,
    )
    # Friday 4 Dec 2026 at 17:30 in Prague: the clocks start on Monday at 08:00.
    case = _case(
        api["bob"],
        customer_id=customer_id,
        description="The lamp flickers.",
        channel="email",
        priority="normal",
        department_id=personas.bob.department_id,
        tags=["Lamps"],
        opened_at="2026-12-04T17:30:00+01:00",
    )
    assert (case["status"], case["policy_id"]) == ("new", policy["id"])
    first = _target(case, "first_response")
    due = datetime.fromisoformat(first["due_at"])
    assert due == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 09:00 in Prague
    assert datetime.fromisoformat(_target(case, "resolution")["due_at"]) == datetime(
        2026, 12, 8, 15, 0, tzinfo=UTC
    )
    assert case["tags"] == ["lamps"]
    assert api["bob"].get(f"/api/v1/cases/{case['id']}").json()["targets"] == case["targets"]


def test_the_first_public_reply_achieves_first_response(
    api: dict[str, TestClient], customer_id: int
) -> None:
    _policy(api["admin"], name="24/7", first_response_minutes=240, resolution_minutes=2880)
    case = _case(api["bob"], customer_id=customer_id)
    assert _target(case, "first_response")["state"] == "running"
    note = api["bob"].post(
        f"/api/v1/cases/{case['id']}/replies", json={"body": "Called depot", "public": False}
    )
    assert note.status_code == 201
    assert (
        _target(api["bob"].get(f"/api/v1/cases/{case['id']}").json(), "first_response")["state"]
        == "running"
    )
    reply = api["bob"].post(
        f"/api/v1/cases/{case['id']}/replies", json={"body": "On its way", "public": True}
    )
    assert reply.status_code == 201 and reply.json()["public"] is True
    after = api["bob"].get(f"/api/v1/cases/{case['id']}").json()
    assert _target(after, "first_response")["state"] == "achieved"
    assert after["status"] == "open"


def test_a_back_dated_case_past_its_due_time_reads_as_breached(
    api: dict[str, TestClient], customer_id: int
) -> None:
    _policy(api["admin"], name="Fast", first_response_minutes=30)
    opened = datetime.now(UTC) - timedelta(hours=2)
    case = _case(api["bob"], customer_id=customer_id, opened_at=opened.isoformat())
    assert _target(case, "first_response")["state"] == "breached"
    listed = api["bob"].get("/api/v1/cases", params={"state": "breached"}).json()
    assert case["id"] in [c["id"] for c in listed]
    assert isinstance(listed, list)


def test_it_lists_by_status_department_and_assignee(
    api: dict[str, TestClient], customer_id: int, personas: Any
) -> None:
    mine = _case(api["bob"], customer_id=customer_id, assignee_id=personas.bob.id)
    other = _case(api["bob"], customer_id=customer_id)
    by_assignee = api["bob"].get("/api/v1/cases", params={"assignee_id": personas.bob.id}).json()
    assert [c["id"] for c in by_assignee] == [mine["id"]]
    by_department = api["alice"].get(
        "/api/v1/cases", params={"department_id": personas.bob.department_id, "status": "new"}
    )
    assert {c["id"] for c in by_department.json()} == {mine["id"], other["id"]}
    assert api["charlie"].get("/api/v1/cases").json() == []  # another department sees none


def test_it_lists_one_customers_cases_and_tasks(
    api: dict[str, TestClient], customer_id: int, db: Session, personas: Any
) -> None:
    other_customer = customers.create(
        db, data=CustomerCreate(name="Jana Nováková"), actor=personas.bob
    )
    db.commit()
    case = _case(api["bob"], customer_id=customer_id)
    task = _case(api["bob"], customer_id=customer_id, kind="task")
    elsewhere = _case(api["bob"], customer_id=other_customer.id)
    listed = api["bob"].get("/api/v1/cases", params={"customer_id": customer_id}).json()
    assert {c["id"] for c in listed} == {case["id"], task["id"]}
    assert all(c["customer_id"] == customer_id for c in listed)
    tasks = api["bob"].get("/api/v1/cases", params={"customer_id": customer_id, "kind": "task"})
    assert [c["id"] for c in tasks.json()] == [task["id"]]
    theirs = api["bob"].get("/api/v1/cases", params={"customer_id": other_customer.id}).json()
    assert [c["id"] for c in theirs] == [elsewhere["id"]]
    assert api["bob"].get("/api/v1/cases", params={"customer_id": 999999}).json() == []
    # Another department's agent sees none of them, whatever customer is named.
    assert api["charlie"].get("/api/v1/cases", params={"customer_id": customer_id}).json() == []
    bad = api["bob"].get("/api/v1/cases", params={"customer_id": "abc"})
    assert bad.status_code == 422


def test_it_refuses_bad_input_with_the_documented_codes(
    api: dict[str, TestClient], customer_id: int
) -> None:
    for field, value in (("first_response_minutes", 0), ("resolution_minutes", -5)):
        answer = api["admin"].post("/api/v1/sla-policies", json={"name": "Bad", field: value})
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field
    unknown_calendar = api["admin"].post(
        "/api/v1/sla-policies", json={"name": "Bad", "calendar_id": 999999}
    )
    assert unknown_calendar.status_code == 422
    assert unknown_calendar.json()["errors"][0]["field"] == "calendar_id"
    both = api["bob"].post(
        "/api/v1/cases",
        json={"subject": "x", "customer_id": customer_id, "requesting_department_id": 1},
    )
    assert both.status_code == 422
    case = _case(api["bob"], customer_id=customer_id)
    unknown = api["bob"].patch(f"/api/v1/cases/{case['id']}", json={"status": "archived"})
    assert unknown.status_code == 409 and "unknown status" in unknown.json()["detail"]
    closed = api["bob"].patch(f"/api/v1/cases/{case['id']}", json={"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = api["bob"].post(f"/api/v1/cases/{case['id']}/replies", json={"body": "hello"})
    assert late.status_code == 409 and "closed" in late.json()["detail"]
    history = api["bob"].get(f"/api/v1/cases/{case['id']}/history").json()
    assert [(e["field"], e["new_value"]) for e in history][-1] == ("status", "closed")


def test_another_departments_case_answers_404_and_viewers_cannot_write(
    api: dict[str, TestClient], customer_id: int
) -> None:
    case = _case(api["bob"], customer_id=customer_id)
    path = f"/api/v1/cases/{case['id']}"
    assert api["charlie"].get(path).status_code == 404
    assert api["charlie"].patch(path, json={"priority": "low"}).status_code == 404
    assert api["charlie"].post(f"{path}/replies", json={"body": "hi"}).status_code == 404
    assert api["viewer"].get(path).status_code == 200
    assert api["viewer"].post(f"{path}/replies", json={"body": "hi"}).status_code == 403
    assert api["viewer"].post("/api/v1/cases", json={"subject": "x"}).status_code == 403


def test_an_internal_request_is_opened_by_another_department_and_followed_by_it(
    api: dict[str, TestClient], personas: Any
) -> None:
    request = _case(
        api["charlie"],
        requesting_department_id=personas.charlie.department_id,
        department_id=personas.bob.department_id,
        subject="Need 40 boxes for the fair",
    )
    assert request["internal"] is True and request["customer_id"] is None
    path = f"/api/v1/cases/{request['id']}"
    assert api["bob"].get(path).status_code == 200  # the owning department works it
    assert api["charlie"].get(path).status_code == 200  # the requester follows it
    assert api["charlie"].patch(path, json={"status": "solved"}).status_code == 403
    posing = api["charlie"].post(
        "/api/v1/cases",
        json={"subject": "x", "requesting_department_id": personas.bob.department_id},
    )
    assert posing.status_code == 422  # nobody requests in another department's name


def test_a_contact_of_the_customer_is_linked_once_and_another_customers_is_refused(
    api: dict[str, TestClient], customer_id: int, personas: Any, db: Session
) -> None:
    case = _case(api["bob"], customer_id=customer_id, department_id=personas.bob.department_id)
    contact = (
        api["bob"]
        .post("/api/v1/interactions", json={"customer_id": customer_id, "channel": "phone"})
        .json()
    )
    for _ in range(2):
        linked = api["bob"].post(
            f"/api/v1/cases/{case['id']}/interactions", json={"interaction_id": contact["id"]}
        )
        assert linked.status_code == 201, linked.text
    listed = api["bob"].get(f"/api/v1/cases/{case['id']}/interactions").json()
    assert [row["id"] for row in listed] == [contact["id"]]
    stranger = customers.create(db, data=CustomerCreate(name="Someone Else"), actor=personas.bob)
    db.commit()
    theirs = (
        api["bob"]
        .post("/api/v1/interactions", json={"customer_id": stranger.id, "channel": "email"})
        .json()
    )
    refused = api["bob"].post(
        f"/api/v1/cases/{case['id']}/interactions", json={"interaction_id": theirs["id"]}
    )
    assert refused.status_code == 422 and "another customer" in refused.text
    other_department = api["charlie"].post(
        f"/api/v1/cases/{case['id']}/interactions", json={"interaction_id": contact["id"]}
    )
    assert other_department.status_code == 404
