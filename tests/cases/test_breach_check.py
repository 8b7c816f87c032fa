"""The breach check: warnings, breaches, escalation, working hours, and no double notices."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from centricity.accounts.models import Role
from centricity.calendars import service as calendars
from centricity.calendars.schemas import CalendarCreate
from centricity.cases import breach, policies, service
from centricity.cases.models import Case
from centricity.cases.schemas import CaseCreate, SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.db import make_engine, session_factory
from centricity.migrations import runner
from centricity.notifications.models import Notification, OutboxMessage
from fixtures_web import make_user
from store_helpers import create_pg_database, drop_pg_database

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 in Prague


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def _desk(db: Session, personas: Any, **policy: Any) -> Any:
    customer = customers.create(db, data=CustomerCreate(name="Eva Novak"), actor=personas.bob)
    fields = {"name": "Everyone", "first_response_minutes": 60, "resolution_minutes": 600}
    policies.create(db, data=SlaPolicyCreate(**{**fields, **policy}), actor=personas.admin)
    return customer


def _open(db: Session, personas: Any, customer: Any, **fields: Any) -> Case:
    data = CaseCreate(customer_id=customer.id, subject="Lost parcel", **fields)
    return service.create(db, data=data, actor=personas.bob, now=T0)


def _count(db: Session, model: Any, **where: Any) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return int(db.scalar(query) or 0)


def test_it_warns_once_then_breaches_once(db: Session, personas: Any) -> None:
    customer = _desk(db, personas)
    case = _open(db, personas, customer, assignee_id=personas.bob.id)
    early = breach.check(db, now=T0 + minutes(47))
    assert (early.warned, early.breached) == (0, 0)
    warned = breach.check(db, now=T0 + minutes(49))  # 80% of 60 minutes passed
    assert (warned.warned, warned.breached) == (1, 0)
    assert breach.check(db, now=T0 + minutes(50)).line() == "checked=0 warned=0 breached=0"
    missed = breach.check(db, now=T0 + minutes(61))
    assert (missed.warned, missed.breached) == (0, 1)
    assert breach.check(db, now=T0 + minutes(62)).breached == 0
    notices = db.scalars(select(Notification).where(Notification.user_id == personas.bob.id))
    assert sorted(n.kind for n in notices) == ["sla.breach", "sla.warning"]
    mail = db.scalars(select(OutboxMessage).where(OutboxMessage.user_id == personas.bob.id)).all()
    assert len(mail) == 2
    assert all(m.headers["Auto-Submitted"] == "auto-generated" for m in mail)
    subjects = sorted(m.subject for m in mail)
    assert subjects[0] == f"Case #{case.id}: first response due {_due_text()}"
    assert subjects[1] == f"Case #{case.id}: first response target missed"


def _due_text() -> str:
    """10:00 UTC on 2 March 2026 as an English reader in UTC reads it."""
    from centricity.kit import i18n, localeformat

    with i18n.use_locale(i18n.ViewerLocale("en", "UTC")):
        return localeformat.datetime_text(T0 + minutes(60))


def test_an_unassigned_case_warns_the_departments_managers(db: Session, personas: Any) -> None:
    customer = _desk(db, personas)
    _open(db, personas, customer)
    breach.check(db, now=T0 + minutes(61))
    assert _count(db, Notification, user_id=personas.alice.id) == 1  # Alice manages A
    assert _count(db, Notification, user_id=personas.bob.id) == 0
    assert _count(db, Notification, user_id=personas.charlie.id) == 0


def test_warnings_by_mail_wait_for_working_hours_unless_urgent(db: Session, personas: Any) -> None:
    office = calendars.create(
        db,
        data=CalendarCreate(
            name="Bob's hours",
            time_zone="Europe/Prague",
            hours={d: [["08:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        ),
        actor=personas.admin,
    )
    personas.bob.calendar_id = office.id
    customer = _desk(db, personas)
    night = datetime(2026, 3, 3, 1, 0, tzinfo=UTC)  # Tuesday 02:00 in Prague
    normal = service.create(
        db,
        data=CaseCreate(customer_id=customer.id, subject="a", assignee_id=personas.bob.id),
        actor=personas.bob,
        now=night - minutes(70),
    )
    urgent = service.create(
        db,
        data=CaseCreate(
            customer_id=customer.id, subject="b", assignee_id=personas.bob.id, priority="urgent"
        ),
        actor=personas.bob,
        now=night - minutes(70),
    )
    breach.check(db, now=night)
    mail = {m.dedupe_key: m for m in db.scalars(select(OutboxMessage))}
    normal_mail = next(m for k, m in mail.items() if k and f":{_target_id(db, normal)}:" in k)
    urgent_mail = next(m for k, m in mail.items() if k and f":{_target_id(db, urgent)}:" in k)
    assert normal_mail.next_attempt_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 there
    assert urgent_mail.next_attempt_at == night
    assert _count(db, Notification, user_id=personas.bob.id) == 2  # in the app at once


def _target_id(db: Session, case: Case) -> int:
    return next(t.id for t in service.current_targets(db, case) if t.kind == "first_response")


def test_a_breach_escalates_as_the_policy_says(db: Session, personas: Any) -> None:
    lead = make_user(db, "lead@test.example", Role.AGENT, "Department A")
    customer = _desk(db, personas, escalate_raise_priority=True, escalate_to_user_id=lead.id)
    case = _open(db, personas, customer, assignee_id=personas.bob.id)
    breach.check(db, now=T0 + minutes(61))
    assert (case.priority, case.assignee_id) == ("high", lead.id)
    history = [(e.field, e.new_value, e.reason) for e in service.history(db, case)]
    assert ("priority", "high", "escalation: first_response target missed") in history
    assert ("assignee_id", str(lead.id), "escalation: first_response target missed") in history
    first = next(t for t in service.current_targets(db, case) if t.kind == "first_response")
    assert first.state == "breached"  # a breached target stays breached after re-targeting


@pytest.fixture(params=["sqlite", "postgresql"])
def committed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A store whose data other connections see: a fresh SQLite file or PostgreSQL database."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'breach.db'}", None
    else:
        from store_helpers import pg_or_skip

        pg_or_skip()
        url = drop = create_pg_database()
    engine = make_engine(url)
    runner.upgrade(engine)
    yield engine
    engine.dispose()
    if drop is not None:
        drop_pg_database(drop)


def test_two_checks_at_once_never_notify_twice(committed: Engine) -> None:
    factory = session_factory(committed)
    with factory() as db:
        admin = make_user(db, "admin@test.example", Role.ADMIN, None)
        bob = make_user(db, "bob@test.example", Role.AGENT, "Department A")
        customer = customers.create(db, data=CustomerCreate(name="Race"), actor=bob)
        policy = SlaPolicyCreate(name="Fast", first_response_minutes=10, resolution_minutes=20)
        policies.create(db, data=policy, actor=admin)
        for n in range(40):
            data = CaseCreate(customer_id=customer.id, subject=f"case {n}", assignee_id=bob.id)
            service.create(db, data=data, actor=bob, now=T0)
        db.commit()
    reports: list[breach.CheckReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            with factory() as session:
                start.wait()
                reports.append(breach.check(session, now=T0 + minutes(30)))
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    assert sum(r.breached for r in reports) == 80  # 40 cases x 2 targets, each once
    with factory() as db:
        assert _count(db, Notification) == 80
        assert _count(db, OutboxMessage) == 80
