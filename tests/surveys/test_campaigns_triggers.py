"""Campaign triggers end to end: a case solved by a person invites (with the campaign),
one closed by the system is logged as skipped, a logged contact and a done delivery
invite, and the days-after-first-purchase run invites each customer once however often
it runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaign_helpers import invitations, make_campaign, run_survey_jobs, skips
from centricity.cases import service as cases
from centricity.cases.schemas import CaseCreate, CaseUpdate
from centricity.events import service as events
from centricity.events.models import EventKind
from centricity.events.schemas import EventCreate, EventUpdate
from centricity.jobs.models import Job
from centricity.notifications.models import OutboxMessage
from centricity.orders import service as orders
from centricity.orders.schemas import OrderCreate
from centricity.surveys import campaign_runs
from centricity.surveys.campaign_models import SurveyCampaignRecipient
from survey_helpers import make_customer, make_survey


def _case(db: Session, personas: Any, customer_id: int, **fields: Any) -> Any:
    data = CaseCreate(customer_id=customer_id, subject="Broken kettle", **fields)
    case = cases.create(db, data=data, actor=personas.bob)
    db.commit()
    return case


def test_it_invites_for_a_case_a_person_solved(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice, kind="csat", name="Case CSAT")
    campaign = make_campaign(anon, alice, survey_id)
    customer_id = make_customer(db, email="anna@example.pl", preferred_language="pl")
    case = _case(db, personas, customer_id)
    cases.update(db, case=case, data=CaseUpdate(status="solved"), actor=personas.bob)
    db.commit()
    assert invitations(db, campaign["id"]) == []  # not in the agent's transaction: a job
    assert run_survey_jobs(db) == ["surveys.campaign_invite"]
    [invited] = invitations(db, campaign["id"])
    assert invited.case_id == case.id and invited.customer_id == customer_id
    assert invited.channel == "email" and invited.sent_at is not None
    to = db.scalars(select(OutboxMessage.to_address)).all()
    assert "anna@example.pl" in to
    # Reopened and solved again: one survey per case, the second refusal logged.
    cases.update(db, case=case, data=CaseUpdate(status="open"), actor=personas.bob)
    cases.update(db, case=case, data=CaseUpdate(status="solved"), actor=personas.bob)
    db.commit()
    run_survey_jobs(db)
    assert len(invitations(db, campaign["id"])) == 1
    assert skips(db, campaign["id"]) == ["duplicate"]


def test_it_logs_a_skip_for_a_case_the_system_closed_and_never_invites(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    campaign = make_campaign(anon, alice, make_survey(anon, alice, kind="csat"))
    customer_id = make_customer(db, email="jan@example.cz")
    case = _case(db, personas, customer_id)
    cases.update(db, case=case, data=CaseUpdate(status="closed"), actor=None)
    db.commit()
    assert run_survey_jobs(db) == []
    assert invitations(db, campaign["id"]) == []
    assert skips(db, campaign["id"]) == ["automatic_close"]


def test_it_follows_only_cases_of_its_department_and_channel(
    db: Session, anon: TestClient, personas: Any, token_for: Any, monkeypatch: Any, settings: Any
) -> None:
    monkeypatch.setenv("CENTRICITY_SURVEY_FATIGUE_DAYS", "0")
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice, kind="csat")
    campaign = make_campaign(
        anon, alice, survey_id, department_id=personas.alice.department_id, channel="phone"
    )
    customer_id = make_customer(db, email="eva@example.cz")
    by_mail = _case(db, personas, customer_id, channel="email")
    by_phone = _case(db, personas, customer_id, channel="phone")
    for case in (by_mail, by_phone):
        cases.update(db, case=case, data=CaseUpdate(status="solved"), actor=personas.bob)
    db.commit()
    run_survey_jobs(db)
    assert [i.case_id for i in invitations(db, campaign["id"])] == [by_phone.id]


def test_it_invites_for_a_logged_contact_of_its_channel(
    db: Session, anon: TestClient, personas: Any, token_for: Any, monkeypatch: Any, settings: Any
) -> None:
    monkeypatch.setenv("CENTRICITY_SURVEY_FATIGUE_DAYS", "0")
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    survey_id = make_survey(anon, alice)
    campaign = make_campaign(
        anon, alice, survey_id, trigger="contact_logged", channel="phone", send="link"
    )
    customer_id = make_customer(db)
    ids = []
    for channel in ("email", "phone"):
        body = {
            "customer_id": customer_id,
            "channel": channel,
            "direction": "inbound",
            "started_at": "2026-03-01T10:00:00Z",
            "note": "Asked about delivery",
        }
        response = anon.post("/api/v1/interactions", json=body, headers=bob)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    run_survey_jobs(db)
    [invited] = invitations(db, campaign["id"])
    assert invited.interaction_id == ids[1] and invited.channel == "link"


def test_it_invites_when_a_delivery_is_done(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    campaign = make_campaign(
        anon, alice, make_survey(anon, alice, kind="ces"), trigger="order_delivered"
    )
    customer_id = make_customer(db, email="petr@example.cz")
    data = EventCreate(
        customer_id=customer_id,
        kind="delivery",
        starts_at=datetime(2031, 1, 1, 10, tzinfo=UTC),
        department_id=personas.bob.department_id,
    )
    as_visit = data.model_copy(update={"kind": EventKind.VISIT})
    visit = events.create(db, data=as_visit, actor=personas.bob)
    delivery = events.create(db, data=data, actor=personas.bob)
    db.commit()
    events.update(db, event=visit, data=EventUpdate(status="done"), actor=personas.bob)
    events.update(db, event=delivery, data=EventUpdate(status="cancelled"), actor=personas.bob)
    db.commit()
    assert run_survey_jobs(db) == []  # a visit and a cancelled delivery ask nothing
    second = events.create(db, data=data, actor=personas.bob)
    events.update(db, event=second, data=EventUpdate(status="done"), actor=personas.bob)
    db.commit()
    assert run_survey_jobs(db) == ["surveys.campaign_invite"]
    assert [i.customer_id for i in invitations(db, campaign["id"])] == [customer_id]


def test_it_waits_the_campaign_delay_before_inviting(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    campaign = make_campaign(anon, alice, make_survey(anon, alice, kind="csat"), delay_hours=24)
    case = _case(db, personas, make_customer(db, email="ola@example.pl"))
    cases.update(db, case=case, data=CaseUpdate(status="solved"), actor=personas.bob)
    db.commit()
    job = db.scalar(select(Job).where(Job.kind == campaign_runs.INVITE_JOB))
    assert job is not None and job.payload["campaign_id"] == campaign["id"]
    assert job.run_at > datetime.now(UTC) + timedelta(hours=23)


def _order(db: Session, customer_id: int, at: datetime, status: str = "completed") -> None:
    data = OrderCreate(
        customer_id=customer_id,
        ordered_at=at,
        currency="EUR",
        total_amount=Decimal("10.00"),
        status=status,
    )
    orders.create(db, data=data, actor=None)


def test_it_invites_n_days_after_the_first_purchase_once_however_often_it_runs(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice, name="First order NPS")
    campaign = make_campaign(
        anon, alice, survey_id, trigger="days_after_first_purchase", days=7, send="link"
    )
    now = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    due, missed, early, old, cancelled = (
        make_customer(db, name) for name in ("Due", "Missed", "Early", "Old", "Cancelled")
    )
    _order(db, due, now - timedelta(days=7, hours=1))
    _order(db, due, now - timedelta(days=1))  # a later order does not move the first
    _order(db, missed, now - timedelta(days=10))  # a missed day, caught up
    _order(db, early, now - timedelta(days=6))
    _order(db, old, now - timedelta(days=40))
    _order(db, cancelled, now - timedelta(days=8), status="cancelled")
    db.commit()
    first = campaign_runs.run_daily(db, now=now)
    db.commit()
    again = campaign_runs.run_daily(db, now=now + timedelta(hours=1))
    db.commit()
    assert first.invited == 2 and again.invited == 0
    invited = {i.customer_id for i in invitations(db, campaign["id"])}
    assert invited == {due, missed}
    later = campaign_runs.run_daily(db, now=now + timedelta(days=1))
    db.commit()
    assert later.invited == 1
    assert {i.customer_id for i in invitations(db, campaign["id"])} == {due, missed, early}


def test_a_second_recipient_row_is_refused_by_the_store(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    campaign = make_campaign(
        anon, alice, make_survey(anon, alice), trigger="days_after_first_purchase", days=3
    )
    customer_id = make_customer(db)
    db.add(SurveyCampaignRecipient(campaign_id=campaign["id"], customer_id=customer_id))
    db.flush()
    db.add(SurveyCampaignRecipient(campaign_id=campaign["id"], customer_id=customer_id))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()
