"""Personal data of surveys: whom we invited, and what they answered.

Erasure keeps each answer's score in the figures without the person: the response is
detached from the customer (`customer_id` emptied) and its words are emptied, custom
answers lose their text, the person's links stop working, and skipped invitations
forget whom they skipped, and campaign audiences forget the person.
"""

from __future__ import annotations

from sqlalchemy import Select, delete, select, update
from sqlalchemy.orm import Session

from centricity.kit.time import utcnow
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows
from centricity.surveys.campaign_models import SurveyCampaignRecipient
from centricity.surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse, SurveySkip

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE
SECRET = Classification.SECRET

CLASSIFICATION: Tables = {
    "surveys": {
        **dict.fromkeys(("id", "name", "kind", "languages", "cadence_days"), N),
        **dict.fromkeys(("department_id", "active", "created_at", "purpose"), N),
        "created_by_user_id": S,
    },
    "survey_questions": dict.fromkeys(
        (
            "id",
            "survey_id",
            "position",
            "kind",
            "texts",
            "choices",
            "scale_min",
            "scale_max",
            "required",
        ),
        N,
    ),
    "survey_invitations": {
        **dict.fromkeys(("id", "survey_id", "customer_id", "channel", "case_id"), S),
        **dict.fromkeys(("interaction_id", "created_by_user_id", "created_at"), S),
        **dict.fromkeys(("expires_at", "sent_at", "campaign_id"), S),
        "token_hash": SECRET,
    },
    "survey_responses": {
        **dict.fromkeys(("id", "invitation_id", "survey_id", "customer_id", "language"), S),
        **dict.fromkeys(("score", "started_at", "updated_at", "finished_at"), S),
        "follow_up_case_id": S,
        "comment": P,
    },
    "survey_answers": {
        **dict.fromkeys(("id", "response_id", "question_id", "number", "choices"), S),
        "text": P,
    },
    "survey_skips": dict.fromkeys(
        (
            "id",
            "survey_id",
            "customer_id",
            "reason",
            "case_id",
            "interaction_id",
            "campaign_id",
            "created_at",
        ),
        S,
    ),
    # A campaign is a rule, not a person; its audience list names people (below).
    "survey_campaigns": {
        **dict.fromkeys(("id", "survey_id", "name", "trigger", "department_id", "channel"), N),
        **dict.fromkeys(("days", "delay_hours", "segment", "tier", "send", "active"), N),
        **dict.fromkeys(("created_at", "updated_at"), N),
        "created_by_user_id": S,
    },
    "survey_campaign_recipients": dict.fromkeys(
        ("id", "campaign_id", "customer_id", "outcome", "created_at", "done_at"), S
    ),
}


def _invitations(person: PersonRef) -> Select[int]:
    return select(SurveyInvitation.id).where(SurveyInvitation.customer_id.in_(person.customer_ids))


def export(session: Session, person: PersonRef) -> Export:
    """The person's invitations, responses with their answers, and skipped invitations."""
    invitations = session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.id.in_(_invitations(person)))
    )
    responses = session.scalars(
        select(SurveyResponse).where(SurveyResponse.invitation_id.in_(_invitations(person)))
    )
    answers = session.scalars(
        select(SurveyAnswer).where(
            SurveyAnswer.response_id.in_(
                select(SurveyResponse.id).where(
                    SurveyResponse.invitation_id.in_(_invitations(person))
                )
            )
        )
    )
    skips = session.scalars(
        select(SurveySkip).where(SurveySkip.customer_id.in_(person.customer_ids))
    )
    taken_on = session.scalars(
        select(SurveyCampaignRecipient).where(
            SurveyCampaignRecipient.customer_id.in_(person.customer_ids)
        )
    )
    return {
        "survey_invitations": to_rows(invitations, CLASSIFICATION["survey_invitations"]),
        "survey_responses": to_rows(responses, CLASSIFICATION["survey_responses"]),
        "survey_answers": to_rows(answers, CLASSIFICATION["survey_answers"]),
        "survey_skips": to_rows(skips, CLASSIFICATION["survey_skips"]),
        "survey_campaign_recipients": to_rows(
            taken_on, CLASSIFICATION["survey_campaign_recipients"]
        ),
    }


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Empty the person's words, detach their scores, close their links, forget skips."""
    responses = select(SurveyResponse.id).where(
        SurveyResponse.invitation_id.in_(_invitations(person))
    )
    answers = session.execute(
        update(SurveyAnswer)
        .where(SurveyAnswer.response_id.in_(responses))
        .values(text=None)
        .execution_options(synchronize_session="fetch")
    )
    detached = session.execute(
        update(SurveyResponse)
        .where(SurveyResponse.id.in_(responses))
        .values(customer_id=None, comment=None)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.customer_id.in_(person.customer_ids))
        .values(expires_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    skips = session.execute(
        update(SurveySkip)
        .where(SurveySkip.customer_id.in_(person.customer_ids))
        .values(customer_id=None)
        .execution_options(synchronize_session="fetch")
    )
    # Campaign audiences forget the person (a list a manager pasted named them).
    dropped = session.execute(
        delete(SurveyCampaignRecipient)
        .where(SurveyCampaignRecipient.customer_id.in_(person.customer_ids))
        .execution_options(synchronize_session="fetch")
    )
    return {
        "survey_campaign_recipients": int(getattr(dropped, "rowcount", 0) or 0),
        "survey_responses": int(getattr(detached, "rowcount", 0) or 0),
        "survey_answers": int(getattr(answers, "rowcount", 0) or 0),
        "survey_skips": int(getattr(skips, "rowcount", 0) or 0),
    }
