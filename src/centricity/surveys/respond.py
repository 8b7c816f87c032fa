"""Answering a survey through its link: which page the respondent is on, checking what
they sent, saving a page, and finishing exactly once.

A survey has at most two pages: the main question with its reason (NPS, CSAT, CES), then
the custom questions. Each page is saved when sent, so a respondent who leaves comes back
to the next page with what they gave kept; only the last page uses the link up. A link's
first page is stored with its response in one `INSERT … ON CONFLICT DO NOTHING` (the
response is unique per invitation); a link that has a response already is claimed by
one conditional UPDATE (`finished_at IS NULL`) before any answer is written. Of two
submissions at once, one inserts or claims, and the other finds the response finished
and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.db import by_dialect
from centricity.kit.i18n import noop
from centricity.kit.schema import check_text
from centricity.surveys import follow_up, to_feedback
from centricity.surveys import service as surveys
from centricity.surveys.models import (
    SCALES,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)

MAX_COMMENT = 5000
MAIN = "main"
QUESTIONS = "questions"


@dataclass
class Link:
    """What a token opens: `state` is unknown, expired, used or open."""

    state: str
    invitation: SurveyInvitation | None = None
    survey: Survey | None = None
    response: SurveyResponse | None = None
    questions: list[SurveyQuestion] = field(default_factory=list)
    customer: Customer | None = None

    @property
    def pages(self) -> list[str]:
        """The survey's pages in order."""
        assert self.survey is not None
        main = [MAIN] if self.survey.kind in SCALES else []
        return main + ([QUESTIONS] if self.questions else [])

    @property
    def page(self) -> str:
        """The page to show now: the main question until its score is saved."""
        pages = self.pages
        if pages[0] == MAIN and (self.response is None or self.response.score is None):
            return MAIN
        return pages[-1]


# Every view and answer of a public survey page runs these, so they are built once: a
# statement object built per request cost SQLAlchemy more Python than running it (its
# cache key is computed anew for each new object).
OPEN_LINK = (
    select(SurveyInvitation, Survey, SurveyResponse, Customer)
    .join(Survey, Survey.id == SurveyInvitation.survey_id)
    .outerjoin(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
    .outerjoin(Customer, Customer.id == SurveyInvitation.customer_id)
    .where(SurveyInvitation.token_hash == bindparam("token_hash"))
)
INSERT_RESPONSE = by_dialect(
    lambda dialect: (
        dialect.insert(SurveyResponse)
        .on_conflict_do_nothing(index_elements=["invitation_id"])
        .returning(SurveyResponse)
    )
)


def open_link(session: Session, token: str, *, now: datetime) -> Link:
    """Find what a token opens and where its respondent stands: the invitation, its
    survey, any response and the customer in one query (each answer on a public page pays
    for it; the customer, loaded here, greets them and is not read again when the answer
    becomes a feedback item)."""
    hashed = surveys.link_token_hash(token)
    row = None
    if hashed is not None:
        row = session.execute(OPEN_LINK, {"token_hash": hashed}).first()
    if row is None:
        return Link(state="unknown")
    invitation, survey, response, customer = row
    questions = surveys.questions(session, survey.id)
    link = Link("open", invitation, survey, response, questions, customer)
    if response is not None and response.finished_at is not None:
        link.state = "used"
    elif invitation.expires_at <= now:
        link.state = "expired"
    return link


@dataclass
class Checked:
    """A page's answers read from the form, with each field's error (English, marked for
    the catalog; the page shows them translated) and what was typed, to show again."""

    score: int | None = None
    comment: str | None = None
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, Any] = field(default_factory=dict)


def check(link: Link, page: str, form: dict[str, list[str]]) -> Checked:
    """Read and check one page's form; nothing is saved here."""
    checked = Checked()
    if page == MAIN:
        _check_main(link, form, checked)
    else:
        for question in link.questions:
            _check_question(question, form.get(f"q{question.id}", []), checked)
    return checked


def _text(value: str, name: str, checked: Checked) -> str | None:
    checked.typed[name] = value
    try:
        check_text(value)
    except ValueError as error:
        checked.errors[name] = str(error)
        return None
    if len(value) > MAX_COMMENT:
        checked.errors[name] = noop("Please keep it under 5,000 characters.")
        return None
    return value.strip() or None


def _number(raw: str, low: int, high: int, name: str, checked: Checked) -> int | None:
    checked.typed[name] = raw
    if not raw.strip():
        return None
    if not (raw.strip().isascii() and raw.strip().lstrip("-").isdigit()):
        checked.errors[name] = noop("Please choose one of the numbers shown.")
        return None
    number = int(raw.strip())
    if not low <= number <= high:
        checked.errors[name] = noop("Please choose one of the numbers shown.")
        return None
    return number


def _check_main(link: Link, form: dict[str, list[str]], checked: Checked) -> None:
    assert link.survey is not None
    low, high = SCALES[link.survey.kind]
    checked.score = _number((form.get("score") or [""])[0], low, high, "score", checked)
    if checked.score is None and "score" not in checked.errors:
        checked.errors["score"] = noop("Please choose a score.")
    checked.comment = _text((form.get("comment") or [""])[0], "comment", checked)


def _check_question(question: SurveyQuestion, values: list[str], checked: Checked) -> None:
    name = f"q{question.id}"
    answer: dict[str, Any] = {}
    if question.kind == QuestionKind.TEXT:
        answer["text"] = _text(values[0] if values else "", name, checked)
    elif question.kind == QuestionKind.SCALE:
        low, high = question.scale_min or 0, question.scale_max or 0
        answer["number"] = _number(values[0] if values else "", low, high, name, checked)
    else:
        allowed = {choice["value"] for choice in question.choices}
        chosen = [value for value in values if value]
        checked.typed[name] = chosen
        if any(value not in allowed for value in chosen) or (
            question.kind == QuestionKind.SINGLE and len(chosen) > 1
        ):
            checked.errors[name] = noop("Please choose from the answers shown.")
        answer["choices"] = chosen
    empty = not any(answer.values())
    if question.required and empty and name not in checked.errors:
        checked.errors[name] = noop("Please answer this question.")
    if not empty and name not in checked.errors:
        checked.answers[question.id] = answer


def save(
    session: Session, link: Link, page: str, checked: Checked, *, language: str, now: datetime
) -> str:
    """Save a checked page: "finished" when it was the last, "saved" when more follow,
    "used" when the link was used up meanwhile (another submission won)."""
    assert link.invitation is not None and link.survey is not None
    last = page == link.pages[-1]
    inserted = _insert_response(session, link, page, checked, language, now, last=last)
    if inserted is not None:
        # A new response holds the page already, and its link is this submission's alone.
        if page != MAIN:
            _write_answers(session, inserted.id, checked)
        if last:
            return _finish(session, link, inserted, now)
        session.flush()
        return "saved"
    response_id = _existing_response_id(session, link)
    claim = (
        update(SurveyResponse)
        .where(SurveyResponse.id == response_id, SurveyResponse.finished_at.is_(None))
        .values(updated_at=now, language=language, **({"finished_at": now} if last else {}))
        .execution_options(synchronize_session=False)
    )
    if int(getattr(session.execute(claim), "rowcount", 0) or 0) != 1:
        return "used"
    if page == MAIN:
        session.execute(
            update(SurveyResponse)
            .where(SurveyResponse.id == response_id)
            .values(score=checked.score, comment=checked.comment)
            .execution_options(synchronize_session=False)
        )
    else:
        _write_answers(session, response_id, checked)
    if not last:
        session.flush()
        return "saved"
    session.flush()
    claimed = session.get(SurveyResponse, response_id, populate_existing=True)
    assert claimed is not None
    return _finish(session, link, claimed, now)


def _finish(session: Session, link: Link, response: SurveyResponse, now: datetime) -> str:
    """What a finished answer sets off: its follow-up task when unhappy, its feedback item."""
    assert link.invitation is not None and link.survey is not None
    session.flush()
    follow_up.after_finish(session, link.survey, link.invitation, response, now=now)
    to_feedback.record(session, link.survey, link.invitation, response, now=now)
    return "finished"


def _insert_response(
    session: Session,
    link: Link,
    page: str,
    checked: Checked,
    language: str,
    now: datetime,
    *,
    last: bool,
) -> SurveyResponse | None:
    """Store the link's first response with this page in it, and return it as stored (the
    row comes back with the INSERT, so nothing reads it again); None when the link has a
    response already (a later page, or a concurrent submission that won), which then has
    to be claimed. The first page of most answers is their last, so this one statement
    does what a claim and a second UPDATE would."""
    assert link.invitation is not None
    values: dict[str, Any] = {
        "invitation_id": link.invitation.id,
        "survey_id": link.invitation.survey_id,
        "customer_id": link.invitation.customer_id,
        "language": language,
        "started_at": now,
        "updated_at": now,
        "finished_at": now if last else None,
    }
    if page == MAIN:
        values.update(score=checked.score, comment=checked.comment)
    statement = INSERT_RESPONSE[session.get_bind().dialect.name]
    return session.scalars(statement, values).first()


def _existing_response_id(session: Session, link: Link) -> int:
    assert link.invitation is not None
    found = session.scalar(
        select(SurveyResponse.id).where(SurveyResponse.invitation_id == link.invitation.id)
    )
    assert found is not None
    return int(found)


def _write_answers(session: Session, response_id: int, checked: Checked) -> None:
    session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response_id))
    session.add_all(
        SurveyAnswer(
            response_id=response_id,
            question_id=question_id,
            number=answer.get("number"),
            choices=answer.get("choices") or [],
            text=answer.get("text"),
        )
        for question_id, answer in checked.answers.items()
    )
