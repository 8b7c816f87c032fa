"""The clocks of a case through its life, with the time under the test's control."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.analytics.models import AnalyticsRun
from centricity.calendars import service as calendars
from centricity.calendars.schemas import CalendarCreate
from centricity.cases import policies, reading, service
from centricity.cases.models import Case, SlaPolicy
from centricity.cases.schemas import CaseCreate, CaseUpdate, ReplyCreate, SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.jobs.models import Job
from centricity.kit.errors import Conflict, NotFound, PermissionDenied
from centricity.value import service as value_service
from centricity.value.models import CustomerValue

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture()
def desk(db: Session, personas: Any) -> dict[str, Any]:
    """A customer of department A and a round-the-clock policy: first response 60,
    next response 30, resolution 480 minutes, phone waiting 5."""
    customer = customers.create(db, data=CustomerCreate(name="Jana Dvořáková"), actor=personas.bob)
    policy = _policy(
        db,
        personas,
        name="Everyone",
        position=100,
        first_response_minutes=60,
        next_response_minutes=30,
        resolution_minutes=480,
        waiting_minutes=5,
    )
    db.flush()
    return {"customer": customer, "policy": policy}


def _policy(db: Session, personas: Any, **fields: Any) -> SlaPolicy:
    """An SLA policy created by the admin (conditions as a plain dict)."""
    return policies.create(db, data=SlaPolicyCreate(**fields), actor=personas.admin)


def _open(db: Session, personas: Any, desk: dict[str, Any], **fields: Any) -> Case:
    data = CaseCreate(customer_id=desk["customer"].id, subject="Parcel late", **fields)
    return service.create(db, data=data, actor=personas.bob, now=fields.get("opened_at", T0))


def _targets(db: Session, case: Case, now: datetime) -> dict[str, Any]:
    return {t.kind: t for t in reading.case_read(db, case, now).targets}


def test_it_starts_first_response_and_resolution_when_a_case_opens(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    case = _open(db, personas, desk, opened_at=T0)
    targets = _targets(db, case, T0 + minutes(10))
    assert set(targets) == {"first_response", "resolution"}  # no waiting: not a phone case
    assert targets["first_response"].due_at == T0 + minutes(60)
    assert targets["first_response"].state == "running"
    assert targets["first_response"].time_left_minutes == 50
    assert targets["resolution"].due_at == T0 + minutes(480)
    assert case.policy_id == desk["policy"].id


def test_a_public_reply_achieves_first_response_and_a_note_does_not(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    case = _open(db, personas, desk, opened_at=T0, channel="phone")
    note = ReplyCreate(body="Checked the depot", public=False)
    service.reply(db, case=case, data=note, actor=personas.bob, now=T0 + minutes(3))
    assert _targets(db, case, T0 + minutes(4))["first_response"].state == "running"
    assert case.status == "new"
    answer = ReplyCreate(body="Your parcel leaves today.")
    service.reply(db, case=case, data=answer, actor=personas.bob, now=T0 + minutes(20))
    targets = _targets(db, case, T0 + minutes(21))
    assert targets["first_response"].state == "achieved"
    assert targets["first_response"].achieved_minutes == 20
    assert targets["waiting"].state == "breached"  # the caller waited 20 minutes, target 5
    assert targets["resolution"].state == "running"
    assert case.status == "open" and case.first_responded_at == T0 + minutes(20)


def test_next_response_starts_only_from_an_unanswered_customer_message(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    case = _open(db, personas, desk, opened_at=T0)
    staff = ReplyCreate(body="Looking into it")
    service.reply(db, case=case, data=staff, actor=personas.bob, now=T0 + minutes(10))
    service.reply(db, case=case, data=staff, actor=personas.bob, now=T0 + minutes(15))
    assert "next_response" not in _targets(db, case, T0 + minutes(16))  # agents never start it
    customer = ReplyCreate(body="Any news?", from_customer=True)
    service.reply(db, case=case, data=customer, actor=personas.bob, now=T0 + minutes(40))
    service.reply(db, case=case, data=customer, actor=personas.bob, now=T0 + minutes(50))
    running = _targets(db, case, T0 + minutes(51))["next_response"]
    assert (running.state, running.cycle) == ("running", 1)
    assert running.due_at == T0 + minutes(70)  # from the first unanswered message
    service.reply(db, case=case, data=staff, actor=personas.bob, now=T0 + minutes(60))
    answered = _targets(db, case, T0 + minutes(61))["next_response"]
    assert (answered.state, answered.achieved_minutes) == ("achieved", 20)
    assert _targets(db, case, T0 + minutes(200))["next_response"].state == "achieved"


def test_waiting_on_the_customer_pauses_and_their_reply_resumes_without_counting_the_pause(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    case = _open(db, personas, desk, opened_at=T0)
    waiting = CaseUpdate(status="waiting_on_customer")
    service.update(db, case=case, data=waiting, actor=personas.bob, now=T0 + minutes(100))
    paused = _targets(db, case, T0 + minutes(500))["resolution"]
    assert (paused.state, paused.due_at) == ("paused", None)
    message = ReplyCreate(body="Here is the receipt", from_customer=True)
    service.reply(db, case=case, data=message, actor=personas.bob, now=T0 + minutes(1000))
    resumed = _targets(db, case, T0 + minutes(1001))["resolution"]
    assert case.status == "open"
    assert resumed.state == "running"
    assert resumed.due_at == T0 + minutes(1000 + 380)  # 100 counted before the pause


def test_solving_stops_every_clock_even_when_the_customer_wrote_last(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    case = _open(db, personas, desk, opened_at=T0)
    staff = ReplyCreate(body="Refund sent")
    service.reply(db, case=case, data=staff, actor=personas.bob, now=T0 + minutes(5))
    customer = ReplyCreate(body="Thanks!", from_customer=True)
    service.reply(db, case=case, data=customer, actor=personas.bob, now=T0 + minutes(10))
    solve = CaseUpdate(status="solved")
    service.update(db, case=case, data=solve, actor=personas.bob, now=T0 + minutes(12))
    targets = _targets(db, case, T0 + minutes(900))
    assert {t.state for t in targets.values()} == {"achieved"}
    assert targets["resolution"].achieved_minutes == 12
    assert targets["next_response"].achieved_minutes == 2
    assert case.solved_at == T0 + minutes(12)


def test_a_customer_reply_reopens_a_solved_case_and_a_closed_case_refuses_replies(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    case = _open(db, personas, desk, opened_at=T0)
    service.update(
        db, case=case, data=CaseUpdate(status="solved"), actor=personas.bob, now=T0 + minutes(30)
    )
    again = ReplyCreate(body="Still broken", from_customer=True)
    service.reply(db, case=case, data=again, actor=personas.bob, now=T0 + minutes(90))
    resolution = _targets(db, case, T0 + minutes(91))["resolution"]
    assert (case.status, case.reopened_count) == ("open", 1)
    assert resolution.state == "running"
    assert resolution.due_at == T0 + minutes(90 + 450)  # 30 counted before it was solved
    service.update(db, case=case, data=CaseUpdate(status="closed"), actor=personas.bob)
    with pytest.raises(Conflict, match="closed"):
        service.reply(db, case=case, data=again, actor=personas.bob)
    with pytest.raises(Conflict, match="closed"):
        service.update(db, case=case, data=CaseUpdate(priority="high"), actor=personas.bob)


def test_an_unknown_status_is_a_conflict(db: Session, personas: Any, desk: dict[str, Any]) -> None:
    case = _open(db, personas, desk, opened_at=T0)
    with pytest.raises(Conflict, match="unknown status"):
        service.update(db, case=case, data=CaseUpdate(status="archived"), actor=personas.bob)


def test_a_breached_target_stays_breached_when_answered_late(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    case = _open(db, personas, desk, opened_at=T0)
    assert _targets(db, case, T0 + minutes(61))["first_response"].state == "breached"
    late = ReplyCreate(body="Sorry for the wait")
    service.reply(db, case=case, data=late, actor=personas.bob, now=T0 + minutes(75))
    answered = _targets(db, case, T0 + minutes(76))["first_response"]
    assert (answered.state, answered.achieved_minutes) == ("breached", 75)
    assert answered.breached_at == T0 + minutes(60)


def test_a_priority_change_retargets_carrying_the_time_counted(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    urgent = _policy(
        db,
        personas,
        name="Urgent",
        position=1,
        conditions={"priority": "urgent"},
        first_response_minutes=45,
        resolution_minutes=120,
    )
    case = _open(db, personas, desk, opened_at=T0)
    raise_it = CaseUpdate(priority="urgent")
    service.update(db, case=case, data=raise_it, actor=personas.bob, now=T0 + minutes(30))
    targets = _targets(db, case, T0 + minutes(31))
    assert case.policy_id == urgent.id
    assert targets["first_response"].due_at == T0 + minutes(45)  # 30 counted, 15 left
    assert targets["resolution"].due_at == T0 + minutes(120)
    why = [e for e in service.history(db, case) if e.field == "policy_id"][-1]
    assert (why.old_value, why.new_value) == (str(desk["policy"].id), str(urgent.id))
    assert why.reason == "priority normal -> urgent"


def test_a_department_change_drops_the_old_departments_target(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    _policy(
        db,
        personas,
        name="Department A answers fast",
        position=1,
        conditions={"department_id": personas.bob.department_id},
        first_response_minutes=15,
        resolution_minutes=240,
    )
    _policy(
        db,
        personas,
        name="Department B resolves only",
        position=2,
        conditions={"department_id": personas.charlie.department_id},
        resolution_minutes=960,
    )
    case = _open(db, personas, desk, opened_at=T0, assignee_id=personas.bob.id)
    assert set(_targets(db, case, T0)) == {"first_response", "resolution"}
    move = CaseUpdate(department_id=personas.charlie.department_id)
    service.update(db, case=case, data=move, actor=personas.bob, now=T0 + minutes(10))
    targets = _targets(db, case, T0 + minutes(11))
    assert set(targets) == {"resolution"}  # the 15-minute first response went with A
    assert targets["resolution"].due_at == T0 + minutes(960)
    assert case.assignee_id is None  # Bob works in A


def test_platinum_customers_get_their_tiers_targets(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    platinum = _policy(
        db,
        personas,
        name="Platinum",
        position=1,
        conditions={"tier": "Platinum"},
        first_response_minutes=15,
    )
    run = _tiered(db, desk["customer"].id, "Platinum", day=1, key="k")
    vip = _open(db, personas, desk, opened_at=T0)
    assert (vip.tier, vip.policy_id) == ("Platinum", platinum.id)
    assert _targets(db, vip, T0)["first_response"].due_at == T0 + minutes(15)
    other = customers.create(db, data=CustomerCreate(name="Bronze Buyer"), actor=personas.bob)
    db.add(_scores(run.id, other.id, "Bronze"))
    db.flush()
    plain = service.create(
        db,
        data=CaseCreate(customer_id=other.id, subject="Invoice"),
        actor=personas.bob,
        now=T0,
    )
    assert (plain.tier, plain.policy_id) == ("Bronze", desk["policy"].id)


def _tiered(db: Session, customer_id: int, tier: str, *, day: int, key: str) -> AnalyticsRun:
    """A finished value run of 2026-03-`day` that puts the customer in `tier`."""
    run = AnalyticsRun(
        kind="value", as_of_date=date(2026, 3, day), params_key=key, status="done", params={}
    )
    db.add(run)
    db.flush()
    db.add(_scores(run.id, customer_id, tier))
    db.flush()
    return run


def _scores(run_id: int, customer_id: int, tier: str) -> CustomerValue:
    zeros = dict.fromkeys(
        ("orders_count", "frequency", "recency_days", "tenure_days", "days_since_last_order"), 1
    )
    money = dict.fromkeys(("revenue", "margin", "monetary_value", "cost_to_serve"), 1.0)
    return CustomerValue(
        run_id=run_id,
        customer_id=customer_id,
        as_of_date=date(2026, 3, 1),
        r_score=1,
        f_score=1,
        m_score=1,
        segment="Loyal",
        contacts_count=0,
        historic_profit=0.0,
        tier=tier,
        **zeros,
        **money,
    )


def test_a_case_opened_outside_working_time_counts_from_the_next_working_minute(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    office = calendars.create(
        db,
        data=CalendarCreate(
            name="Prague office",
            time_zone="Europe/Prague",
            hours={d: [["08:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
            holiday_country="CZ",
        ),
        actor=personas.admin,
    )
    _policy(
        db,
        personas,
        name="Office hours",
        position=1,
        calendar_id=office.id,
        first_response_minutes=60,
    )
    # Thursday 2 April 2026, 20:00 in Prague; Good Friday and Easter Monday are holidays.
    opened = datetime(2026, 4, 2, 18, 0, tzinfo=UTC)
    case = _open(db, personas, desk, opened_at=opened)
    due = _targets(db, case, opened)["first_response"].due_at
    assert due == datetime(2026, 4, 7, 7, 0, tzinfo=UTC)  # Tuesday 09:00 in Prague


def test_internal_requests_are_followed_by_the_requester_and_hidden_from_others(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    request = service.create(
        db,
        data=CaseCreate(
            requesting_department_id=personas.charlie.department_id,
            department_id=personas.bob.department_id,
            subject="Stock count for the Brno store",
        ),
        actor=personas.charlie,
        now=T0,
    )
    assert request.internal and request.customer_id is None
    assert service.get(db, request.id, actor=personas.charlie) is request
    staff = ReplyCreate(body="Counting tomorrow")
    service.reply(db, case=request, data=staff, actor=personas.bob, now=T0 + minutes(5))
    follow_up = ReplyCreate(body="We need it today", public=False)
    message = service.reply(
        db, case=request, data=follow_up, actor=personas.charlie, now=T0 + minutes(9)
    )
    assert message.from_customer and message.public  # the requester is the customer
    assert _targets(db, request, T0 + minutes(10))["next_response"].state == "running"
    with pytest.raises(PermissionDenied):
        service.update(db, case=request, data=CaseUpdate(priority="urgent"), actor=personas.charlie)
    external = _open(db, personas, desk, opened_at=T0)
    with pytest.raises(NotFound):
        service.get(db, external.id, actor=personas.charlie)


def test_a_new_value_analysis_re_evaluates_open_cases_whose_tier_changed(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    platinum = _policy(
        db,
        personas,
        name="Platinum",
        position=1,
        conditions={"tier": "Platinum"},
        first_response_minutes=15,
        resolution_minutes=120,
    )
    _tiered(db, desk["customer"].id, "Bronze", day=1, key="k1")
    case = _open(db, personas, desk, opened_at=T0)
    solved = _open(db, personas, desk, opened_at=T0)
    service.update(db, case=solved, data=CaseUpdate(status="solved"), actor=personas.bob, now=T0)
    assert (case.tier, case.policy_id) == ("Bronze", desk["policy"].id)
    # The next analysis finds the customer Platinum; 10 minutes of resolution were counted.
    _tiered(db, desk["customer"].id, "Platinum", day=2, key="k2")
    assert service.retier(db, now=T0 + minutes(10)) == 1
    assert (case.tier, case.policy_id) == ("Platinum", platinum.id)
    assert solved.tier == "Bronze"  # a solved case keeps the tier it was served under
    targets = _targets(db, case, T0 + minutes(10))
    assert targets["resolution"].due_at == T0 + minutes(120)  # counted time carried over
    assert targets["first_response"].due_at == T0 + minutes(15)
    reasons = {e.field: e.reason for e in service.history(db, case)}
    assert reasons["tier"] == "tier re-evaluated"
    assert reasons["policy_id"] == "tier Bronze -> Platinum"
    assert service.retier(db, now=T0 + minutes(11)) == 0  # nothing changed since


def test_a_finished_value_analysis_queues_the_re_evaluation(
    db: Session, personas: Any, desk: dict[str, Any], settings: Any
) -> None:
    value_service.analyze(db, as_of=date(2026, 3, 1), settings=settings)
    kinds = [job.kind for job in db.scalars(select(Job))]
    assert "cases.retier" in kinds


def test_a_clock_a_new_tier_adds_waits_like_the_others_and_no_caller_wait_starts(
    db: Session, personas: Any, desk: dict[str, Any]
) -> None:
    _tiered(db, desk["customer"].id, "Bronze", day=1, key="b")
    _policy(
        db,
        personas,
        name="Bronze",
        position=1,
        conditions={"tier": "Bronze"},
        resolution_minutes=2400,
    )
    _policy(
        db,
        personas,
        name="Platinum",
        position=2,
        conditions={"tier": "Platinum"},
        first_response_minutes=15,
        resolution_minutes=120,
        waiting_minutes=2,
    )
    db.flush()
    case = _open(db, personas, desk, opened_at=T0, channel="phone")
    assert set(_targets(db, case, T0)) == {"resolution"}
    waiting = CaseUpdate(status="waiting_on_customer")
    service.update(db, case=case, data=waiting, actor=personas.bob, now=T0 + minutes(5))
    _tiered(db, desk["customer"].id, "Platinum", day=2, key="p")
    assert service.retier(db, now=T0 + minutes(60)) == 1
    targets = _targets(db, case, T0 + minutes(61))
    assert "waiting" not in targets  # the call was an hour ago: no new wait to count
    assert targets["first_response"].state == "paused"  # the case waits on the customer
    assert targets["resolution"].state == "paused"
