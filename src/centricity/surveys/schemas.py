"""Input and output shapes of surveys, invitations and their figures (REST API)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from centricity.kit.i18n import LANGUAGES, noop, supported
from centricity.kit.schema import InputSchema
from centricity.kit.validation import RecordId
from centricity.surveys.models import QuestionKind, SurveyKind

MAX_QUESTIONS = 20
MAX_CHOICES = 20


def _languages(values: list[str]) -> list[str]:
    codes: list[str] = []
    for value in values:
        code = supported(value)
        if code is None:
            raise ValueError(noop("unknown language; supported: en, cs, sv, lt, pl, ru"))
        if code not in codes:
            codes.append(code)
    return codes


class ChoiceIn(InputSchema):
    """One choice of a single- or multiple-choice question, in every language offered."""

    value: str = Field(min_length=1, max_length=60, pattern=r"^[\w.-]+$")
    texts: dict[str, str] = Field(min_length=1)


class QuestionIn(InputSchema):
    """A custom question: its kind, its text per language, choices or a scale range."""

    kind: QuestionKind
    texts: dict[str, str] = Field(min_length=1)
    choices: list[ChoiceIn] = Field(default_factory=list, max_length=MAX_CHOICES)
    scale_min: int | None = Field(None, ge=-100, le=100)
    scale_max: int | None = Field(None, ge=-100, le=100)
    required: bool = False

    @model_validator(mode="after")
    def _fits_kind(self) -> QuestionIn:
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(self.choices) < 2:
            raise ValueError(noop("a choice question needs at least two choices"))
        if self.kind == QuestionKind.SCALE:
            low, high = self.scale_min, self.scale_max
            if low is None or high is None or not low < high or high - low > 20:
                raise ValueError(noop("a scale needs scale_min < scale_max, at most 20 apart"))
        return self


class SurveyCreate(InputSchema):
    """A new survey: a name, its main question's kind, the languages it speaks (the first
    is the default), custom questions and an optional cadence in days."""

    name: str = Field(min_length=1, max_length=200)
    kind: SurveyKind
    languages: list[str] = Field(min_length=1, max_length=len(LANGUAGES))
    questions: list[QuestionIn] = Field(
        default_factory=list, max_length=MAX_QUESTIONS, validate_default=True
    )
    cadence_days: int | None = Field(None, ge=1, le=3650)
    department_id: RecordId | None = None

    # Field validators, so a refusal names its field (`languages`, `questions`).
    @field_validator("languages", mode="after")
    @classmethod
    def _known_languages(cls, languages: list[str]) -> list[str]:
        return _languages(languages)

    @field_validator("questions", mode="after")
    @classmethod
    def _texts_in_every_language(
        cls, questions: list[QuestionIn], info: ValidationInfo
    ) -> list[QuestionIn]:
        if info.data.get("kind") == SurveyKind.CUSTOM and not questions:
            raise ValueError(noop("a custom survey needs at least one question"))
        languages = info.data.get("languages")
        if languages is None:  # refused already, under its own field
            return questions
        for question in questions:
            problem = missing_texts(question, languages)
            if problem is not None:
                raise ValueError(problem)
        return questions


def missing_texts(question: QuestionIn, languages: list[str]) -> str | None:
    """The problem (marked for the catalog) when the question or one of its choices lacks a
    text in a language the survey offers: the public page never falls back to English."""
    for text in [question.texts, *(choice.texts for choice in question.choices)]:
        given = {supported(code) for code, value in text.items() if value.strip()}
        if not set(languages) <= given:
            return noop("every question and choice needs a text in each language")
    values = [choice.value for choice in question.choices]
    if len(set(values)) != len(values):
        return noop("each choice needs its own value")
    return None


class QuestionUpdate(InputSchema):
    """A change of a custom question: only the fields given change (once it has answers,
    its kind, scale and existing choice values stay)."""

    kind: QuestionKind | None = None
    texts: dict[str, str] | None = None
    choices: list[ChoiceIn] | None = Field(None, max_length=MAX_CHOICES)
    scale_min: int | None = Field(None, ge=-100, le=100)
    scale_max: int | None = Field(None, ge=-100, le=100)
    required: bool | None = None


class QuestionRead(BaseModel):
    """A custom question as the API shows it."""

    id: int
    position: int
    kind: str
    texts: dict[str, str]
    choices: list[dict[str, Any]]
    scale_min: int | None
    scale_max: int | None
    required: bool
    answers: int = Field(0, description="Answers given to it; an answered question keeps its kind.")


class SurveyRead(BaseModel):
    """A survey as the API shows it."""

    id: int
    name: str
    kind: str
    languages: list[str]
    cadence_days: int | None
    department_id: int | None
    active: bool
    questions: list[dict[str, Any]]


class InvitationCreate(InputSchema):
    """Invite one customer: `send` e-mails the link, otherwise it is handed out by hand.
    A case or contact makes it a transactional survey (at most one each)."""

    customer_id: RecordId
    send: bool = False
    case_id: RecordId | None = None
    interaction_id: RecordId | None = None


class InvitationRead(BaseModel):
    """A new invitation: its id and the link (shown once: the store keeps only a hash)."""

    id: int
    url: str


class FigureRead(BaseModel):
    """One figure of a group with the ends of its 95 % interval and its answers."""

    value: float
    low: float
    high: float
    responses: int


class GroupRead(BaseModel):
    """One group's figures: `key` as stored (a month `2026-11`, a week's Monday, a code,
    a department's or survey's id, or `unknown`), `label` for people."""

    key: str
    label: str
    responses: int
    nps: FigureRead | None
    csat: FigureRead | None
    ces: FigureRead | None


class VoiceMetrics(BaseModel):
    """The survey figures: NPS on −100…100, CSAT as the percentage satisfied (4–5), CES as
    the mean effort (1–7), each with its 95 % interval, and the closed-loop rate; with
    `group_by`, the same per group."""

    model_config = ConfigDict(populate_by_name=True)

    survey_id: int | None
    responses: int
    nps: float | None
    nps_interval: list[float] | None
    csat: float | None
    csat_interval: list[float] | None
    ces: float | None
    ces_interval: list[float] | None
    follow_ups: int
    closed_loop_rate: float | None
    from_date: date | None = Field(None, serialization_alias="from")
    to_date: date | None = Field(None, serialization_alias="to")
    group_by: str | None = None
    groups: list[GroupRead] | None = None


class VerbatimRead(BaseModel):
    """A survey answer (`origin` survey, `id` the response's) or a feedback item (`origin`
    feedback, `id` the item's), in the customer's own words and language."""

    origin: str
    id: int
    received_at: datetime
    source: str
    survey_id: int | None
    scale: str | None
    score: float | None
    text: str
    language: str | None
    customer_id: int | None
    follow_up_case_id: int | None


class VerbatimPage(BaseModel):
    """The newest verbatims the caller may see, at most `limit`."""

    items: list[VerbatimRead]
    limit: int
