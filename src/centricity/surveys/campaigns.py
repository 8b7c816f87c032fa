"""Campaign use cases: create, list, change a survey's campaigns, and their figures.

A manager runs the campaigns of surveys that belong to no department or to their own;
an admin runs all. A campaign's department filter names the manager's own department
(admins: any), so nobody sends surveys about another department's cases in its name.
"""

from __future__ import annotations

import builtins
import re
from collections import defaultdict
from typing import Any, cast

from pydantic import ValidationError
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.audit import service as audit
from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.kit.errors import Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.time import utcnow
from centricity.surveys import campaign_recipients
from centricity.surveys.campaign_models import SurveyCampaign, SurveyCampaignRecipient
from centricity.surveys.campaign_schemas import (
    CampaignCreate,
    CampaignFigures,
    CampaignRules,
    CampaignUpdate,
    SurveySettings,
)
from centricity.surveys.models import Survey, SurveyInvitation, SurveyResponse, SurveySkip

MAX_LIST_ENTRIES = 20_000
_SEPARATORS = re.compile(r"[\s,;]+")


def may_manage(survey: Survey, actor: User) -> bool:
    """Whether the actor runs this survey's campaigns: admins all, managers those of
    surveys of no department or of their own."""
    if actor.role_enum is Role.ADMIN:
        return True
    if actor.role_enum is not Role.MANAGER:
        return False
    return survey.department_id is None or survey.department_id == actor.department_id


def _check_manager(survey: Survey, actor: User) -> None:
    if not may_manage(survey, actor):
        raise PermissionDenied(lazy("only a manager of the survey's department runs campaigns"))


def update_survey(session: Session, *, survey: Survey, data: SurveySettings, actor: User) -> None:
    """Rename a survey, pause or activate it, or change its cadence (its managers)."""
    _check_manager(survey, actor)
    survey.name, survey.active, survey.cadence_days = (
        data.name.strip(),
        data.active,
        data.cadence_days,
    )
    session.flush()
    audit.record(session, actor=actor, action="survey.update", entity=("survey", survey.id))


def _check_department(department_id: int | None, actor: User) -> None:
    if department_id is None or actor.role_enum is Role.ADMIN:
        return
    if department_id != actor.department_id:
        raise Invalid(lazy("choose your own department"), field="department_id")


def create(
    session: Session, *, survey: Survey, data: CampaignCreate, actor: User
) -> tuple[SurveyCampaign, builtins.list[str]]:
    """Create a campaign of the survey; an audience list is resolved now, and the entries
    that match no customer are returned, never dropped silently."""
    _check_manager(survey, actor)
    _check_department(data.department_id, actor)
    campaign = SurveyCampaign(
        survey_id=survey.id,
        created_by_user_id=actor.id,
        **data.model_dump(exclude={"customers", "name", "trigger", "send"}),
        name=data.name.strip(),
        trigger=data.trigger.value,
        send=data.send.value,
    )
    session.add(campaign)
    session.flush()
    unknown = _add_list(session, campaign, data.customers, actor)
    audit.record(session, actor=actor, action="survey.campaign.create", entity=_entity(campaign))
    return campaign, unknown


def _entity(campaign: SurveyCampaign) -> tuple[str, int]:
    return ("survey_campaign", campaign.id)


def _add_list(
    session: Session, campaign: SurveyCampaign, text: str | None, actor: User
) -> builtins.list[str]:
    if not text or not text.strip():
        return []
    found, unknown = resolve_list(session, text, actor=actor)
    campaign_recipients.add(session, campaign.id, found)
    return unknown


def resolve_list(
    session: Session, text: str, *, actor: User
) -> tuple[builtins.list[int], builtins.list[str]]:
    """The customers a pasted list names (ids, external ids or e-mail addresses, one per
    line or separated by commas), in order without repeats, and the entries that name
    none the actor may see (an erased person is unknown)."""
    entries = list(dict.fromkeys(e for e in _SEPARATORS.split(text.strip()) if e))
    if len(entries) > MAX_LIST_ENTRIES:
        message = lazy("at most %(count)s customers per list", count=MAX_LIST_ENTRIES)
        raise Invalid(message, field="customers")
    seen = customers.accessible_customers(actor).where(Customer.erased_at.is_(None))
    by_entry: dict[str, int] = {}
    for chunk in (entries[i : i + 500] for i in range(0, len(entries), 500)):
        by_entry.update(_match(session, seen, chunk))
    found = list(dict.fromkeys(by_entry[e] for e in entries if e in by_entry))
    return found, [e for e in entries if e not in by_entry]


def _match(session: Session, seen: Any, chunk: builtins.list[str]) -> dict[str, int]:
    """Each entry's customer: an e-mail by address (any case), else an external id, else
    a number as the customer's id."""
    emails = {e.lower(): e for e in chunk if "@" in e}
    others = [e for e in chunk if "@" not in e]
    matched: dict[str, int] = {}
    query = seen.with_only_columns(Customer.id, Customer.email, Customer.external_id)
    if emails:
        wanted = builtins.list(emails) + builtins.list(emails.values())
        for cid, email, _ext in session.execute(query.where(Customer.email.in_(wanted))):
            matched.setdefault(emails.get(str(email).lower(), str(email)), cid)
    if others:
        for cid, _email, ext in session.execute(query.where(Customer.external_id.in_(others))):
            matched[str(ext)] = cid
        numbers = {int(e): e for e in others if e.isdigit() and e not in matched and len(e) < 12}
        for cid, _email, _ext in session.execute(query.where(Customer.id.in_(numbers))):
            matched[numbers[cid]] = cid
    return matched


def get(session: Session, campaign_id: int) -> SurveyCampaign:
    """One campaign (every member of staff may read campaigns), or NotFound."""
    campaign = session.get(SurveyCampaign, campaign_id)
    if campaign is None:
        raise NotFound(lazy("campaign not found"))
    return campaign


def list_for(session: Session, survey_id: int) -> builtins.list[SurveyCampaign]:
    """A survey's campaigns, oldest first."""
    query = select(SurveyCampaign).where(SurveyCampaign.survey_id == survey_id)
    return builtins.list(session.scalars(query.order_by(SurveyCampaign.id)))


def update(
    session: Session, *, campaign: SurveyCampaign, data: CampaignUpdate, actor: User
) -> builtins.list[str]:
    """Pause or activate a campaign or change its filters; the result is checked as a
    whole, as a new campaign would be. Returns the unknown entries of an added list."""
    survey = session.get(Survey, campaign.survey_id)
    assert survey is not None  # a campaign's survey is deleted with it
    _check_manager(survey, actor)
    changes = data.model_dump(exclude_unset=True, exclude={"customers"})
    fields = builtins.list(CampaignRules.model_fields)
    merged = {name: getattr(campaign, name) for name in fields} | changes
    rules = _checked(merged)
    if "department_id" in changes:
        _check_department(rules.department_id, actor)
    for name in fields:
        value = getattr(rules, name)
        setattr(campaign, name, getattr(value, "value", value))
    campaign.updated_at = utcnow()
    session.flush()
    unknown = _add_list(session, campaign, data.customers, actor) if data.customers else []
    details = {"fields": sorted(data.model_dump(exclude_unset=True))}
    audit.record(
        session,
        actor=actor,
        action="survey.campaign.update",
        entity=_entity(campaign),
        details=details,
    )
    return unknown


def _checked(merged: dict[str, Any]) -> CampaignRules:
    """The changed campaign checked as a whole; a rule it breaks is a 422 naming it."""
    try:
        return CampaignRules.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        error = (first.get("ctx") or {}).get("error")
        message = str(error) if isinstance(error, ValueError) else str(first["msg"])
        field = str(first["loc"][0]) if first.get("loc") else None
        raise Invalid(lazy(message), field=field) from None


def check_may_send(session: Session, campaign: SurveyCampaign, actor: User) -> None:
    """Refuse a send by anyone but a manager of the survey's department (or an admin)."""
    survey = session.get(Survey, campaign.survey_id)
    assert survey is not None
    _check_manager(survey, actor)


def figures(session: Session, survey_id: int) -> dict[int, CampaignFigures]:
    """Each campaign's invitations, e-mails, skips by reason, answers and response rate,
    in four grouped queries whatever the number of campaigns."""
    of_survey = SurveyCampaign.survey_id == survey_id
    found: dict[int, CampaignFigures] = defaultdict(CampaignFigures)
    invited = (
        select(
            SurveyInvitation.campaign_id,
            func.count(SurveyInvitation.id),
            func.count(SurveyInvitation.sent_at),
            func.count(SurveyResponse.finished_at),
        )
        .join(SurveyCampaign, SurveyCampaign.id == SurveyInvitation.campaign_id)
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .where(of_survey)
        .group_by(SurveyInvitation.campaign_id)
    )
    for cid, count, sent, answered in session.execute(invited):
        row = found[cast(int, cid)]
        row.invited, row.sent, row.answered = int(count), int(sent), int(answered)
        row.response_rate = round(row.answered / row.invited, 4) if row.invited else None
    skipped = (
        select(SurveySkip.campaign_id, SurveySkip.reason, func.count())
        .join(SurveyCampaign, SurveyCampaign.id == SurveySkip.campaign_id)
        .where(of_survey)
        .group_by(SurveySkip.campaign_id, SurveySkip.reason)
    )
    for cid, reason, count in session.execute(skipped):
        found[cast(int, cid)].skipped[str(reason)] = int(count)
    waiting = func.count(SurveyCampaignRecipient.id).filter(
        SurveyCampaignRecipient.outcome.is_(None)
    )
    audience = (
        select(SurveyCampaignRecipient.campaign_id, func.count(), waiting)
        .join(
            SurveyCampaign,
            and_(SurveyCampaign.id == SurveyCampaignRecipient.campaign_id, of_survey),
        )
        .group_by(SurveyCampaignRecipient.campaign_id)
    )
    for cid, count, pending in session.execute(audience):
        found[cid].audience, found[cid].waiting = int(count), int(pending)
    return dict(found)
