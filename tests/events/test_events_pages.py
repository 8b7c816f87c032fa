"""Event pages: the list of upcoming events with their notices, booking, the event page
(move, cancel, log the call), the notice rules page, the Service page's section and the
customer's page, with who may do what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.models import Case
from centricity.cases.schemas import CaseUpdate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.events import rules, service
from centricity.events.models import Event, EventNotice, NoticeRule
from centricity.events.schemas import EventCreate, NoticeRuleCreate
from centricity.interactions.models import Interaction
from centricity.kit.time import utcnow


@pytest.fixture()
def booked(db: Session, personas: Any) -> dict[str, Any]:
    """A rule of department A (a call 60 minutes before a delivery) and a delivery in two
    days for a customer."""
    customer = customers.create(
        db, data=CustomerCreate(name="Eglė Petrauskienė", email="egle@example.lt"), actor=None
    )
    rule = rules.create(
        db,
        data=NoticeRuleCreate(
            event_kind="delivery",
            minutes_before=60,
            action="task",
            department_id=personas.bob.department_id,
        ),
        actor=personas.alice,
    )
    start = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    event = service.create(
        db,
        data=EventCreate(
            customer_id=customer.id,
            kind="delivery",
            starts_at=start,
            place="Gedimino pr. 9, Vilnius",
            department_id=personas.bob.department_id,
        ),
        actor=personas.bob,
    )
    db.commit()
    return {"customer": customer, "rule": rule, "event": event}


def _post(browser: Any, url: str, data: dict[str, Any]) -> Any:
    return browser.client.post(url, data={"csrf_token": browser.csrf, **data})


def test_it_books_moves_logs_the_call_and_cancels_from_the_pages(
    browser_for: Callable[..., Any], personas: Any, booked: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    customer = booked["customer"]
    form = bob.client.get(f"/events/new?customer_id={customer.id}")
    assert form.status_code == 200 and customer.name in form.text
    answer = _post(
        bob,
        "/events/new",
        {
            "customer_id": customer.id,
            "kind": "delivery",
            "starts_at": "2031-05-04T10:30",
            "time_zone": "Europe/Vilnius",
            "place": "Vilniaus g. 1",
            "department_id": personas.bob.department_id,
        },
    )
    assert answer.status_code == 303, answer.text
    event_id = int(answer.headers["location"].rsplit("/", 1)[1])
    event = db.get(Event, event_id)
    assert event is not None and event.time_zone == "Europe/Vilnius"
    assert event.starts_at.isoformat() == "2031-05-04T07:30:00+00:00"
    listed = bob.client.get("/events").text
    assert "Vilniaus g. 1" in listed and "Gedimino pr. 9, Vilnius" in listed
    page = bob.client.get(f"/events/{event_id}").text
    assert "Vilniaus g. 1" in page and f"/events/{event_id}/move" in page
    assert (
        _post(bob, f"/events/{event_id}/move", {"starts_at": "2031-05-05T09:00"}).status_code == 303
    )
    db.expire_all()
    assert db.get(Event, event_id).status == "moved"  # type: ignore[union-attr]
    task_id = db.scalar(select(EventNotice.case_id).where(EventNotice.event_id == event_id))
    call = _post(bob, f"/events/{event_id}/calls", {"outcome": "reached", "note": "OK"})
    assert call.status_code == 303
    db.expire_all()
    assert db.get(Case, task_id).status == "solved"  # type: ignore[union-attr]
    assert db.scalar(select(func.count()).select_from(Interaction)) == 1
    bad = _post(bob, f"/events/{event_id}/move", {"starts_at": "soon"})
    assert bad.status_code == 422
    assert _post(bob, f"/events/{event_id}/cancel", {}).status_code == 303
    db.expire_all()
    assert db.get(Event, event_id).status == "cancelled"  # type: ignore[union-attr]
    assert _post(bob, f"/events/{event_id}/done", {}).status_code == 409


def test_forms_without_the_csrf_token_are_refused(
    browser_for: Callable[..., Any], personas: Any, booked: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    alice = browser_for(personas.alice)
    event_id = booked["event"].id
    for browser, url, data in (
        (bob, "/events/new", {"customer_id": booked["customer"].id, "kind": "visit"}),
        (bob, f"/events/{event_id}/move", {"starts_at": "2031-01-01T10:00"}),
        (bob, f"/events/{event_id}/cancel", {}),
        (bob, f"/events/{event_id}/done", {}),
        (bob, f"/events/{event_id}/calls", {"outcome": "reached"}),
        (alice, "/settings/notices", {"event_kind": "visit", "minutes_before": "5"}),
        (alice, f"/settings/notices/{booked['rule'].id}", {"minutes_before": "5"}),
        (alice, f"/settings/notices/{booked['rule'].id}/delete", {}),
    ):
        assert browser.client.post(url, data=data).status_code == 403, url
    db.expire_all()
    assert db.get(Event, event_id).status == "scheduled"  # type: ignore[union-attr]
    assert db.scalar(select(func.count()).select_from(NoticeRule)) == 1


def test_another_departments_events_are_not_found_nor_changed(
    browser_for: Callable[..., Any], personas: Any, booked: dict[str, Any], db: Session
) -> None:
    charlie = browser_for(personas.charlie)
    event_id = booked["event"].id
    assert charlie.client.get(f"/events/{event_id}").status_code == 404
    assert "Gedimino" not in charlie.client.get("/events").text
    for url, data in (
        (f"/events/{event_id}/move", {"starts_at": "2031-01-01T10:00"}),
        (f"/events/{event_id}/cancel", {}),
        (f"/events/{event_id}/calls", {"outcome": "reached"}),
    ):
        assert _post(charlie, url, data).status_code == 404, url
    viewer = browser_for(personas.viewer)
    assert viewer.client.get(f"/events/{event_id}").status_code == 200
    assert _post(viewer, f"/events/{event_id}/cancel", {}).status_code == 403
    db.expire_all()
    assert db.get(Event, event_id).status == "scheduled"  # type: ignore[union-attr]


def test_the_notice_rules_page_is_for_managers_of_their_own_department(
    browser_for: Callable[..., Any], personas: Any, booked: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    alice = browser_for(personas.alice)
    assert bob.client.get("/settings/notices").status_code == 403
    page = alice.client.get("/settings/notices")
    assert page.status_code == 200 and f"/settings/notices/{booked['rule'].id}" in page.text
    created = _post(
        alice,
        "/settings/notices",
        {"event_kind": "appointment", "minutes_before": "1440", "action": "email",
         "department_id": personas.alice.department_id, "cancel_on_reply": "1"},
    )  # fmt: skip
    assert created.status_code == 303
    rule = db.scalars(select(NoticeRule).where(NoticeRule.event_kind == "appointment")).one()
    assert rule.cancel_on_reply is True and rule.minutes_before == 1440
    other = _post(
        alice,
        "/settings/notices",
        {"event_kind": "visit", "minutes_before": "30", "action": "task",
         "department_id": personas.charlie.department_id},
    )  # fmt: skip
    assert other.status_code == 403
    invalid = _post(alice, "/settings/notices", {"event_kind": "visit", "minutes_before": "-5"})
    assert invalid.status_code == 422
    switched = _post(alice, f"/settings/notices/{booked['rule'].id}", {"minutes_before": "90"})
    assert switched.status_code == 303
    db.expire_all()
    notice = db.scalars(select(EventNotice).where(EventNotice.event_id == booked["event"].id)).one()
    assert notice.state == "withdrawn"  # unticked "on": the rule is off, its task withdrawn
    charlie_manager = browser_for(personas.admin)
    assert charlie_manager.client.get("/settings/notices").status_code == 200


def test_the_service_page_and_the_customer_page_show_events(
    browser_for: Callable[..., Any], personas: Any, booked: dict[str, Any], db: Session
) -> None:
    now = utcnow()
    past = service.create(
        db,
        data=EventCreate(
            customer_id=booked["customer"].id,
            kind="delivery",
            starts_at=now - timedelta(days=1),
            department_id=personas.bob.department_id,
        ),
        actor=personas.bob,
        now=now - timedelta(days=3),
    )
    task_id = db.scalar(select(EventNotice.case_id).where(EventNotice.event_id == past.id))
    task = db.get(Case, task_id)
    assert task is not None
    cases.update(
        db,
        case=task,
        data=CaseUpdate(status="solved"),
        actor=personas.bob,
        now=now - timedelta(days=2),
    )
    db.commit()
    alice = browser_for(personas.alice)
    page = alice.client.get("/service").text
    assert 'id="notices-h"' in page and "Department A" in page
    customer = alice.client.get(f"/customers/{booked['customer'].id}").text
    assert "Delivery: Gedimino pr. 9, Vilnius" in customer
    assert f'href="/events/{booked["event"].id}"' in customer


def test_the_events_list_reads_a_few_queries_however_many_events(
    browser_for: Callable[..., Any],
    personas: Any,
    booked: dict[str, Any],
    db: Session,
    connection: Any,
) -> None:
    from contextlib import contextmanager

    from sqlalchemy import event as sa_event

    @contextmanager
    def count_queries() -> Any:
        statements: list[str] = []

        def record(*args: Any) -> None:
            statements.append(args[2])

        sa_event.listen(connection, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa_event.remove(connection, "before_cursor_execute", record)

    client = browser_for(personas.bob).client
    with count_queries() as few:
        assert client.get("/events").status_code == 200
    for day in range(3, 20):
        service.create(
            db,
            data=EventCreate(
                customer_id=booked["customer"].id,
                kind="delivery",
                starts_at=utcnow() + timedelta(days=day),
                place=f"Stop {day}",
                department_id=personas.bob.department_id,
            ),
            actor=personas.bob,
        )
    db.commit()
    with count_queries() as many:
        page = client.get("/events")
    assert page.status_code == 200 and page.text.count("Stop ") == 17
    assert len(many) == len(few)
