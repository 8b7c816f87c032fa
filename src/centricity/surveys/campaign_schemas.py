"""Input and output shapes of survey campaigns (REST API and the survey page)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from centricity.kit.i18n import noop
from centricity.kit.schema import InputSchema
from centricity.kit.validation import RecordId
from centricity.surveys.campaign_models import SendBy, Trigger

# A pasted list longer than this is an import, not a campaign form.
MAX_LIST_CHARS = 500_000
EVENT_TRIGGERS = (Trigger.CASE_SOLVED, Trigger.CONTACT_LOGGED, Trigger.ORDER_DELIVERED)
CHANNEL_TRIGGERS = (Trigger.CASE_SOLVED, Trigger.CONTACT_LOGGED)


class CampaignRules(InputSchema):
    """What a campaign does, checked as a whole: each trigger takes only its own filters."""

    name: str = Field(min_length=1, max_length=200)
    trigger: Trigger
    department_id: RecordId | None = None
    channel: str | None = Field(None, min_length=1, max_length=20, pattern=r"^[a-z_]+$")
    days: int | None = Field(None, ge=1, le=3650)
    delay_hours: int = Field(0, ge=0, le=24 * 60)
    segment: str | None = Field(None, min_length=1, max_length=40)
    tier: str | None = Field(None, min_length=1, max_length=40)
    send: SendBy = SendBy.EMAIL
    active: bool = True

    @model_validator(mode="after")
    def _filters_fit_the_trigger(self) -> CampaignRules:
        if self.trigger == Trigger.DAYS_AFTER_FIRST_PURCHASE and self.days is None:
            raise ValueError(noop("give the number of days after the first purchase"))
        if self.trigger != Trigger.DAYS_AFTER_FIRST_PURCHASE and self.days is not None:
            raise ValueError(noop("days apply only to the days-after-first-purchase trigger"))
        if self.trigger not in CHANNEL_TRIGGERS and self.channel is not None:
            raise ValueError(noop("a channel applies only to solved cases and logged contacts"))
        if self.trigger not in EVENT_TRIGGERS and self.department_id is not None:
            raise ValueError(noop("a department applies only to cases, contacts and deliveries"))
        if self.trigger != Trigger.AUDIENCE and (self.segment or self.tier):
            raise ValueError(noop("a segment or tier applies only to an audience campaign"))
        if self.segment and self.tier:
            raise ValueError(noop("choose a segment or a tier, not both"))
        return self


class CampaignCreate(CampaignRules):
    """A new campaign; an audience campaign names a segment, a tier or a list of customers
    (ids, external ids or e-mail addresses, one per line or separated by commas)."""

    customers: str | None = Field(None, max_length=MAX_LIST_CHARS)

    @model_validator(mode="after")
    def _audience_named(self) -> CampaignCreate:
        listed = bool(self.customers and self.customers.strip())
        if self.trigger == Trigger.AUDIENCE and not (self.segment or self.tier or listed):
            raise ValueError(noop("an audience needs a segment, a tier or a list of customers"))
        if self.trigger == Trigger.AUDIENCE and listed and (self.segment or self.tier):
            raise ValueError(noop("choose a segment, a tier or a list, not several"))
        if self.trigger != Trigger.AUDIENCE and listed:
            raise ValueError(noop("a list of customers applies only to an audience campaign"))
        return self


class CampaignUpdate(InputSchema):
    """Pause or activate a campaign, rename it or change its filters (only those given);
    `customers` adds more customers to an audience list."""

    name: str | None = Field(None, min_length=1, max_length=200)
    active: bool | None = None
    department_id: RecordId | None = None
    channel: str | None = Field(None, min_length=1, max_length=20, pattern=r"^[a-z_]+$")
    days: int | None = Field(None, ge=1, le=3650)
    delay_hours: int | None = Field(None, ge=0, le=24 * 60)
    segment: str | None = Field(None, min_length=1, max_length=40)
    tier: str | None = Field(None, min_length=1, max_length=40)
    send: SendBy | None = None
    customers: str | None = Field(None, max_length=MAX_LIST_CHARS)


class CampaignFigures(BaseModel):
    """What a campaign has done: invitations, e-mailed ones, skips by reason, answers and
    the response rate (answers per invitation), plus its audience still waiting."""

    invited: int = 0
    sent: int = 0
    skipped: dict[str, int] = Field(default_factory=dict)
    answered: int = 0
    response_rate: float | None = None
    audience: int = 0
    waiting: int = 0


class CampaignRead(BaseModel):
    """A campaign as the API shows it, with its figures."""

    id: int
    survey_id: int
    name: str
    trigger: str
    department_id: int | None
    channel: str | None
    days: int | None
    delay_hours: int
    segment: str | None
    tier: str | None
    send: str
    active: bool
    created_by_user_id: int | None
    created_at: datetime
    figures: CampaignFigures


class CampaignCreated(CampaignRead):
    """A new campaign; `unknown` lists the entries of its customer list that matched no
    customer (nothing is dropped silently)."""

    unknown: list[str] = Field(default_factory=list)


class SendStarted(BaseModel):
    """An audience send queued: the job that works through it."""

    campaign_id: int
    job_id: int


class SurveySettings(InputSchema):
    """A survey's own settings a manager may change on its page."""

    name: str = Field(min_length=1, max_length=200)
    active: bool = True
    cadence_days: int | None = Field(None, ge=1, le=3650)
