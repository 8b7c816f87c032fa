"""Editing a survey's custom questions: add, change, delete and reorder them.

Every question and choice has a text in each language the survey offers, so the public
page never falls back to English. Answers are the customers' words: once a question has
answers it cannot be deleted, nor change its kind or scale, nor lose a choice somebody
chose; its texts may still be corrected and choices added. Positions stay 1..n with no
gap; a move swaps two neighbours through a free position, because `(survey_id, position)`
is unique in the store.
"""

from __future__ import annotations

import builtins
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.audit import service as audit
from centricity.kit.errors import Conflict, Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.validation import friendly_text
from centricity.surveys import service
from centricity.surveys.models import Survey, SurveyAnswer, SurveyKind, SurveyQuestion
from centricity.surveys.schemas import MAX_QUESTIONS, QuestionIn, QuestionUpdate, missing_texts


def can_edit(actor: User) -> bool:
    """Whether the actor edits questions (managers and admins; everyone else reads)."""
    return actor.is_active and actor.role_enum.rank >= Role.MANAGER.rank


def _require_editor(actor: User) -> None:
    if not can_edit(actor):
        raise PermissionDenied(lazy("only managers edit survey questions"))


def get(session: Session, survey: Survey, question_id: int) -> SurveyQuestion:
    """One question of the survey, or NotFound (another survey's question is not found)."""
    question = session.get(SurveyQuestion, question_id)
    if question is None or question.survey_id != survey.id:
        raise NotFound(lazy("question not found"))
    return question


def answer_counts(session: Session, survey: Survey) -> dict[int, int]:
    """How many answers each of the survey's questions has, in one query."""
    query = (
        select(SurveyAnswer.question_id, func.count())
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyQuestion.survey_id == survey.id)
        .group_by(SurveyAnswer.question_id)
    )
    return {int(qid): int(count) for qid, count in session.execute(query)}


def _answers(session: Session, question: SurveyQuestion) -> int:
    query = select(func.count()).where(SurveyAnswer.question_id == question.id)
    return int(session.scalar(query) or 0)


def _chosen_values(session: Session, question: SurveyQuestion) -> set[str]:
    rows = session.scalars(
        select(SurveyAnswer.choices).where(SurveyAnswer.question_id == question.id)
    )
    return {value for chosen in rows for value in (chosen or [])}


def _check_texts(data: QuestionIn, survey: Survey) -> None:
    problem = missing_texts(data, survey.languages)
    if problem is not None:
        raise Invalid(lazy(problem), field="texts")


def _stored(data: QuestionIn, languages: builtins.list[str]) -> dict[str, Any]:
    """The columns of a checked question, texts kept only for the survey's languages."""
    return {
        "kind": data.kind.value,
        "texts": _texts(data.texts, languages),
        "choices": [{"value": c.value, "texts": _texts(c.texts, languages)} for c in data.choices],
        "scale_min": data.scale_min if data.kind == "scale" else None,
        "scale_max": data.scale_max if data.kind == "scale" else None,
        "required": data.required,
    }


def _texts(texts: dict[str, str], languages: builtins.list[str]) -> dict[str, str]:
    by_code = {code.split("-")[0].lower(): text.strip() for code, text in texts.items()}
    return {code: by_code[code] for code in languages}


def add(session: Session, *, survey: Survey, data: QuestionIn, actor: User) -> SurveyQuestion:
    """Add a question at the end of the survey, with a text in every language it offers."""
    _require_editor(actor)
    _check_texts(data, survey)
    count = len(service.questions(session, survey.id))
    if count >= MAX_QUESTIONS:
        raise Conflict(lazy("a survey has at most %(max)s questions", max=MAX_QUESTIONS))
    question = SurveyQuestion(
        survey_id=survey.id, position=count + 1, **_stored(data, survey.languages)
    )
    session.add(question)
    session.flush()
    _audit(session, actor, "survey.question.add", survey, question)
    return question


def merged(question: SurveyQuestion, data: QuestionUpdate) -> QuestionIn:
    """The question as it would be after the change, checked by the same schema as a new
    one (Invalid naming the field when the result is not a valid question)."""
    current: dict[str, Any] = {
        "kind": question.kind,
        "texts": question.texts,
        "choices": question.choices,
        "scale_min": question.scale_min,
        "scale_max": question.scale_max,
        "required": question.required,
    }
    current.update(data.model_dump(exclude_unset=True, exclude_none=True))
    try:
        return QuestionIn.model_validate(current)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first.get("loc") else "kind"
        raise Invalid(friendly_text(dict(first)), field=field) from None


def update(
    session: Session, *, survey: Survey, question: SurveyQuestion, data: QuestionIn, actor: User
) -> SurveyQuestion:
    """Change a question. An answered one keeps its kind, its scale and every choice that
    was chosen; its texts may be corrected and choices added."""
    _require_editor(actor)
    _check_texts(data, survey)
    if _answers(session, question):
        _check_answered(session, question, data)
    for name, value in _stored(data, survey.languages).items():
        setattr(question, name, value)
    session.flush()
    _audit(session, actor, "survey.question.update", survey, question)
    return question


def _check_answered(session: Session, question: SurveyQuestion, data: QuestionIn) -> None:
    if data.kind.value != question.kind:
        raise Conflict(
            lazy("customers have answered this question: its kind cannot change"), field="kind"
        )
    if (data.scale_min, data.scale_max) != (question.scale_min, question.scale_max):
        raise Conflict(
            lazy("customers have answered this question: its scale cannot change"),
            field="scale_min",
        )
    kept = {choice.value for choice in data.choices}
    if not _chosen_values(session, question) <= kept:
        raise Conflict(
            lazy("customers have chosen this choice: it cannot be removed"), field="choices"
        )


def delete(session: Session, *, survey: Survey, question: SurveyQuestion, actor: User) -> None:
    """Delete a question nobody has answered; the ones after it move up."""
    _require_editor(actor)
    if _answers(session, question):
        raise Conflict(lazy("customers have answered this question: it cannot be deleted"))
    remaining = [q for q in service.questions(session, survey.id) if q.id != question.id]
    if survey.kind == SurveyKind.CUSTOM and not remaining:
        raise Conflict(lazy("a custom survey needs at least one question"))
    _audit(session, actor, "survey.question.delete", survey, question)
    session.delete(question)
    session.flush()
    for position, kept in enumerate(remaining, start=1):
        if kept.position != position:
            kept.position = position
            session.flush()


def move(
    session: Session, *, survey: Survey, question: SurveyQuestion, step: int, actor: User
) -> None:
    """Move a question one place up (-1) or down (+1); at either end nothing moves."""
    _require_editor(actor)
    ordered = service.questions(session, survey.id)
    index = next(i for i, q in enumerate(ordered) if q.id == question.id)
    target = index + (1 if step > 0 else -1)
    if not 0 <= target < len(ordered):
        return
    other = ordered[target]
    mine, theirs = question.position, other.position
    question.position = 0  # free: positions start at 1
    session.flush()
    other.position = mine
    session.flush()
    question.position = theirs
    session.flush()
    _audit(session, actor, "survey.question.move", survey, question)


def _audit(
    session: Session, actor: User, action: str, survey: Survey, question: SurveyQuestion
) -> None:
    details = {"question_id": question.id, "position": question.position}
    audit.record(session, actor=actor, action=action, entity=("survey", survey.id), details=details)
