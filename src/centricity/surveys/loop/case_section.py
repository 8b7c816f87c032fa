"""The follow-up section of the case page (`cases.page_sections` hook): on a follow-up
task, the survey answer behind it (score, comment in the customer's words), what was
recorded, the recovery question's state, and the close form for those who work it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import page_sections
from centricity.cases import service as cases
from centricity.cases.models import Case, Status
from centricity.kit.i18n import current, label_for
from centricity.surveys.loop import root_causes
from centricity.surveys.loop import service as loop
from centricity.surveys.loop.models import OUTCOMES, RootCause
from centricity.surveys.models import SCALES, Survey, SurveyResponse

TEMPLATE = "surveys/follow_up_section.html"


def _outcome_label(code: str) -> str:
    return label_for("follow-up outcome", code)


def cause_name(cause: RootCause | None) -> str:
    """A root cause's name in the language of the page being rendered (called while the
    page renders: only then is the viewer's language known)."""
    return "" if cause is None else root_causes.name_in(cause, current().language)


def context(
    session: Session,
    user: User,
    case: Case,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """What the section shows for a follow-up task (None for any other case)."""
    record = loop.record_for(session, case)
    if record is None:
        return None
    response = session.get(SurveyResponse, record.response_id) if record.response_id else None
    survey = session.get(Survey, record.survey_id) if record.survey_id else None
    scale = SCALES.get(survey.kind) if survey is not None else None
    cause = session.get(RootCause, record.root_cause_id) if record.root_cause_id else None
    closer = session.get(User, record.closed_by_user_id) if record.closed_by_user_id else None
    return {
        "record": record,
        "response": response,
        "survey_name": survey.name if survey is not None else "",
        "scale": f"{scale[0]}–{scale[1]}" if scale else "",
        "cause": cause,
        "cause_name": cause_name,
        "closed_by": closer.name if closer is not None else "",
        "outcomes": list(OUTCOMES),
        "outcome_label": _outcome_label,
        "causes": root_causes.list(session, active_only=True),
        "can_close": cases.can_manage(case, user) and case.status != Status.CLOSED.value,
        "form": form or {},
        "errors": errors or {},
    }


@page_sections.register_section
def follow_up_section(
    session: Session, user: User, case: Case
) -> tuple[str, dict[str, Any]] | None:
    """The follow-up section of a follow-up task's page (None for other cases)."""
    found = context(session, user, case)
    return None if found is None else (TEMPLATE, found)
