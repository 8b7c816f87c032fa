"""How campaigns invite: the events they follow, the job that invites for one event, and
the batches an audience send or a daily run works through.

Every invitation goes through `service.invite`, so the fatigue rule, the survey's
cadence, one survey per case or contact, unsubscribes and the skip log apply unchanged.
Followers never invite inside the staff member's transaction: they queue a job in it (so
the job exists only if the change is saved), and the job invites.
"""

from __future__ import annotations

import builtins
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import service as cases
from centricity.cases.models import Case, CaseKind
from centricity.events import service as events
from centricity.events.models import Event, EventKind, EventStatus
from centricity.interactions import service as interactions
from centricity.interactions.models import Interaction
from centricity.jobs import service as jobs
from centricity.jobs.models import Job
from centricity.kit.errors import Conflict, NotFound
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow
from centricity.surveys import campaign_recipients, service
from centricity.surveys.campaign_models import SendBy, SurveyCampaign, Trigger
from centricity.surveys.models import Survey
from centricity.surveys.schemas import InvitationCreate

INVITE_JOB = "surveys.campaign_invite"
SEND_JOB = "surveys.campaign_send"
DAILY_JOB = "surveys.campaign_daily"
BATCH_SIZE = 200


def _active(session: Session, trigger: Trigger, department_id: int | None) -> list[SurveyCampaign]:
    query = select(SurveyCampaign).where(
        SurveyCampaign.trigger == trigger.value,
        SurveyCampaign.active.is_(True),
        (SurveyCampaign.department_id.is_(None)) | (SurveyCampaign.department_id == department_id),
    )
    return builtins.list(session.scalars(query.order_by(SurveyCampaign.id)))


def _queue(session: Session, campaign: SurveyCampaign, **about: int) -> None:
    run_at = utcnow() + timedelta(hours=campaign.delay_hours or 0)
    payload = {"campaign_id": campaign.id, **about}
    jobs.enqueue(session, kind=INVITE_JOB, payload=payload, run_at=run_at)


@cases.on_status_change_by
def case_solved(session: Session, case: Case, old: str, new: str, actor: User | None) -> None:
    """A customer's case solved (or closed) by a person queues an invitation for each
    matching case campaign; one the system closed is logged as skipped, never invited."""
    if new not in cases.CLOSED_STATES or old in cases.CLOSED_STATES:
        return
    if case.customer_id is None or case.kind != CaseKind.CASE.value:
        return
    for campaign in _active(session, Trigger.CASE_SOLVED, case.department_id):
        if campaign.channel and campaign.channel != case.channel:
            continue
        if actor is None:
            survey = session.get(Survey, campaign.survey_id)
            assert survey is not None
            about = InvitationCreate(customer_id=case.customer_id, case_id=case.id)
            reason = "automatic_close"
            service.skip(
                session,
                survey=survey,
                customer_id=case.customer_id,
                reason=reason,
                data=about,
                campaign_id=campaign.id,
            )
            continue
        _queue(session, campaign, customer_id=case.customer_id, case_id=case.id)


@interactions.on_create
def contact_logged(session: Session, contact: Interaction, actor: User) -> None:
    """A logged contact queues an invitation for each matching contact campaign."""
    del actor
    for campaign in _active(session, Trigger.CONTACT_LOGGED, contact.department_id):
        if campaign.channel and campaign.channel != contact.channel:
            continue
        _queue(session, campaign, customer_id=contact.customer_id, interaction_id=contact.id)


@events.on_status_change
def order_delivered(session: Session, event: Event, old: str, new: str) -> None:
    """A delivery marked done queues an invitation for each matching delivery campaign."""
    del old
    if event.kind != EventKind.DELIVERY.value or new != EventStatus.DONE.value:
        return
    for campaign in _active(session, Trigger.ORDER_DELIVERED, event.department_id):
        _queue(session, campaign, customer_id=event.customer_id)


def _invite(
    session: Session,
    campaign: SurveyCampaign,
    about: InvitationCreate,
    now: datetime,
) -> str | None:
    """Invite through the survey rules; the outcome ("invited" or the skip reason), or
    None when the customer is gone (erased or deleted: nothing to log about them)."""
    survey = session.get(Survey, campaign.survey_id)
    assert survey is not None
    data = about.model_copy(update={"send": campaign.send == SendBy.EMAIL.value})
    if not campaign.active:
        service.skip(
            session,
            survey=survey,
            customer_id=data.customer_id,
            reason="paused",
            data=data,
            campaign_id=campaign.id,
        )
        return "paused"
    try:
        outcome = service.invite(
            session, survey=survey, data=data, actor=None, now=now, campaign_id=campaign.id
        )
    except NotFound:
        return None
    return outcome.reason if isinstance(outcome, service.Skipped) else "invited"


def invite_for_event(
    session: Session, *, campaign_id: int, about: InvitationCreate, now: datetime | None = None
) -> str | None:
    """The job of one event: invite its customer for the campaign (or log why not)."""
    campaign = session.get(SurveyCampaign, campaign_id)
    if campaign is None:
        return None
    return _invite(session, campaign, about, now or utcnow())


@dataclass
class SendReport:
    """What one pass over a campaign's audience did."""

    invited: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    gone: int = 0
    waiting: int = 0

    def add(self, other: SendReport) -> None:
        """Add another batch's counts (the waiting count is the latest one)."""
        self.invited += other.invited
        self.skipped.update(other.skipped)
        self.gone += other.gone
        self.waiting = other.waiting


def send_batch(
    session: Session, campaign: SurveyCampaign, *, now: datetime | None = None
) -> SendReport:
    """Invite the next BATCH_SIZE customers the campaign has taken on; each is marked
    with its outcome in the same transaction, so a crash redoes the batch, never half."""
    now = now or utcnow()
    report = SendReport()
    for recipient in campaign_recipients.waiting(session, campaign.id, BATCH_SIZE):
        outcome = _invite(
            session, campaign, InvitationCreate(customer_id=recipient.customer_id), now
        )
        recipient.outcome, recipient.done_at = outcome or "gone", now
        if outcome == "invited":
            report.invited += 1
        elif outcome is None:
            report.gone += 1
        else:
            report.skipped[outcome] += 1
    session.flush()
    report.waiting = campaign_recipients.waiting_count(session, campaign.id)
    return report


def start_send(session: Session, campaign: SurveyCampaign) -> Job:
    """Queue an audience send (the actor's right to it is checked by the caller); the job
    takes on the audience and works through it in batches."""
    check_sendable(campaign)
    return jobs.enqueue(session, kind=SEND_JOB, payload={"campaign_id": campaign.id})


def check_sendable(campaign: SurveyCampaign) -> None:
    """Refuse to send an event campaign (its events send it) or a paused one."""
    if campaign.trigger != Trigger.AUDIENCE.value:
        raise Conflict(lazy("only an audience campaign is sent by hand"), field="trigger")
    if not campaign.active:
        raise Conflict(lazy("the campaign is paused; activate it first"), field="active")


def send_step(session: Session, *, campaign_id: int, filled: bool) -> SendReport | None:
    """One job of a send: take on the audience (first step only), invite one batch, and
    queue the next step while customers wait; a paused campaign stops where it is."""
    campaign = session.get(SurveyCampaign, campaign_id)
    if campaign is None or not campaign.active:
        return None
    if not filled:
        campaign_recipients.fill_audience(session, campaign)
    report = send_batch(session, campaign)
    if report.waiting:
        payload = {"campaign_id": campaign.id, "filled": True}
        jobs.enqueue(session, kind=SEND_JOB, payload=payload)
    return report


def run_daily(session: Session, *, now: datetime | None = None) -> SendReport:
    """Every active days-after-first-purchase campaign: take on the customers whose day
    has come (or came within the catch-up window) and invite them."""
    now = now or utcnow()
    total = SendReport()
    for campaign in _active_daily(session):
        campaign_recipients.fill_first_purchase(session, campaign, now)
        while True:
            report = send_batch(session, campaign, now=now)
            total.add(report)
            if not report.waiting:
                break
    return total


def _active_daily(session: Session) -> list[SurveyCampaign]:
    query = select(SurveyCampaign).where(
        SurveyCampaign.trigger == Trigger.DAYS_AFTER_FIRST_PURCHASE.value,
        SurveyCampaign.active.is_(True),
    )
    return builtins.list(session.scalars(query.order_by(SurveyCampaign.id)))
