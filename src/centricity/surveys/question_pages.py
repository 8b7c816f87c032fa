"""The custom-questions editor `/voice/surveys/{id}/questions`: every member of staff reads
a survey's questions in order; managers add, change, delete and move them. Each form is a
plain POST that redirects (303) or comes back with the errors and what was typed."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.kit.errors import DomainError
from centricity.surveys import questions, service
from centricity.surveys.models import QuestionKind, Survey, SurveyQuestion
from centricity.surveys.schemas import MAX_CHOICES, QuestionIn
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, parse
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/voice/surveys", include_in_schema=False)
Viewer = Annotated[User, require_page(Role.VIEWER)]
Manager = Annotated[User, require_page(Role.MANAGER)]
# Empty choice rows offered below the filled ones (save and come back for more).
SPARE_ROWS = 3
_CHOICE_FIELD = re.compile(r"^choice_(value|[a-z]{2})_(\d{1,2})$")


def _list_url(survey_id: int) -> str:
    return f"/voice/surveys/{survey_id}/questions"


def form_values(question: SurveyQuestion | None) -> dict[str, Any]:
    """A question as the form shows it (an empty new one when None)."""
    if question is None:
        return {"kind": QuestionKind.SINGLE.value, "texts": {}, "choices": [], "required": False}
    return {
        "kind": question.kind,
        "texts": dict(question.texts),
        "choices": [dict(choice) for choice in question.choices],
        "scale_min": question.scale_min,
        "scale_max": question.scale_max,
        "required": question.required,
    }


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:40]


def read_form(fields: list[tuple[str, str]], languages: list[str]) -> dict[str, Any]:
    """The posted question: its kind, a text per language, the choice rows that say
    something (a row without a value gets one from its first text) and the scale."""
    flat = {key: value.strip() for key, value in fields}
    rows: dict[int, dict[str, Any]] = {}
    for key, value in fields:
        found = _CHOICE_FIELD.match(key)
        if found is None or int(found.group(2)) >= MAX_CHOICES + SPARE_ROWS:
            continue
        row = rows.setdefault(int(found.group(2)), {"value": "", "texts": {}})
        if found.group(1) == "value":
            row["value"] = value.strip()
        elif found.group(1) in languages:
            row["texts"][found.group(1)] = value.strip()
    kind = flat.get("kind", "")
    choices = [row for _, row in sorted(rows.items()) if row["value"] or any(row["texts"].values())]
    taken: set[str] = {row["value"] for row in choices if row["value"]}
    for number, row in enumerate(choices, start=1):
        if not row["value"]:
            first = next((t for t in row["texts"].values() if t), "")
            value = _slug(first) or f"choice-{number}"
            while value in taken:
                value = f"{value}-{number}"
            row["value"] = value
            taken.add(value)
    return {
        "kind": kind,
        "texts": {code: flat.get(f"text_{code}", "") for code in languages},
        "choices": choices if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else [],
        "scale_min": flat.get("scale_min") or None,
        "scale_max": flat.get("scale_max") or None,
        "required": flat.get("required") == "1",
    }


def _show(
    request: Request,
    session: Session,
    user: User,
    survey: Survey,
    *,
    editing: SurveyQuestion | None = None,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    """The editor: the list, and the form of a new question or of the one being changed."""
    context = {
        "user": user,
        "survey": survey,
        "questions": service.questions(session, survey.id),
        "answers": questions.answer_counts(session, survey),
        "can_edit": questions.can_edit(user),
        "editing": editing,
        "values": values if values is not None else form_values(editing),
        "errors": errors or {},
        "kinds": [kind.value for kind in QuestionKind],
        "spare_rows": SPARE_ROWS,
    }
    return render(request, "surveys/questions.html", context, status_code=status)


@router.get("/{survey_id}/questions", response_class=HTMLResponse)
def questions_page(
    request: Request, session: DbSession, user: Viewer, survey_id: PathId
) -> Response:
    """A survey's custom questions in order, with the form to add one (managers)."""
    return _show(request, session, user, service.get(session, survey_id))


@router.get("/{survey_id}/questions/{question_id}", response_class=HTMLResponse)
def edit_question_page(
    request: Request, session: DbSession, user: Manager, survey_id: PathId, question_id: PathId
) -> Response:
    """The form to change one question, beside the list."""
    survey = service.get(session, survey_id)
    question = questions.get(session, survey, question_id)
    return _show(request, session, user, survey, editing=question)


async def _save(
    request: Request,
    session: Session,
    user: User,
    survey: Survey,
    question: SurveyQuestion | None,
) -> Response:
    form = await request.form()
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    values = read_form(fields, survey.languages)
    data, errors = parse(QuestionIn, values)
    if data is None:
        return _show(
            request, session, user, survey, editing=question, values=values, errors=errors,
            status=422,
        )  # fmt: skip
    try:
        if question is None:
            saved = questions.add(session, survey=survey, data=data, actor=user)
        else:
            saved = questions.update(
                session, survey=survey, question=question, data=data, actor=user
            )
    except DomainError as exc:
        session.rollback()
        survey = service.get(session, survey.id)
        if question is not None:
            question = questions.get(session, survey, question.id)
        found: FormErrors = {exc.field or "form": exc.message}
        return _show(
            request, session, user, survey, editing=question, values=values, errors=found,
            status=exc.status_code,
        )  # fmt: skip
    return RedirectResponse(f"{_list_url(survey.id)}#q{saved.id}", status_code=303)


@router.post(
    "/{survey_id}/questions", dependencies=[Depends(csrf_protect)], response_class=HTMLResponse
)
async def add_question(
    request: Request, session: DbSession, user: Manager, survey_id: PathId
) -> Response:
    """Add a question at the end of the survey."""
    return await _save(request, session, user, service.get(session, survey_id), None)


@router.post(
    "/{survey_id}/questions/{question_id}",
    dependencies=[Depends(csrf_protect)],
    response_class=HTMLResponse,
)
async def update_question(
    request: Request, session: DbSession, user: Manager, survey_id: PathId, question_id: PathId
) -> Response:
    """Change a question (an answered one keeps its kind, scale and chosen choices)."""
    survey = service.get(session, survey_id)
    question = questions.get(session, survey, question_id)
    return await _save(request, session, user, survey, question)


@router.post(
    "/{survey_id}/questions/{question_id}/delete",
    dependencies=[Depends(csrf_protect)],
    response_class=HTMLResponse,
)
def delete_question(
    request: Request, session: DbSession, user: Manager, survey_id: PathId, question_id: PathId
) -> Response:
    """Delete a question nobody answered; a refusal shows the list with the reason."""
    survey = service.get(session, survey_id)
    question = questions.get(session, survey, question_id)
    try:
        questions.delete(session, survey=survey, question=question, actor=user)
    except DomainError as exc:
        session.rollback()
        survey = service.get(session, survey_id)
        found: FormErrors = {"list": exc.message}
        return _show(request, session, user, survey, errors=found, status=exc.status_code)
    return RedirectResponse(_list_url(survey.id), status_code=303)


@router.post("/{survey_id}/questions/{question_id}/move", dependencies=[Depends(csrf_protect)])
async def move_question(
    request: Request, session: DbSession, user: Manager, survey_id: PathId, question_id: PathId
) -> Response:
    """Move a question one place up or down (`direction` up|down)."""
    survey = service.get(session, survey_id)
    question = questions.get(session, survey, question_id)
    form = await request.form()
    step = -1 if form.get("direction") == "up" else 1
    questions.move(session, survey=survey, question=question, step=step, actor=user)
    return RedirectResponse(f"{_list_url(survey.id)}#q{question.id}", status_code=303)
