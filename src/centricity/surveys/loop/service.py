"""Closing the loop on a follow-up task: its record, the rule that a person closes it
only with an outcome and a root cause, the first close kept for time to close, and the
close action that records both and solves the task in one step.

The rule is a `cases.service.before_status_change` guard, so it holds for every way a
person changes a status (the API, the case page, the bulk edit); the system (an answered
call, a merge) is not stopped. A reopen empties the outcome and cause, so the next close
needs them again, but keeps the first close time: a reopen does not reset time to close.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.cases import service as cases
from centricity.cases.models import Case, Status
from centricity.cases.schemas import CaseUpdate
from centricity.kit.errors import Conflict, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow
from centricity.surveys.loop import recovery, root_causes
from centricity.surveys.loop.models import RECOVERY_OUTCOMES, FollowUp
from centricity.surveys.loop.schemas import FollowUpClose
from centricity.surveys.models import SurveyResponse

CLOSED = cases.CLOSED_STATES


def opened(session: Session, *, task: Case, response: SurveyResponse) -> FollowUp:
    """Start the record of a follow-up task just opened for an unhappy answer."""
    record = FollowUp(
        case_id=task.id,
        response_id=response.id,
        survey_id=response.survey_id,
        opened_at=task.opened_at,
    )
    session.add(record)
    session.flush()
    return record


def record_for(session: Session, case: Case) -> FollowUp | None:
    """The follow-up record of a case, None when the case is no follow-up task. A task
    opened before the records existed and missed by the migration gets one now."""
    record = session.scalar(select(FollowUp).where(FollowUp.case_id == case.id))
    if record is not None:
        return record
    response = session.scalar(
        select(SurveyResponse).where(SurveyResponse.follow_up_case_id == case.id).limit(1)
    )
    if response is None:
        return None
    record = opened(session, task=case, response=response)
    if case.status in CLOSED:
        record.first_closed_at = case.solved_at or case.closed_at
    return record


def get(session: Session, case_id: int, *, actor: User) -> tuple[Case, FollowUp]:
    """A follow-up task the actor may see with its record (another department's task, or
    a case that is no follow-up, is not found)."""
    case = cases.get(session, case_id, actor=actor)
    record = record_for(session, case)
    if record is None:
        raise NotFound(lazy("this case is not a follow-up task"))
    return case, record


@cases.before_status_change
def require_outcome(session: Session, case: Case, old: str, new: str, actor: User | None) -> None:
    """Refuse a person's close of a follow-up task without its outcome and root cause."""
    if actor is None or new not in CLOSED or old in CLOSED:
        return
    record = record_for(session, case)
    if record is not None and (record.outcome is None or record.root_cause_id is None):
        raise Conflict(
            lazy(
                "Record the outcome and the root cause before closing this follow-up "
                "(use the close form of the follow-up)."
            ),
            field="status",
        )


@cases.on_status_change_by
def keep_first_close(session: Session, case: Case, old: str, new: str, actor: User | None) -> None:
    """Keep the first close time; a reopen empties the outcome so it is asked again."""
    del actor
    if (new in CLOSED) == (old in CLOSED):
        return
    record = record_for(session, case)
    if record is None:
        return
    if new in CLOSED and record.first_closed_at is None:
        record.first_closed_at = case.closed_at if new == Status.CLOSED.value else case.solved_at
    elif new not in CLOSED:
        record.outcome = None
        record.root_cause_id = None
    session.flush()


def close(
    session: Session,
    *,
    case_id: int,
    data: FollowUpClose,
    actor: User,
    now: datetime | None = None,
) -> FollowUp:
    """Record the outcome and root cause and solve the task in one step; a customer who
    was reached or whose concern was resolved gets the recovery question."""
    now = now or utcnow()
    case, record = get(session, case_id, actor=actor)
    if not cases.can_manage(case, actor):
        raise PermissionDenied(lazy("only the owning department works this case"))
    if case.status == Status.CLOSED.value:
        raise Conflict(lazy("the case is closed; open a new case"), field="status")
    root_causes.offered(session, data.root_cause_id)
    record.outcome = data.outcome
    record.root_cause_id = data.root_cause_id
    record.note = (data.note or "").strip() or None
    record.closed_by_user_id = actor.id
    record.recorded_at = now
    session.flush()
    if case.status != Status.SOLVED.value:
        cases.update(session, case=case, data=CaseUpdate(status="solved"), actor=actor, now=now)
    audit.record(
        session,
        actor=actor,
        action="follow_up.close",
        entity=("case", case.id),
        details={"outcome": data.outcome, "root_cause_id": data.root_cause_id},
    )
    if data.outcome in RECOVERY_OUTCOMES:
        recovery.ask(session, record=record, case=case, now=now)
    return record
