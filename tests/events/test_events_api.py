"""The events and notice-rules API as its contract reads: shapes, codes, the task's due
time, moves and cancellations, department visibility on every read and write."""

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
from centricity.kit.time import utcnow


@pytest.fixture()
def api(
    app: FastAPI, personas: Any, token_for: Callable[..., dict[str, str]]
) -> dict[str, TestClient]:
    clients = {
        name: TestClient(app, headers=token_for(getattr(personas, name)))
        for name in ("admin", "alice", "bob", "charlie", "viewer")
    }
    clients["read_only"] = TestClient(app, headers=token_for(personas.admin, read_only=True))
    return clients


@pytest.fixture()
def customer_id(db: Session, personas: Any) -> int:
    data = CustomerCreate(name="Olof Berg", email="olof@example.se", preferred_language="sv")
    customer = customers.create(db, data=data, actor=personas.bob)
    db.commit()
    return customer.id


def _at(hours: int) -> str:
    start = (utcnow() + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
    return start.isoformat().replace("+00:00", "Z")


def _rule(client: TestClient, department_id: int, **fields: Any) -> dict[str, Any]:
    body = {"event_kind": "delivery", "minutes_before": 60, "action": "task"}
    answer = client.post(
        "/api/v1/notice-rules", json={**body, "department_id": department_id, **fields}
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _event(client: TestClient, customer: int, department: int, **fields: Any) -> Any:
    body = {
        "customer_id": customer,
        "kind": "delivery",
        "starts_at": _at(48),
        "department_id": department,
        "note": "Sofa, 3rd floor, no lift",
        **fields,
    }
    return client.post("/api/v1/events", json=body)


def test_it_books_an_event_whose_task_is_due_at_the_start_minus_minutes_before(
    api: dict[str, TestClient], personas: Any, customer_id: int
) -> None:
    department = personas.bob.department_id
    rule = _rule(api["alice"], department)
    assert rule["action"] == "task" and rule["cancel_on_reply"] is False
    answer = _event(api["bob"], customer_id, department)
    assert answer.status_code == 201, answer.text
    event = answer.json()
    assert event["status"] == "scheduled" and event["note"] == "Sofa, 3rd floor, no lift"
    [notice] = event["notices"]
    assert (notice["action"], notice["state"], notice["rule_id"]) == ("task", "pending", rule["id"])
    task = api["bob"].get(f"/api/v1/cases/{notice['case_id']}").json()
    assert (task["kind"], task["channel"], task["department_id"]) == ("task", "phone", department)
    [first] = [t for t in task["targets"] if t["kind"] == "first_response"]
    starts = datetime.fromisoformat(event["starts_at"])
    assert datetime.fromisoformat(first["due_at"]) == starts - timedelta(minutes=60)
    # The task is in the department's queue, due first.
    queue = api["bob"].get("/api/v1/cases", params={"department_id": department}).json()
    assert notice["case_id"] in [c["id"] for c in queue]


def test_it_moves_and_cancels_an_event_and_its_task(
    api: dict[str, TestClient], personas: Any, customer_id: int
) -> None:
    department = personas.bob.department_id
    _rule(api["alice"], department)
    event = _event(api["bob"], customer_id, department).json()
    case_id = event["notices"][0]["case_id"]
    moved = api["bob"].patch(
        f"/api/v1/events/{event['id']}",
        json={"starts_at": "2030-06-01T10:00:00", "time_zone": "Europe/Stockholm"},
    )
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["status"] == "moved" and body["starts_at"].startswith("2030-06-01T08:00:00")
    assert body["local_starts_at"].startswith("2030-06-01T10:00:00+02:00")
    task = api["bob"].get(f"/api/v1/cases/{case_id}").json()
    [first] = [t for t in task["targets"] if t["kind"] == "first_response"]
    assert datetime.fromisoformat(first["due_at"]) == datetime(2030, 6, 1, 7, 0, tzinfo=UTC)
    cancelled = api["bob"].patch(f"/api/v1/events/{event['id']}", json={"status": "cancelled"})
    assert cancelled.json()["notices"][0]["state"] == "withdrawn"
    assert api["bob"].get(f"/api/v1/cases/{case_id}").json()["status"] == "closed"
    again = api["bob"].patch(f"/api/v1/events/{event['id']}", json={"note": "too late"})
    assert again.status_code == 409
    unknown = api["bob"].patch(f"/api/v1/events/{event['id']}", json={"status": "moved"})
    assert unknown.status_code == 409


def test_it_keeps_events_and_rules_inside_their_department(
    api: dict[str, TestClient], personas: Any, customer_id: int
) -> None:
    department = personas.bob.department_id
    rule = _rule(api["alice"], department)
    event = _event(api["bob"], customer_id, department).json()
    charlie = api["charlie"]
    assert charlie.get(f"/api/v1/events/{event['id']}").status_code == 404
    assert charlie.get("/api/v1/events").json() == []
    assert (
        charlie.patch(f"/api/v1/events/{event['id']}", json={"status": "cancelled"}).status_code
        == 404
    )
    assert (
        charlie.post(f"/api/v1/events/{event['id']}/calls", json={"outcome": "reached"}).status_code
        == 404
    )
    # Booking for another department is refused; so is a rule for it, even by its manager.
    assert _event(charlie, customer_id, department).status_code == 403
    assert charlie.get("/api/v1/notice-rules").json() == []
    assert (
        charlie.patch(f"/api/v1/notice-rules/{rule['id']}", json={"minutes_before": 5}).status_code
        == 403
    )
    other = personas.charlie.department_id
    refused = api["alice"].post(
        "/api/v1/notice-rules",
        json={
            "event_kind": "visit",
            "minutes_before": 30,
            "action": "email",
            "department_id": other,
        },
    )
    assert refused.status_code == 403
    assert (
        api["bob"]
        .post(
            "/api/v1/notice-rules",
            json={
                "event_kind": "visit",
                "minutes_before": 30,
                "action": "email",
                "department_id": department,
            },
        )
        .status_code
        == 403
    )
    assert api["viewer"].get(f"/api/v1/events/{event['id']}").status_code == 200
    assert _event(api["viewer"], customer_id, department).status_code == 403
    assert _event(api["read_only"], customer_id, department).status_code == 403
    assert api["admin"].get(f"/api/v1/events/{event['id']}").status_code == 200


def test_it_logs_the_call_and_solves_the_task_then_counts_it_in_time(
    api: dict[str, TestClient], personas: Any, customer_id: int, db: Session
) -> None:
    department = personas.bob.department_id
    _rule(api["alice"], department, minutes_before=24 * 60)
    event = _event(api["bob"], customer_id, department, starts_at=_at(30)).json()
    call = api["bob"].post(
        f"/api/v1/events/{event['id']}/calls",
        json={"outcome": "reached", "note": "Confirmed, door code 1234", "duration_seconds": 90},
    )
    assert call.status_code == 201, call.text
    contact = call.json()
    assert (contact["channel"], contact["direction"]) == ("phone", "outbound")
    assert "Confirmed" in contact["note"]
    case_id = event["notices"][0]["case_id"]
    linked = api["bob"].get(f"/api/v1/cases/{case_id}/interactions").json()
    assert [c["id"] for c in linked] == [contact["id"]]
    assert api["bob"].get(f"/api/v1/cases/{case_id}").json()["status"] == "solved"
    notice = api["bob"].get(f"/api/v1/events/{event['id']}").json()["notices"][0]
    assert notice["state"] == "done" and notice["done_at"] is not None
    today = utcnow().date()
    metrics = api["alice"].get(
        "/api/v1/events/metrics",
        params={"from": today.isoformat(), "to": (today + timedelta(days=3)).isoformat()},
    )
    assert metrics.status_code == 200
    assert metrics.json() == {"items": []}  # the event has not started yet
    assert (
        api["bob"]
        .get("/api/v1/events/metrics", params={"from": "2026-01-01", "to": "2026-01-02"})
        .status_code
        == 403
    )


def test_it_refuses_bad_input_with_the_fields_named(
    api: dict[str, TestClient], personas: Any, customer_id: int
) -> None:
    department = personas.bob.department_id
    bad = [
        {"kind": "party"},
        {"starts_at": "1700000000"},
        {"time_zone": "Mars/Olympus"},
        {"customer_id": 99999999},
        {"department_id": 99999999},
    ]
    for fields in bad:
        answer = _event(api["bob"], customer_id, department, **fields)
        assert answer.status_code in (403, 422), (fields, answer.text)
        assert answer.status_code == 422 or fields.get("department_id")
    rule = {"event_kind": "delivery", "action": "sms", "minutes_before": 0}
    answer = api["alice"].post("/api/v1/notice-rules", json={**rule, "department_id": department})
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"action", "minutes_before"} <= fields


def test_it_changes_and_removes_a_rule_with_its_pending_notices(
    api: dict[str, TestClient], personas: Any, customer_id: int
) -> None:
    department = personas.bob.department_id
    rule = _rule(api["alice"], department, action="email", minutes_before=120)
    event = _event(api["bob"], customer_id, department).json()
    due = datetime.fromisoformat(event["notices"][0]["due_at"])
    changed = api["alice"].patch(f"/api/v1/notice-rules/{rule['id']}", json={"minutes_before": 30})
    assert changed.status_code == 200 and changed.json()["minutes_before"] == 30
    notice = api["bob"].get(f"/api/v1/events/{event['id']}").json()["notices"][0]
    assert datetime.fromisoformat(notice["due_at"]) == due + timedelta(minutes=90)
    assert api["alice"].delete(f"/api/v1/notice-rules/{rule['id']}").status_code == 204
    notice = api["bob"].get(f"/api/v1/events/{event['id']}").json()["notices"][0]
    assert (notice["state"], notice["reason"], notice["rule_id"]) == (
        "withdrawn",
        "rule_removed",
        None,
    )
    assert api["alice"].get("/api/v1/notice-rules").json() == []
