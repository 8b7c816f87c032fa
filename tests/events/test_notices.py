"""Notices before events: planned once, moved and withdrawn with their event, given by the
job exactly once, computed on the event's clock across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.models import Case, CaseTarget
from centricity.cases.schemas import CaseUpdate, ReplyCreate
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.events import notices, rules, service
from centricity.events.models import EventNotice
from centricity.events.schemas import EventCreate, EventUpdate, NoticeRuleCreate
from centricity.interactions import service as interactions
from centricity.interactions.schemas import InteractionCreate
from centricity.notifications.models import OutboxMessage

PRAGUE = "Europe/Prague"
NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _prague(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installation's zone, which events given without one count their days in."""
    monkeypatch.setenv("CENTRICITY_TIME_ZONE", PRAGUE)


@pytest.fixture()
def customer_id(db: Session, personas: Any) -> int:
    data = CustomerCreate(name="Jana Nováková", email="jana@example.cz", preferred_language="cs")
    customer = customers.create(db, data=data, actor=personas.bob)
    db.commit()
    return customer.id


def _rule(db: Session, personas: Any, **fields: Any) -> Any:
    data = NoticeRuleCreate(department_id=personas.alice.department_id, **fields)
    return rules.create(db, data=data, actor=personas.alice, now=NOW)


def _event(db: Session, personas: Any, customer_id: int, starts_at: str, **fields: Any) -> Any:
    data = EventCreate(
        customer_id=customer_id,
        kind=fields.pop("kind", "delivery"),
        starts_at=starts_at,
        department_id=personas.bob.department_id,
        **fields,
    )
    return service.create(db, data=data, actor=personas.bob, now=NOW)


def _notice(db: Session, event: Any) -> EventNotice:
    return db.scalars(select(EventNotice).where(EventNotice.event_id == event.id)).one()


def _first_response(db: Session, case_id: int) -> CaseTarget:
    return db.scalars(
        select(CaseTarget).where(CaseTarget.case_id == case_id, CaseTarget.kind == "first_response")
    ).one()


@pytest.mark.parametrize(
    ("local_start", "minutes", "expected_utc"),
    [
        # The clocks go forward on 29 March 2026 at 02:00: a day before 09:00 CEST is
        # 09:00 CET (23 real hours), an hour before is one real hour.
        ("2026-03-29T09:00:00", 1440, datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),
        ("2026-03-29T09:00:00", 60, datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
        ("2026-03-29T03:30:00", 60, datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
        ("2026-03-30T02:30:00", 1440, datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # Back on 25 October 2026 at 03:00: a day before 09:00 CET is 09:00 CEST (25 h).
        ("2026-10-25T09:00:00", 1440, datetime(2026, 10, 24, 7, 0, tzinfo=UTC)),
        ("2026-10-25T09:00:00", 1500, datetime(2026, 10, 24, 6, 0, tzinfo=UTC)),
        ("2026-10-25T03:30:00", 90, datetime(2026, 10, 25, 1, 0, tzinfo=UTC)),
    ],
)
def test_it_computes_the_due_time_on_the_events_clock_across_dst(
    local_start: str, minutes: int, expected_utc: datetime
) -> None:
    from zoneinfo import ZoneInfo

    start = datetime.fromisoformat(local_start).replace(tzinfo=ZoneInfo(PRAGUE)).astimezone(UTC)
    assert notices.due_at(start, PRAGUE, minutes) == expected_utc


def test_it_opens_a_task_due_at_the_start_minus_minutes_before_once(
    db: Session, personas: Any, customer_id: int
) -> None:
    _rule(db, personas, event_kind="delivery", minutes_before=60, action="task")
    event = _event(db, personas, customer_id, "2026-03-25T10:00:00+01:00", place="Hlavní 5")
    notice = _notice(db, event)
    assert notice.state == "pending" and notice.case_id is not None
    task = db.get(Case, notice.case_id)
    assert task is not None
    assert (task.kind, task.channel, task.department_id) == (
        "task",
        "phone",
        personas.bob.department_id,
    )
    due = datetime(2026, 3, 25, 8, 0, tzinfo=UTC)
    assert event.starts_at - timedelta(minutes=60) == due
    assert _first_response(db, task.id).due_at == due
    # Planning again (the job, a second worker) adds nothing.
    notices.sync(db, event, now=NOW)
    assert notices.plan_missing(db, now=NOW) == 0
    assert db.scalar(select(func.count()).select_from(Case).where(Case.kind == "task")) == 1


def test_it_moves_the_tasks_due_time_with_the_event_and_withdraws_it_when_cancelled(
    db: Session, personas: Any, customer_id: int
) -> None:
    _rule(db, personas, event_kind="delivery", minutes_before=60, action="task")
    event = _event(db, personas, customer_id, "2026-03-25T10:00:00+01:00")
    task_id = _notice(db, event).case_id
    later = NOW + timedelta(hours=1)
    service.update(
        db,
        event=event,
        data=EventUpdate(starts_at="2026-03-26T14:00:00"),  # local time on the event's clock
        actor=personas.bob,
        now=later,
    )
    assert event.status == "moved"
    assert event.starts_at == datetime(2026, 3, 26, 13, 0, tzinfo=UTC)
    target = _first_response(db, task_id)
    assert target.due_at == datetime(2026, 3, 26, 12, 0, tzinfo=UTC)
    service.update(
        db, event=event, data=EventUpdate(status="cancelled"), actor=personas.bob, now=later
    )
    notice = _notice(db, event)
    assert (notice.state, notice.reason) == ("withdrawn", "cancelled")
    task = db.get(Case, task_id)
    assert task is not None and task.status == "closed"
    notes = cases.messages(db, task, actor=personas.bob)
    assert any("cancelled" in m.body for m in notes if not m.public)


def test_it_queues_the_reminder_once_in_the_customers_language(
    db: Session, personas: Any, customer_id: int, settings: Settings
) -> None:
    _rule(db, personas, event_kind="appointment", minutes_before=1440, action="email")
    event = _event(db, personas, customer_id, "2026-03-29T09:00:00", kind="appointment")
    notice = _notice(db, event)
    assert notice.due_at == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # 09:00 CET, 23 h before
    early = notices.run(db, now=notice.due_at - timedelta(minutes=1), settings=settings)
    assert early["queued"] == 0 and notice.state == "pending"
    assert notices.run(db, now=notice.due_at, settings=settings)["queued"] == 1
    assert notices.run(db, now=notice.due_at + timedelta(minutes=1), settings=settings) == {
        "planned": 0,
        "withdrawn": 0,
        "queued": 0,
    }
    db.refresh(notice)
    assert notice.state == "done" and notice.done_at == notice.due_at
    mail = db.get(OutboxMessage, notice.outbox_message_id)
    assert mail is not None and mail.to_address == "jana@example.cz"
    assert mail.headers["Auto-Submitted"] == "auto-generated"
    assert mail.headers["Content-Language"] == "cs"
    assert "9:00" in mail.subject  # the time on the event's clock, not UTC (07:00)
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_it_reschedules_an_unsent_reminder_and_does_not_send_a_cancelled_one(
    db: Session, personas: Any, customer_id: int, settings: Settings
) -> None:
    _rule(db, personas, event_kind="visit", minutes_before=120, action="email")
    event = _event(db, personas, customer_id, "2026-03-25T10:00:00+01:00", kind="visit")
    notice = _notice(db, event)
    assert notices.run(db, now=notice.due_at, settings=settings)["queued"] == 1
    first_mail = notice.outbox_message_id
    # Moved while the reminder still waits in the outbox: it comes out and waits again.
    service.update(
        db,
        event=event,
        data=EventUpdate(starts_at="2026-03-27T10:00:00+01:00"),
        actor=personas.bob,
        now=notice.due_at,
    )
    db.refresh(notice)
    assert notice.state == "pending" and db.get(OutboxMessage, first_mail) is None
    assert notice.due_at == datetime(2026, 3, 27, 7, 0, tzinfo=UTC)
    service.update(
        db, event=event, data=EventUpdate(status="cancelled"), actor=personas.bob, now=NOW
    )
    assert notices.run(db, now=notice.due_at, settings=settings)["queued"] == 0
    db.refresh(notice)
    assert notice.state == "withdrawn"
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_customers_reply_withdraws_only_the_rules_that_say_so(
    db: Session, personas: Any, customer_id: int, settings: Settings
) -> None:
    keep = _rule(db, personas, event_kind="appointment", minutes_before=60, action="email")
    drop = _rule(
        db,
        personas,
        event_kind="appointment",
        minutes_before=120,
        action="email",
        cancel_on_reply=True,
    )
    event = _event(db, personas, customer_id, "2026-03-25T10:00:00+01:00", kind="appointment")
    interactions.create(
        db,
        data=InteractionCreate(
            customer_id=customer_id,
            channel="email",
            direction="inbound",
            note="Confirmed, see you then.",
            started_at=NOW + timedelta(minutes=5),
        ),
        actor=personas.bob,
    )
    result = notices.run(db, now=NOW + timedelta(minutes=10), settings=settings)
    assert result["withdrawn"] == 1
    states = {
        n.rule_id: (n.state, n.reason)
        for n in db.scalars(select(EventNotice).where(EventNotice.event_id == event.id))
    }
    assert states == {keep.id: ("pending", None), drop.id: ("withdrawn", "customer_replied")}


def test_a_solved_task_is_a_notice_done_and_counts_in_the_metric(
    db: Session, personas: Any, customer_id: int
) -> None:
    from centricity.cases.metrics import Period
    from centricity.events import metrics

    _rule(db, personas, event_kind="delivery", minutes_before=60, action="task")
    on_time = _event(db, personas, customer_id, "2026-03-25T10:00:00+01:00")
    late = _event(db, personas, customer_id, "2026-03-26T10:00:00+01:00")
    for event, solved_at in ((on_time, NOW + timedelta(hours=1)), (late, NOW + timedelta(days=7))):
        task = db.get(Case, _notice(db, event).case_id)
        assert task is not None
        cases.reply(
            db, case=task, data=ReplyCreate(body="Volali jsme."), actor=personas.bob, now=solved_at
        )
        cases.update(
            db, case=task, data=CaseUpdate(status="solved"), actor=personas.bob, now=solved_at
        )
    assert _notice(db, on_time).state == "done"
    rows = metrics.done_before(
        db,
        actor=personas.alice,
        period=Period(NOW.date(), NOW.date() + timedelta(days=30)),
        now=NOW + timedelta(days=30),
    )
    assert [(r["events"], r["done_before"], r["share"]) for r in rows] == [(2, 1, 0.5)]
    # Charlie's department sees none of it.
    other = metrics.done_before(
        db,
        actor=personas.charlie,
        period=Period(NOW.date(), NOW.date() + timedelta(days=30)),
        now=NOW + timedelta(days=30),
    )
    assert other == []


def test_the_job_gives_each_notice_once_however_often_it_runs(
    db: Session, personas: Any, customer_id: int
) -> None:
    from centricity.events import jobs as event_jobs
    from centricity.jobs import registry

    _rule(db, personas, event_kind="delivery", minutes_before=60, action="email")
    start = datetime.now(UTC) + timedelta(minutes=30)  # the reminder is already due
    _event(db, personas, customer_id, start.isoformat())
    assert registry.get_schedule("events.notify").every == timedelta(minutes=1)
    handler = registry.get_handler("events.notify")
    assert handler is event_jobs.notify
    for _ in range(3):
        handler(db, {})
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_export_and_erasure_of_a_customer_cover_their_events(
    db: Session, personas: Any, customer_id: int
) -> None:
    from centricity.events.models import Event
    from centricity.privacy import service as privacy

    _rule(db, personas, event_kind="delivery", minutes_before=60, action="task")
    event = _event(db, personas, customer_id, "2026-03-25T10:00:00+01:00", place="Hlavní 5")
    event.note = "Door code 1234"
    db.commit()
    exported = privacy.export_person(db, email="jana@example.cz", actor_label="test")
    rows = exported["data"]["events"]
    assert rows[0]["place"] == "Hlavní 5" and rows[0]["note"] == "Door code 1234"
    privacy.erase_person(db, email="jana@example.cz", actor_label="test")
    db.expire_all()
    erased = db.get(Event, event.id)
    assert erased is not None and (erased.place, erased.note) == ("", "")
    assert db.scalars(select(EventNotice)).one().event_id == event.id  # the figures stay
