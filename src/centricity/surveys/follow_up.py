"""The closed loop: an unhappy answer (NPS 0–6, CSAT 1–2, CES 5–7) opens a follow-up
task for the department that owns what the survey was about, with its due times from the
SLA policies (a policy may match the `follow-up` tag), so somebody answers every unhappy
customer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department
from centricity.accounts.service import get_or_create_department
from centricity.cases import service as cases
from centricity.cases.models import Case, CaseKind, Priority
from centricity.config import current_settings
from centricity.interactions.models import Channel, Interaction
from centricity.surveys.loop import recovery as loop_recovery
from centricity.surveys.loop import service as loop_service
from centricity.surveys.models import Survey, SurveyInvitation, SurveyResponse

SOURCE = "survey"
TAGS = ["follow-up", "survey"]
FALLBACK_DEPARTMENT = "Customer Service"


def unhappy(kind: str, score: float | None) -> bool:
    """Tell whether an answer asks for a follow-up: an NPS detractor (0–6), a dissatisfied
    CSAT (1–2) or a high-effort CES (5–7)."""
    if score is None:
        return False
    return (
        (kind == "nps" and score <= 6)
        or (kind == "csat" and score <= 2)
        or (kind == "ces" and score >= 5)
    )


def department_for(session: Session, survey: Survey, invitation: SurveyInvitation) -> int:
    """Who follows up: the department of the case or contact the survey was about, else
    `CENTRICITY_SURVEY_FOLLOW_UP_DEPARTMENT`, else the survey's, else the first one."""
    for model, record_id in ((Case, invitation.case_id), (Interaction, invitation.interaction_id)):
        if record_id is not None:
            owner = session.scalar(select(model.department_id).where(model.id == record_id))
            if owner is not None:
                return int(owner)
    name = current_settings().survey_follow_up_department.strip()
    if name:
        return get_or_create_department(session, name).id
    if survey.department_id is not None:
        return survey.department_id
    first = session.scalar(select(func.min(Department.id)))
    if first is not None:
        return int(first)
    return get_or_create_department(session, FALLBACK_DEPARTMENT).id


def after_finish(
    session: Session,
    survey: Survey,
    invitation: SurveyInvitation,
    response: SurveyResponse,
    *,
    now: datetime,
) -> Case | None:
    """Open the follow-up task of an unhappy finished answer (once: the response keeps
    its task); a happy or score-less answer needs none. An answer to a recovery question
    goes back to its own task (a "no" reopens it), never to a second one."""
    if loop_recovery.answered(session, survey, invitation, response, now=now):
        return None
    if response.follow_up_case_id is not None or not unhappy(survey.kind, response.score):
        return None
    score = int(response.score) if response.score is not None else 0
    subject = f"Follow up: {survey.kind.upper()} {score} in survey \u201c{survey.name}\u201d"
    task = cases.open_for_customer(
        session,
        customer_id=invitation.customer_id,
        subject=subject,
        description=response.comment or "",
        channel=Channel.OTHER,
        priority=Priority.HIGH,
        department_id=department_for(session, survey, invitation),
        now=now,
        source=SOURCE,
        kind=CaseKind.TASK,
        tags=list(TAGS),
    )
    response.follow_up_case_id = task.id  # flushed with the follow-up record
    loop_service.opened(session, task=task, response=response)
    return task
