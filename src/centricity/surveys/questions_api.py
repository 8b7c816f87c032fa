"""REST API of a survey's custom questions: list them (staff), add, change and delete them
(managers). The rules live in `surveys.questions`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Response

from centricity.accounts.models import Role, User
from centricity.surveys import questions, service
from centricity.surveys.models import SurveyQuestion
from centricity.surveys.schemas import QuestionIn, QuestionRead, QuestionUpdate
from centricity.web.api import PathId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "surveys")


def _read(question: SurveyQuestion, answers: int) -> QuestionRead:
    return QuestionRead(
        id=question.id,
        position=question.position,
        kind=question.kind,
        texts=question.texts,
        choices=question.choices,
        scale_min=question.scale_min,
        scale_max=question.scale_max,
        required=question.required,
        answers=answers,
    )


@router.get("/surveys/{survey_id}/questions")
def list_questions(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], survey_id: PathId
) -> dict[str, Any]:
    """The survey's custom questions in order, each with how many answers it has."""
    del user
    survey = service.get(session, survey_id)
    counts = questions.answer_counts(session, survey)
    items = [
        _read(q, counts.get(q.id, 0)).model_dump() for q in service.questions(session, survey.id)
    ]
    return {"items": items, "total": len(items)}


@router.post("/surveys/{survey_id}/questions", response_model=QuestionRead, status_code=201)
def add_question(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    survey_id: PathId,
    data: QuestionIn,
) -> QuestionRead:
    """Add a question at the end: `kind`, `texts` in every language the survey offers,
    `choices` (`value` + `texts`) or `scale_min`/`scale_max`, `required`."""
    survey = service.get(session, survey_id)
    return _read(questions.add(session, survey=survey, data=data, actor=user), 0)


@router.patch("/surveys/{survey_id}/questions/{question_id}", response_model=QuestionRead)
def update_question(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    survey_id: PathId,
    question_id: PathId,
    data: QuestionUpdate,
) -> QuestionRead:
    """Change the fields given; an answered question keeps its kind, scale and chosen
    choices (409)."""
    survey = service.get(session, survey_id)
    question = questions.get(session, survey, question_id)
    checked = questions.merged(question, data)
    questions.update(session, survey=survey, question=question, data=checked, actor=user)
    return _read(question, questions.answer_counts(session, survey).get(question.id, 0))


@router.delete("/surveys/{survey_id}/questions/{question_id}", status_code=204)
def delete_question(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    survey_id: PathId,
    question_id: PathId,
) -> Response:
    """Delete a question nobody answered (else 409); later questions move up."""
    survey = service.get(session, survey_id)
    question = questions.get(session, survey, question_id)
    questions.delete(session, survey=survey, question=question, actor=user)
    return Response(status_code=204)
