"""A finished answer becomes a feedback item (source `survey`), so it sits with feedback
from every other source: on the customer's timeline, on the case page, in analysis."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from centricity.feedback import service as feedback
from centricity.feedback.models import FeedbackItem
from centricity.surveys.models import SCALES, Survey, SurveyInvitation, SurveyResponse

SOURCE = "survey"


def record(
    session: Session,
    survey: Survey,
    invitation: SurveyInvitation,
    response: SurveyResponse,
    *,
    now: datetime,
) -> FeedbackItem | None:
    """Record the answer's score (on the survey's scale) and comment as feedback about
    the case or contact the survey was about; a custom survey has no score to record."""
    if survey.kind not in SCALES or response.score is None or response.customer_id is None:
        return None
    return feedback.record(
        session,
        customer_id=response.customer_id,
        source=SOURCE,
        score=int(response.score),
        scale=survey.kind,
        text=response.comment or "",
        language=response.language,
        received_at=now,
        case_id=invitation.case_id,
        interaction_id=invitation.interaction_id,
        survey_response_id=response.id,
    )
