"""Survey use cases: create a survey, invite a customer (or log why not), find a link.

The fatigue rule protects customers from being asked too often: no invitation of any
survey within `CENTRICITY_SURVEY_FATIGUE_DAYS` of the customer's last one, plus the
survey's own cadence; at most one survey per case and per contact. A refused invitation
is a `survey_skips` row with its reason, never silence.
"""

from __future__ import annotations

import builtins
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, bindparam, func, or_, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.cases import service as cases
from centricity.cases.models import Case
from centricity.config import current_settings, get_settings
from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.interactions import service as interactions
from centricity.interactions.models import Interaction
from centricity.kit.errors import Invalid, NotFound
from centricity.kit.i18n import lazy
from centricity.kit.signing import hmac_sha256
from centricity.kit.time import utcnow
from centricity.notifications import unsubscribe
from centricity.surveys import invitation_mail
from centricity.surveys.models import (
    Survey,
    SurveyInvitation,
    SurveyQuestion,
    SurveySkip,
)
from centricity.surveys.schemas import InvitationCreate, SurveyCreate

# 32 random bytes: 256 bits, far above the 128 a link must carry to be unguessable.
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """What the store keeps of a link's token: its HMAC keyed by the secret key, so the
    store alone cannot open anyone's survey."""
    return hmac_sha256(current_settings().secret_key, f"survey\x00{token}")


def create(session: Session, *, data: SurveyCreate, actor: User) -> Survey:
    """Create a survey with its custom questions, in the languages it offers."""
    survey = Survey(
        name=data.name.strip(),
        kind=data.kind.value,
        languages=data.languages,
        cadence_days=data.cadence_days,
        department_id=data.department_id,
        created_by_user_id=actor.id,
    )
    session.add(survey)
    session.flush()
    for position, question in enumerate(data.questions, start=1):
        session.add(
            SurveyQuestion(
                survey_id=survey.id,
                position=position,
                kind=question.kind.value,
                texts=_texts(question.texts, data.languages),
                choices=[
                    {"value": c.value, "texts": _texts(c.texts, data.languages)}
                    for c in question.choices
                ],
                scale_min=question.scale_min,
                scale_max=question.scale_max,
                required=question.required,
            )
        )
    session.flush()
    audit.record(session, actor=actor, action="survey.create", entity=("survey", survey.id))
    return survey


def _texts(texts: dict[str, str], languages: builtins.list[str]) -> dict[str, str]:
    by_code = {code.split("-")[0].lower(): text.strip() for code, text in texts.items()}
    return {code: by_code[code] for code in languages}


def get(session: Session, survey_id: int) -> Survey:
    """Load a survey (every member of staff may read surveys), or raise NotFound."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFound(lazy("survey not found"))
    return survey


def list(session: Session) -> builtins.list[Survey]:
    """Every survey, newest first."""
    return builtins.list(session.scalars(select(Survey).order_by(Survey.id.desc())))


# Built once: every public survey answer reads its questions (see `respond.OPEN_LINK`).
QUESTIONS = (
    select(SurveyQuestion)
    .where(SurveyQuestion.survey_id == bindparam("survey_id"))
    .order_by(SurveyQuestion.position)
)


def questions(session: Session, survey_id: int) -> builtins.list[SurveyQuestion]:
    """A survey's custom questions in order."""
    return builtins.list(session.scalars(QUESTIONS, {"survey_id": survey_id}))


@dataclass(frozen=True)
class Invited:
    """A new invitation and its link (the token is shown only now)."""

    invitation: SurveyInvitation
    url: str


@dataclass(frozen=True)
class Skipped:
    """An invitation not given, and why (logged in `survey_skips`)."""

    reason: str


def invite(
    session: Session,
    *,
    survey: Survey,
    data: InvitationCreate,
    actor: User | None,
    now: datetime | None = None,
    campaign_id: int | None = None,
    loop: bool = False,
) -> Invited | Skipped:
    """Invite a customer the actor may see, by e-mail or as a link to hand out, unless a
    rule says no; the refusal is logged and returned, so the caller can tell why. A
    campaign's invitation (or skip) carries its `campaign_id`. `loop`: the closed loop's
    recovery question, which the fatigue rule and cadence do not stop (it answers the
    customer's own complaint)."""
    now = now or utcnow()
    customer = (
        customers.get(session, data.customer_id, actor=actor)
        if actor is not None
        else session.get(Customer, data.customer_id)
    )
    if customer is None or customer.erased_at is not None:
        raise NotFound(lazy("customer not found"))  # an erased person is asked nothing
    _check_about(session, customer.id, data, actor)
    reason = _refusal(session, survey, customer.id, data, now, loop=loop)
    if reason is None and data.send:
        if not customer.email:
            reason = "no_email"
        elif unsubscribe.is_unsubscribed(session, customer_id=customer.id, topic="surveys"):
            reason = "unsubscribed"
    if reason is not None:
        return skip(
            session,
            survey=survey,
            customer_id=customer.id,
            reason=reason,
            data=data,
            campaign_id=campaign_id,
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = SurveyInvitation(
        survey_id=survey.id,
        customer_id=customer.id,
        token_hash=token_hash(token),
        channel="email" if data.send else "link",
        case_id=data.case_id,
        interaction_id=data.interaction_id,
        created_by_user_id=actor.id if actor is not None else None,
        created_at=now,
        expires_at=now + timedelta(days=get_settings().survey_link_days),
        campaign_id=campaign_id,
    )
    session.add(invitation)
    session.flush()
    url = f"{get_settings().base_url.rstrip('/')}/s/{token}"
    if data.send:
        invitation_mail.queue(session, survey=survey, customer=customer, url=url, now=now)
        invitation.sent_at = now
    return Invited(invitation=invitation, url=url)


def _check_about(
    session: Session, customer_id: int, data: InvitationCreate, actor: User | None
) -> None:
    """A case or contact the invitation is about must be the customer's own, and one the
    actor may see (another department's case is not found)."""
    if data.case_id is not None:
        case = (
            cases.get(session, data.case_id, actor=actor)
            if actor is not None
            else session.get(Case, data.case_id)
        )
        if case is None or case.customer_id != customer_id:
            raise Invalid(lazy("not one of this customer's cases"), field="case_id")
    if data.interaction_id is not None:
        contact = (
            interactions.get(session, data.interaction_id, actor=actor)
            if actor is not None
            else session.get(Interaction, data.interaction_id)
        )
        if contact is None or contact.customer_id != customer_id:
            raise Invalid(lazy("not one of this customer's contacts"), field="interaction_id")


def _refusal(
    session: Session,
    survey: Survey,
    customer_id: int,
    data: InvitationCreate,
    now: datetime,
    *,
    loop: bool = False,
) -> str | None:
    """The rule that forbids this invitation, or None."""
    if not survey.active:
        return "inactive"
    about = [
        column == value
        for column, value in (
            (SurveyInvitation.case_id, data.case_id),
            (SurveyInvitation.interaction_id, data.interaction_id),
        )
        if value is not None
    ]
    if about and session.scalar(select(SurveyInvitation.id).where(or_(*about))) is not None:
        return "duplicate"
    if loop:
        return None
    last_any = _last_invitation(session, customer_id, None)
    fatigue = get_settings().survey_fatigue_days
    if fatigue and last_any is not None and last_any > now - timedelta(days=fatigue):
        return "fatigue"
    if survey.cadence_days:
        last_here = _last_invitation(session, customer_id, survey.id)
        if last_here is not None and last_here > now - timedelta(days=survey.cadence_days):
            return "cadence"
    return None


def _last_invitation(session: Session, customer_id: int, survey_id: int | None) -> datetime | None:
    query = select(func.max(SurveyInvitation.created_at)).where(
        SurveyInvitation.customer_id == customer_id
    )
    if survey_id is not None:
        query = query.where(SurveyInvitation.survey_id == survey_id)
    found: datetime | None = session.scalar(query)
    return found


def skip(
    session: Session,
    *,
    survey: Survey,
    customer_id: int,
    reason: str,
    data: InvitationCreate | None = None,
    campaign_id: int | None = None,
) -> Skipped:
    """Log an invitation that was not given, with its reason (and the campaign that
    would have sent it)."""
    session.add(
        SurveySkip(
            survey_id=survey.id,
            customer_id=customer_id,
            reason=reason,
            case_id=data.case_id if data else None,
            interaction_id=data.interaction_id if data else None,
            campaign_id=campaign_id,
        )
    )
    session.flush()
    return Skipped(reason=reason)


def link_token_hash(token: str) -> str | None:
    """The stored hash a link's token is looked up by, or None for a token no link can
    have (its length alone rules it out, so it costs no query)."""
    if not 20 <= len(token) <= 100:
        return None
    return token_hash(token)


def token_filter(token: str) -> ColumnElement[bool] | None:
    """The condition that finds the invitation of a link's token, or None for a token no
    link can have."""
    hashed = link_token_hash(token)
    if hashed is None:
        return None
    return SurveyInvitation.token_hash == hashed


def find_invitation(session: Session, token: str) -> SurveyInvitation | None:
    """The invitation a link's token opens, or None (a guessed token finds nothing)."""
    condition = token_filter(token)
    if condition is None:
        return None
    return session.scalar(select(SurveyInvitation).where(condition))
