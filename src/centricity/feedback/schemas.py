"""Input and output shapes of feedback items (REST API, import, system callers)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from centricity.analytics.text import language as languages
from centricity.feedback.models import MAX_EXTERNAL_ID, MAX_SOURCE, MAX_TEXT, SCALES
from centricity.kit.i18n import noop
from centricity.kit.schema import InputSchema
from centricity.kit.validation import ExternalId, RecordId, UtcDatetime

SOURCE_PATTERN = rf"^[a-z][a-z0-9_]{{0,{MAX_SOURCE - 1}}}$"
SCALE_PATTERN = rf"^({'|'.join(SCALES)})$"


def _language_code(value: str | None) -> str | None:
    """A language tag as given (`PL`, `pl-PL`) becomes its code; blank means unknown."""
    if value is None or not value.strip():
        return None
    code = languages.normalise(value)
    if code is None:
        raise ValueError(noop("use a language code, e.g. cs or pl-PL"))
    return code


Source = Annotated[str, Field(pattern=SOURCE_PATTERN, max_length=MAX_SOURCE)]
ScaleCode = Annotated[str, Field(pattern=SCALE_PATTERN)]
Language = Annotated[str | None, Field(max_length=35), AfterValidator(_language_code)]
Score = Annotated[Decimal, Field(ge=-1_000, le=1_000, decimal_places=2, allow_inf_nan=False)]


SCALE_NEEDS_SCORE = noop("a scale needs a score")
SCORE_NEEDS_SCALE = noop("a score needs its scale: nps, csat, ces, stars or percent")
NOT_ON_SCALE = noop(
    "is not a score of this scale (nps 0–10, csat 1–5, ces 1–7, stars 1–5 in halves, percent 0–100)"
)


def check_score(score: Decimal | None, scale: str | None) -> str | None:
    """Why a score cannot be stored on its scale (None: it can): a score needs a scale and
    must be one of its values; a scale without a score is meaningless."""
    if score is None:
        return SCALE_NEEDS_SCORE if scale else None
    if scale is None:
        return SCORE_NEEDS_SCALE
    return None if SCALES[scale].holds(score) else NOT_ON_SCALE


class FeedbackCreate(InputSchema):
    """A feedback item from another source: a score on its scale, the customer's words, or
    both. `language` as given (`pl`, `pl-PL`), else detected from the text; `received_at`
    defaults to now. `external_id` with `source` makes re-sending the same item a 409.
    The rules that need the store or span fields (score on its scale) are the service's."""

    customer_id: RecordId
    source: Source = Field(description="Short lower-case code: review, survey, email, ...")
    score: Score | None = None
    scale: ScaleCode | None = Field(None, description="nps, csat, ces, stars or percent")
    text: str = Field("", max_length=MAX_TEXT)
    language: Language = None
    received_at: UtcDatetime | None = None
    case_id: RecordId | None = None
    interaction_id: RecordId | None = None
    order_id: RecordId | None = None
    external_id: ExternalId | None = Field(None, max_length=MAX_EXTERNAL_ID)


class FeedbackRead(BaseModel):
    """A feedback item as the API shows it; `text` exactly as the customer wrote it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int | None
    source: str
    score: float | None
    scale: str | None
    text: str
    language: str | None
    received_at: datetime
    case_id: int | None
    interaction_id: int | None
    order_id: int | None
    survey_response_id: int | None
    external_id: str | None
    marked_interaction_id: int | None
    marked_case_message_id: int | None
    created_at: datetime
    # Added by the text analysis (`centricity voice analyze`); null until then.
    sentiment: str | None = None
    sentiment_probability: float | None = None
    theme_id: int | None = None


class FeedbackPage(BaseModel):
    """One page of feedback items, newest first, with the total that matched."""

    items: list[FeedbackRead]
    total: int
    limit: int
    offset: int
