"""The notices before an event: planned when the event is booked (or a rule added), moved
with it, withdrawn when it is cancelled, given by the `events.notify` job.

Each (event, rule) has one `event_notices` row, inserted with INSERT … ON CONFLICT DO
NOTHING, so a task is opened and a reminder queued once, however many workers plan or
re-run at the same time. A task is opened at once, in the rule's department's queue, with
its first response due at the notice's time; a reminder e-mail waits for its time and is
claimed by one conditional UPDATE before it is written to the outbox (`reminders.py`).

Times: `due_at` steps back the whole days of `minutes_before` on the event's own clock
(1440 minutes before 09:00 is 09:00 the day before, also across a DST change), then the
rest in elapsed minutes (60 minutes before 03:30 on the morning the clocks go forward is
01:30, one real hour earlier).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.models import Case, CaseKind, CaseMessage
from centricity.cases.schemas import CaseUpdate
from centricity.config import Settings, get_settings
from centricity.customers.models import Customer
from centricity.db import insert_or_ignore
from centricity.events import reminders
from centricity.events.models import (
    ACTIVE_STATUSES,
    Event,
    EventNotice,
    EventStatus,
    NoticeAction,
    NoticeRule,
    NoticeState,
)
from centricity.interactions.models import Direction, Interaction
from centricity.kit import i18n, localeformat
from centricity.kit.i18n import noop
from centricity.notifications.models import MailStatus, OutboxMessage

MINUTES_PER_DAY = 24 * 60
BATCH = 500
SOURCE = "notice rule"
PENDING, DONE = NoticeState.PENDING.value, NoticeState.DONE.value
WITHDRAWN, SKIPPED = NoticeState.WITHDRAWN.value, NoticeState.SKIPPED.value
# Notices that a new time gives another chance (nothing reached the customer yet).
REARMED_REASONS = ("too_late", "customer_replied")

TASK_SUBJECTS = {
    "delivery": noop("Phone the customer before the delivery"),
    "visit": noop("Phone the customer before the visit"),
    "appointment": noop("Phone the customer before the appointment"),
    "service": noop("Phone the customer before the service visit"),
}
TASK_WHEN = noop("Starts: %(when)s (%(zone)s)")
TASK_PLACE = noop("Place: %(place)s")
TASK_LINK = noop("Event: %(link)s")
TASK_MOVED = noop("The event moved to %(when)s; the call is now due at %(due)s.")
TASK_WITHDRAWN = noop("No call needed any more: %(reason)s.")


def due_at(starts_at: datetime, time_zone: str, minutes_before: int) -> datetime:
    """When a notice `minutes_before` an event is due, in UTC (see the module docstring).
    A wall time the clocks skip reads in the offset before the change (it falls later);
    one they repeat is its first occurrence."""
    zone = ZoneInfo(time_zone)
    days, rest = divmod(minutes_before, MINUTES_PER_DAY)
    wall = starts_at.astimezone(zone).replace(tzinfo=None) - timedelta(days=days)
    return wall.replace(tzinfo=zone).astimezone(UTC) - timedelta(minutes=rest)


def rules_for(session: Session, event: Event) -> list[NoticeRule]:
    """The active rules of the event's department for its kind."""
    query = select(NoticeRule).where(
        NoticeRule.department_id == event.department_id,
        NoticeRule.event_kind == event.kind,
        NoticeRule.is_active.is_(True),
    )
    return list(session.scalars(query.order_by(NoticeRule.id)))


def sync(session: Session, event: Event, *, now: datetime) -> None:
    """Make the event's notices agree with it: a cancelled or done event withdraws the
    ones not given yet; a moved one moves them; a rule without a notice gets one while
    the event is ahead."""
    existing = {
        n.rule_id: n
        for n in session.scalars(select(EventNotice).where(EventNotice.event_id == event.id))
    }
    if not event.active:
        reason = "cancelled" if event.status == EventStatus.CANCELLED.value else "event_done"
        for given in existing.values():
            withdraw(session, given, reason=reason, now=now)
        session.flush()
        return
    rules = rules_for(session, event)
    for rule_id, given in existing.items():
        if rule_id not in {rule.id for rule in rules}:
            withdraw(session, given, reason="rule_removed", now=now)
    for rule in rules:
        due = due_at(event.starts_at, event.time_zone, rule.minutes_before)
        notice = existing.get(rule.id)
        if notice is None:
            if event.starts_at > now:
                plan(session, event, rule, now=now)
        elif notice.due_at != due:
            reschedule(session, notice, event, due=due, now=now)
    session.flush()


def plan(session: Session, event: Event, rule: NoticeRule, *, now: datetime) -> EventNotice | None:
    """Insert the rule's notice of the event unless it exists (None then), and open its
    task: the store's uniqueness constraint decides, not a read before the write."""
    due = due_at(event.starts_at, event.time_zone, rule.minutes_before)
    values = {
        "event_id": event.id,
        "rule_id": rule.id,
        "action": rule.action,
        "state": PENDING,
        "due_at": due,
        "created_at": now,
        "updated_at": now,
    }
    statement = insert_or_ignore(session, EventNotice, values, unique=["event_id", "rule_id"])
    new_id = session.scalar(statement.returning(EventNotice.id))
    if new_id is None:
        return None
    notice = session.get(EventNotice, new_id)
    assert notice is not None
    if notice.action == NoticeAction.TASK.value:
        _open_task(session, notice, event, now=now)
    return notice


def _default_locale(event: Event) -> i18n.ViewerLocale:
    """Texts the system stores for staff: the installation's language, the event's clock."""
    settings = get_settings()
    language = i18n.supported(settings.default_language) or i18n.SOURCE_LANGUAGE
    return i18n.ViewerLocale(language=language, time_zone=event.time_zone)


def _open_task(session: Session, notice: EventNotice, event: Event, *, now: datetime) -> None:
    with i18n.use_locale(_default_locale(event)):
        subject = i18n.gettext(TASK_SUBJECTS[event.kind])
        lines = [i18n.gettext(TASK_WHEN) % {
            "when": localeformat.datetime_text(event.starts_at), "zone": event.time_zone
        }]  # fmt: skip
        if event.place:
            lines.append(i18n.gettext(TASK_PLACE) % {"place": event.place})
        if event.note:
            lines.append(event.note)
        lines.append(i18n.gettext(TASK_LINK) % {"link": f"/events/{event.id}"})
    task = cases.open_task(
        session,
        customer_id=event.customer_id,
        subject=subject,
        description="\n\n".join(lines),
        department_id=event.department_id,
        due_at=notice.due_at,
        now=now,
        source=SOURCE,
    )
    notice.case_id = task.id
    notice.updated_at = now


def reschedule(
    session: Session, notice: EventNotice, event: Event, *, due: datetime, now: datetime
) -> None:
    """Give a notice its new time: a pending one (the open task's call, an e-mail still
    waiting) moves; a reminder in the outbox but not sent comes out and waits again; one
    withdrawn because the customer replied, or skipped as too late, gets another chance.
    A notice already given stays given."""
    if notice.state == PENDING:
        notice.due_at = due
        if notice.action == NoticeAction.TASK.value:
            _move_task(session, notice, event, now=now)
    elif notice.state == DONE and notice.action == NoticeAction.EMAIL.value:
        if _unsend(session, notice):
            _rearm(session, notice, event, due=due, now=now)
    elif notice.state in (WITHDRAWN, SKIPPED) and notice.reason in REARMED_REASONS:
        if event.starts_at > now:
            _rearm(session, notice, event, due=due, now=now)
    notice.updated_at = now


def _rearm(
    session: Session, notice: EventNotice, event: Event, *, due: datetime, now: datetime
) -> None:
    notice.state, notice.reason, notice.done_at = PENDING, None, None
    notice.due_at, notice.outbox_message_id = due, None
    if notice.action == NoticeAction.TASK.value:
        _open_task(session, notice, event, now=now)


def _move_task(session: Session, notice: EventNotice, event: Event, *, now: datetime) -> None:
    task = session.get(Case, notice.case_id) if notice.case_id else None
    if task is None or task.status in cases.CLOSED_STATES:
        return
    cases.set_first_response_due(
        session, case=task, due_at=notice.due_at, now=now, reason="event moved"
    )
    with i18n.use_locale(_default_locale(event)):
        body = i18n.gettext(TASK_MOVED) % {
            "when": localeformat.datetime_text(event.starts_at),
            "due": localeformat.datetime_text(notice.due_at),
        }
    cases.system_note(session, case=task, body=body, now=now, source=SOURCE)


def withdraw(session: Session, notice: EventNotice, *, reason: str, now: datetime) -> bool:
    """Withdraw a notice not given yet: a pending e-mail is not sent, one in the outbox
    but unsent comes out, an open task is closed with a note saying why. Returns whether
    anything was withdrawn (a given notice stays given)."""
    if notice.state == DONE and notice.action == NoticeAction.EMAIL.value:
        if not _unsend(session, notice):
            return False
    elif notice.state != PENDING:
        return False
    notice.state, notice.reason, notice.updated_at = WITHDRAWN, reason, now
    task = session.get(Case, notice.case_id) if notice.case_id else None
    if task is not None and task.status not in cases.CLOSED_STATES:
        with i18n.use_locale(i18n.ViewerLocale(language=_default_locale_language())):
            body = i18n.gettext(TASK_WITHDRAWN) % {
                "reason": i18n.label_for("notice reason", reason)
            }
        cases.system_note(session, case=task, body=body, now=now, source=SOURCE)
        cases.update(
            session,
            case=task,
            data=CaseUpdate(status="closed"),
            actor=None,
            now=now,
            reason=f"notice withdrawn: {reason}",
        )
    return True


def _default_locale_language() -> str:
    return i18n.supported(get_settings().default_language) or i18n.SOURCE_LANGUAGE


def _unsend(session: Session, notice: EventNotice) -> bool:
    """Take a reminder out of the outbox if it has not left yet (the conditional delete
    loses to a send job that claimed it first)."""
    if notice.outbox_message_id is None:
        return False
    gone = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.id == notice.outbox_message_id,
            OutboxMessage.status == MailStatus.QUEUED.value,
        )
    )
    if int(getattr(gone, "rowcount", 0) or 0) != 1:
        return False
    notice.outbox_message_id = None
    return True


@cases.on_status_change
def task_status_changed(session: Session, case: Case, old: str, new: str) -> None:
    """A notice task solved or closed by staff is a notice given; reopened, it is not."""
    del old
    if case.kind != CaseKind.TASK.value:
        return
    notice = session.scalar(select(EventNotice).where(EventNotice.case_id == case.id))
    if notice is None:
        return
    if new in cases.CLOSED_STATES and notice.state == PENDING:
        notice.state = DONE
        notice.done_at = case.solved_at or case.closed_at or case.updated_at
    elif new not in cases.CLOSED_STATES and notice.state == DONE:
        notice.state, notice.done_at = PENDING, None


# --- what the `events.notify` job does --------------------------------------------------


def plan_missing(session: Session, *, now: datetime, rule_id: int | None = None) -> int:
    """Plan the notices that upcoming events lack (a rule added after they were booked, an
    imported event), a batch at a time; returns how many were planned."""
    query = (
        select(Event, NoticeRule)
        .join(
            NoticeRule,
            and_(
                NoticeRule.department_id == Event.department_id,
                NoticeRule.event_kind == Event.kind,
                NoticeRule.is_active.is_(True),
            ),
        )
        .outerjoin(
            EventNotice,
            and_(EventNotice.event_id == Event.id, EventNotice.rule_id == NoticeRule.id),
        )
        .where(
            EventNotice.id.is_(None),
            Event.status.in_(ACTIVE_STATUSES),
            Event.starts_at > now,
        )
        .order_by(Event.starts_at, Event.id, NoticeRule.id)
        .limit(BATCH)
    )
    if rule_id is not None:
        query = query.where(NoticeRule.id == rule_id)
    planned = 0
    for event, rule in session.execute(query).all():
        planned += plan(session, event, rule, now=now) is not None
    return planned


def replied() -> ColumnElement[bool]:
    """The event's customer wrote or called after the time was agreed: a message on a
    case, a case their mail opened, or an inbound contact in the log."""
    after = Event.booked_at
    wrote = (
        select(CaseMessage.id)
        .join(Case, Case.id == CaseMessage.case_id)
        .where(
            Case.customer_id == Event.customer_id,
            CaseMessage.from_customer.is_(True),
            CaseMessage.created_at > after,
        )
        .exists()
    )
    opened = (
        select(Case.id)
        .where(
            Case.customer_id == Event.customer_id,
            Case.kind == CaseKind.CASE.value,
            Case.created_by_user_id.is_(None),
            Case.opened_at > after,
        )
        .exists()
    )
    contacted = (
        select(Interaction.id)
        .where(
            Interaction.customer_id == Event.customer_id,
            Interaction.direction == Direction.INBOUND.value,
            Interaction.started_at > after,
        )
        .exists()
    )
    return or_(wrote, opened, contacted)


def withdraw_replied(session: Session, *, now: datetime) -> int:
    """Withdraw the pending notices of rules that a customer's reply cancels, where the
    customer has replied since the time was agreed; other rules' notices stay."""
    query = (
        select(EventNotice)
        .join(Event, Event.id == EventNotice.event_id)
        .join(NoticeRule, NoticeRule.id == EventNotice.rule_id)
        .where(
            EventNotice.state == PENDING,
            NoticeRule.cancel_on_reply.is_(True),
            Event.status.in_(ACTIVE_STATUSES),
            replied(),
        )
        .order_by(EventNotice.id)
        .limit(BATCH)
    )
    notices = list(session.scalars(query))
    for notice in notices:
        withdraw(session, notice, reason="customer_replied", now=now)
    return len(notices)


def deliver_due(session: Session, *, now: datetime, settings: Settings) -> int:
    """Write each reminder e-mail that is due to the outbox, once: each is claimed by a
    conditional UPDATE (a second worker, or a re-run, claims nothing). A reminder whose
    event has begun, or whose customer has no address, is skipped with the reason."""
    due = session.scalars(
        select(EventNotice.id)
        .where(
            EventNotice.state == PENDING,
            EventNotice.action == NoticeAction.EMAIL.value,
            EventNotice.due_at <= now,
        )
        .order_by(EventNotice.due_at, EventNotice.id)
        .limit(BATCH)
    ).all()
    queued = 0
    for notice_id in due:
        claimed = session.execute(
            update(EventNotice)
            .where(EventNotice.id == notice_id, EventNotice.state == PENDING)
            .values(state=DONE, done_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if int(getattr(claimed, "rowcount", 0) or 0) != 1:
            continue
        notice = session.get(EventNotice, notice_id, populate_existing=True)
        assert notice is not None
        queued += _give_reminder(session, notice, now=now, settings=settings)
    return queued


def _give_reminder(
    session: Session, notice: EventNotice, *, now: datetime, settings: Settings
) -> bool:
    event = session.get(Event, notice.event_id)
    customer = session.get(Customer, event.customer_id) if event is not None else None
    if event is None or customer is None or not event.active:
        notice.state, notice.reason, notice.done_at = WITHDRAWN, "cancelled", None
        return False
    if event.starts_at <= now:
        notice.state, notice.reason, notice.done_at = SKIPPED, "too_late", None
        return False
    message = reminders.queue(session, event, customer, notice, now=now, settings=settings)
    if message is None:
        notice.state, notice.reason, notice.done_at = SKIPPED, "no_email", None
        return False
    notice.outbox_message_id = message.id
    return True


def run(session: Session, *, now: datetime, settings: Settings) -> dict[str, int]:
    """One run of the `events.notify` job: plan what is missing, withdraw what a reply
    cancels, queue the reminders that are due."""
    return {
        "planned": plan_missing(session, now=now),
        "withdrawn": withdraw_replied(session, now=now),
        "queued": deliver_due(session, now=now, settings=settings),
    }
