"""The recovery question: after a follow-up closed with the customer reached or their
concern resolved, the customer is asked once "Is your concern resolved now?" (yes / no)
by e-mail, in their language, with the unsubscribe link and headers of the `surveys`
topic. The answer is given on the public survey page `/s/{token}`: the question is the
one required choice of a system survey (`purpose = "recovery"`), so the link has every
property of a survey link (keyed hash, one answer per token, rate limit, no JavaScript).
A "no" reopens the task with the reason in its history; it never opens a second one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.models import Case, Status
from centricity.customers.models import Customer
from centricity.kit import i18n
from centricity.kit.i18n import LANGUAGES, ViewerLocale, noop, use_locale
from centricity.notifications import service as notifications
from centricity.notifications import unsubscribe
from centricity.surveys import service as surveys
from centricity.surveys.invitation_mail import language_for
from centricity.surveys.loop.models import FollowUp
from centricity.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from centricity.surveys.schemas import InvitationCreate

log = logging.getLogger(__name__)
PURPOSE = "recovery"
SOURCE = "recovery question"
YES, NO = "yes", "no"
QUESTION = noop("Is your concern resolved now?")
CHOICES = {YES: noop("Yes, it is resolved"), NO: noop("No, it is not resolved yet")}
REOPEN_REASON = "the customer answered the recovery question: not resolved yet"


def _in_every_language(message: str) -> dict[str, str]:
    """A catalog text in each of the six languages, to store on the system survey."""
    texts = {}
    for language in LANGUAGES:
        with use_locale(ViewerLocale(language=language)):
            texts[language] = i18n.gettext(message)
    return texts


def recovery_survey(session: Session) -> Survey:
    """The system survey that carries the recovery question (made on first use)."""
    survey = session.scalar(select(Survey).where(Survey.purpose == PURPOSE))
    if survey is not None:
        return survey
    survey = Survey(
        name="Recovery question (closed loop)",
        kind="custom",
        languages=list(LANGUAGES),
        purpose=PURPOSE,
        active=True,
    )
    session.add(survey)
    session.flush()
    choices = [{"value": code, "texts": _in_every_language(text)} for code, text in CHOICES.items()]
    session.add(
        SurveyQuestion(
            survey_id=survey.id,
            position=1,
            kind="single",
            texts=_in_every_language(QUESTION),
            choices=choices,
            required=True,
        )
    )
    session.flush()
    return survey


def ask(session: Session, *, record: FollowUp, case: Case, now: datetime) -> None:
    """E-mail the recovery question once per follow-up; a customer without an address or
    unsubscribed from surveys is skipped, and the skip logged with its reason."""
    if record.recovery_asked_at is not None or case.customer_id is None:
        return
    customer = session.get(Customer, case.customer_id)
    if customer is None or customer.erased_at is not None:
        return
    survey = recovery_survey(session)
    reason = None
    if not customer.email:
        reason = "no_email"
    elif unsubscribe.is_unsubscribed(session, customer_id=customer.id, topic=unsubscribe.SURVEYS):
        reason = "unsubscribed"
    if reason is None:
        data = InvitationCreate(customer_id=customer.id, case_id=case.id)
        invited = surveys.invite(session, survey=survey, data=data, actor=None, now=now, loop=True)
        if isinstance(invited, surveys.Skipped):
            reason = invited.reason
        else:
            _mail(session, survey, customer, invited, now)
            record.recovery_invitation_id = invited.invitation.id
            record.recovery_asked_at = now
    if reason is not None:
        if reason in ("no_email", "unsubscribed"):
            surveys.skip(session, survey=survey, customer_id=customer.id, reason=reason)
        record.recovery_skip_reason = reason
        log.info("recovery question for follow-up task %s not sent: %s", case.id, reason)
    session.flush()


def body(*, first_name: str, url: str, unsubscribe_url: str) -> str:
    """The plain-text recovery question in the current language."""
    greeting = i18n.gettext("Hello %(name)s,") % {"name": first_name} if first_name else ""
    lines = [
        greeting,
        "",
        i18n.gettext("We followed up on your feedback. One question, one click:"),
        "",
        i18n.gettext(QUESTION),
        url,
        "",
        i18n.gettext("Thank you."),
        "",
        "--",
        i18n.gettext("Stop survey invitations: %(url)s") % {"url": unsubscribe_url},
    ]
    return "\n".join(lines).lstrip("\n")


def _mail(
    session: Session, survey: Survey, customer: Customer, invited: surveys.Invited, now: datetime
) -> None:
    assert customer.email
    language = language_for(survey, customer.preferred_language)
    leave = unsubscribe.unsubscribe_url(customer.id, unsubscribe.SURVEYS)
    first_name = customer.name.split()[0] if customer.kind == "person" and customer.name else ""
    with use_locale(ViewerLocale(language=language)):
        subject = i18n.gettext("Is your concern resolved now?")
        text = body(first_name=first_name, url=invited.url, unsubscribe_url=leave)
    headers = {**unsubscribe.mail_headers(leave), "Auto-Submitted": "auto-generated"}
    notifications.queue_mail(
        session, to_address=customer.email, subject=subject, body=text, headers=headers, now=now
    )
    invited.invitation.channel = "email"
    invited.invitation.sent_at = now


def answered(
    session: Session,
    survey: Survey,
    invitation: SurveyInvitation,
    response: SurveyResponse,
    *,
    now: datetime,
) -> bool:
    """Take a finished answer to a recovery question (False: the link was no recovery
    question); a "no" reopens the follow-up task. Only the recovery survey's links are
    looked up: every other answer is told apart without a query."""
    if survey.purpose != PURPOSE:
        return False
    query = select(FollowUp).where(FollowUp.recovery_invitation_id == invitation.id)
    record = session.scalar(query)
    if record is None:
        return False
    chosen = session.scalars(
        select(SurveyAnswer.choices).where(SurveyAnswer.response_id == response.id)
    ).first()
    resolved = bool(chosen) and YES in (chosen or [])
    record.recovery_answered_at = now
    record.recovery_resolved = resolved
    session.flush()
    task = session.get(Case, record.case_id)
    if not resolved and task is not None and task.status in cases.CLOSED_STATES:
        cases.system_status(
            session,
            case=task,
            status=Status.OPEN,
            now=now,
            source=SOURCE,
            reason=REOPEN_REASON,
        )
    return True
