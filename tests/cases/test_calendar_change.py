"""A calendar that changes moves the due times of the running targets counting in it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.calendars import service as calendars
from centricity.calendars.schemas import CalendarCreate, CalendarUpdate
from centricity.cases import due_times, policies, service
from centricity.cases.schemas import CaseCreate, CaseUpdate, SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.jobs.models import Job

MONDAY_9 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Prague


def test_closing_a_day_moves_running_due_times_and_leaves_paused_ones(
    db: Session, personas: Any
) -> None:
    office = calendars.create(
        db,
        data=CalendarCreate(
            name="Office",
            time_zone="Europe/Prague",
            hours={d: [["08:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        ),
        actor=personas.admin,
    )
    policies.create(
        db,
        data=SlaPolicyCreate(
            name="Office", calendar_id=office.id, first_response_minutes=480, resolution_minutes=960
        ),
        actor=personas.admin,
    )
    customer = customers.create(db, data=CustomerCreate(name="Petr"), actor=personas.bob)
    running = service.create(
        db, data=CaseCreate(customer_id=customer.id, subject="a"), actor=personas.bob, now=MONDAY_9
    )
    paused = service.create(
        db, data=CaseCreate(customer_id=customer.id, subject="b"), actor=personas.bob, now=MONDAY_9
    )
    service.update(
        db,
        case=paused,
        data=CaseUpdate(status="waiting_on_customer"),
        actor=personas.bob,
        now=MONDAY_9,
    )
    first = next(t for t in service.current_targets(db, running) if t.kind == "first_response")
    assert first.due_at == datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # Tuesday 09:00
    calendars.update(
        db,
        calendar=office,
        data=CalendarUpdate(closed_dates=[date(2026, 12, 8)]),
        actor=personas.admin,
    )
    queued = db.scalars(select(Job).where(Job.kind == "cases.recompute_due")).all()
    assert [job.payload for job in queued] == [{"calendar_id": office.id}]
    assert due_times.recompute_due(db, calendar_id=office.id) == 2  # the running case's two
    db.expire_all()
    moved = {t.kind: t for t in service.current_targets(db, running)}
    assert moved["first_response"].due_at == datetime(2026, 12, 9, 8, 0, tzinfo=UTC)  # Wed
    assert moved["resolution"].due_at == datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # Thu
    # 80% of the 960-minute resolution: 420 minutes on Monday, the rest from Wednesday 08:00.
    assert moved["resolution"].warn_at == datetime(2026, 12, 9, 12, 48, tzinfo=UTC)
    waiting = service.current_targets(db, paused)
    assert {t.state for t in waiting} == {"paused"} and {t.due_at for t in waiting} == {None}
