"""Cases opened together (`openings.open_for_customers`, the call-back tasks of an import)
are the cases `open_for_customer` opens one by one: same fields, tier, policy, clocks,
history and audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.audit.models import AuditEntry
from centricity.calendars import service as calendars
from centricity.calendars.schemas import CalendarCreate
from centricity.cases import openings, policies, service
from centricity.cases.models import Case, CaseEvent, CaseKind, CaseTarget, Priority
from centricity.cases.schemas import PolicyConditions, SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.interactions.models import Channel

SATURDAY = datetime(2026, 11, 28, 21, 30, tzinfo=UTC)  # outside office hours
OFFICE = {d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def _desk(db: Session, personas: Any) -> None:
    """An office-hours phone policy with a waiting clock, and one for e-mail that must not
    match a phone task."""
    calendar = calendars.create(
        db,
        data=CalendarCreate(name="Office", time_zone="Europe/Prague", hours=OFFICE),
        actor=personas.admin,
    )
    for name, channel in (("Mail", Channel.EMAIL), ("Phone", Channel.PHONE)):
        policies.create(
            db,
            data=SlaPolicyCreate(
                name=name,
                conditions=PolicyConditions(channel=channel),
                calendar_id=calendar.id,
                first_response_minutes=60,
                resolution_minutes=480,
                waiting_minutes=5,
            ),
            actor=personas.admin,
        )


def _facts(db: Session, case: Case) -> dict[str, Any]:
    """Everything opening a case wrote, without ids and times of the run."""
    events = db.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    )
    targets = db.scalars(select(CaseTarget).where(CaseTarget.case_id == case.id))
    audit = db.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "case", AuditEntry.entity_id == str(case.id)
        )
    )
    skip = {"id", "case_id"}
    return {
        "case": {c: getattr(case, c) for c in Case.__table__.columns.keys() if c != "id"},
        "events": [(e.field, e.old_value, e.new_value, e.at, e.reason) for e in events],
        "targets": sorted(
            tuple((c, getattr(t, c)) for c in CaseTarget.__table__.columns.keys() if c not in skip)
            for t in targets
        ),
        "audit": [(a.actor_label, a.action, a.entity_type) for a in audit],
    }


def test_it_opens_many_cases_as_open_for_customer_opens_each(db: Session, personas: Any) -> None:
    _desk(db, personas)
    department = personas.bob.department_id
    people = [
        customers.create(db, data=CustomerCreate(name=name), actor=None)
        for name in ("Jana", "Petr")
    ]
    shared: dict[str, Any] = {
        "channel": Channel.PHONE,
        "priority": Priority.NORMAL,
        "source": "telephony",
        "kind": CaseKind.TASK,
        "tags": ["call-back"],
    }
    times = [SATURDAY, SATURDAY + timedelta(days=2, hours=-12)]  # Saturday night, Monday 9:30
    one_by_one = [
        service.open_for_customer(
            db,
            customer_id=person.id,
            subject=f" ☎ {person.name} ",
            description="",
            department_id=department,
            now=at,
            **shared,
        )
        for person, at in zip(people, times, strict=True)
    ]
    together = openings.open_for_customers(
        db,
        [
            openings.Opening(person.id, f" ☎ {person.name} ", department, at)
            for person, at in zip(people, times, strict=True)
        ],
        **shared,
    )
    assert [c.id for c in together] == sorted(c.id for c in together)
    for alone, bulk in zip(one_by_one, together, strict=True):
        assert _facts(db, bulk) == _facts(db, alone)
    assert len(_facts(db, together[0])["targets"]) == 3  # first response, waiting, resolution
