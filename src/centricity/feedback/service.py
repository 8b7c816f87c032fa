"""Feedback use cases: record what a customer said or scored, from any source, and list
the items a member of staff may see.

Who sees an item: whoever sees its customer (every active employee), except that an item
linked to a case or a contact is seen only by those who see that case or contact, since a
marked note of a confidential contact or a case of another department carries their words.
Who adds one: agents, managers and admins, for customers they see, linking only the cases,
contacts and orders of that customer that they see. System callers (survey answers) use
`record`, which checks the same rules about the data but not about a person.
"""

from __future__ import annotations

import builtins
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.analytics.text import language as languages
from centricity.audit import service as audit
from centricity.cases import service as cases
from centricity.cases.models import Case
from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.feedback.models import MAX_TEXT, FeedbackItem
from centricity.feedback.schemas import SOURCE_PATTERN, FeedbackCreate, check_score
from centricity.interactions import service as interactions
from centricity.interactions.models import Interaction
from centricity.kit.errors import Conflict, Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.pagination import MAX_LIMIT, Page
from centricity.kit.schema import check_text
from centricity.kit.time import utcnow
from centricity.orders.models import Order


def visibility(actor: User) -> ColumnElement[bool]:
    """The rule of who sees an item, as a condition on the feedback table."""
    seen_customers = customers.accessible_customers(actor).with_only_columns(Customer.id)
    seen_cases = cases.visible_cases(actor).with_only_columns(Case.id)
    seen_contacts = interactions.visible_to(actor).with_only_columns(Interaction.id)
    return and_(
        FeedbackItem.customer_id.in_(seen_customers),
        or_(FeedbackItem.case_id.is_(None), FeedbackItem.case_id.in_(seen_cases)),
        or_(
            FeedbackItem.interaction_id.is_(None),
            FeedbackItem.interaction_id.in_(seen_contacts),
        ),
    )


def visible_items(actor: User) -> Select[FeedbackItem]:
    """The only door to the feedback table for a member of staff."""
    return select(FeedbackItem).where(visibility(actor))


def get(session: Session, item_id: int, *, actor: User) -> FeedbackItem:
    """One item the actor may see; any other is not found (404)."""
    item = session.scalar(visible_items(actor).where(FeedbackItem.id == item_id))
    if item is None:
        raise NotFound(lazy("feedback item not found"))
    return item


def list(
    session: Session,
    *,
    actor: User,
    customer_id: int | None = None,
    case_id: int | None = None,
    source: str | None = None,
    theme_id: int | None = None,
    sentiment: str | None = None,
    language: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[FeedbackItem]:
    """Items the actor may see, newest first, by customer, case, source, theme, sentiment
    or language."""
    limit = max(1, min(limit, MAX_LIMIT))
    query = visible_items(actor)
    if theme_id is not None:
        query = query.where(FeedbackItem.theme_id == theme_id)
    if sentiment is not None:
        query = query.where(FeedbackItem.sentiment == sentiment)
    if language is not None:
        query = query.where(FeedbackItem.language == language)
    if customer_id is not None:
        query = query.where(FeedbackItem.customer_id == customer_id)
    if case_id is not None:
        query = query.where(FeedbackItem.case_id == case_id)
    if source is not None:
        query = query.where(FeedbackItem.source == source)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(FeedbackItem.received_at.desc(), FeedbackItem.id.desc())
    rows = session.scalars(ordered.limit(limit).offset(offset))
    return Page(items=builtins.list(rows), total=int(total), limit=limit, offset=offset)


def check_content(score: Decimal | None, scale: str | None, text: str) -> None:
    """Refuse a score off its scale (or without one), text that cannot be stored as given
    (NUL, broken Unicode, over `MAX_TEXT`) and an item that says nothing."""
    try:
        check_text(text)
    except ValueError as exc:
        raise Invalid(lazy(str(exc)), field="text") from None
    if len(text) > MAX_TEXT:
        too_long = lazy("must be at most %(max_length)s characters", max_length=MAX_TEXT)
        raise Invalid(too_long, field="text")
    problem = check_score(score, scale)
    if problem is not None:
        raise Invalid(lazy(problem), field="scale" if score is None else "score")
    if score is None and not text.strip():
        raise Invalid(lazy("give a score, a text or both"), field="text")


def resolve_language(language: str | None, text: str) -> str | None:
    """The code given (normalised), else the one detected in the text, else None."""
    if language:
        code = languages.normalise(language)
        if code is None:
            raise Invalid(lazy("use a language code, e.g. cs or pl-PL"), field="language")
        return code
    return languages.detect(text) if text else None


def _owners(actor: User | None) -> dict[str, Select[Any]]:
    """Per link field: the query of the linked record's customer, among those the actor
    sees (None: a system caller, who sees every record)."""
    case_rows = cases.visible_cases(actor) if actor else select(Case)
    contact_rows = interactions.visible_to(actor) if actor else select(Interaction)
    return {
        "case_id": case_rows.with_only_columns(Case.customer_id),
        "interaction_id": contact_rows.with_only_columns(Interaction.customer_id),
        "order_id": select(Order.customer_id),
    }


_LINKED_ID = {"case_id": Case.id, "interaction_id": Interaction.id, "order_id": Order.id}


def _check_links(
    session: Session, customer_id: int, links: dict[str, int | None], actor: User | None
) -> None:
    """Each linked case, contact and order exists, is the customer's, and (for a person)
    is one the actor sees; otherwise the field is refused without saying more."""
    owners = _owners(actor)
    for field, record_id in links.items():
        if record_id is None:
            continue
        owner: int | None = session.scalar(owners[field].where(_LINKED_ID[field] == record_id))
        if owner != customer_id:
            raise Invalid(lazy("no such record of this customer"), field=field)


def _check_external_id(session: Session, source: str, external_id: str | None) -> None:
    if external_id is None:
        return
    taken = select(FeedbackItem.id).where(
        FeedbackItem.source == source, FeedbackItem.external_id == external_id
    )
    if session.scalar(taken) is not None:
        raise Conflict(
            lazy("an item from this source with this external id exists"), field="external_id"
        )


def create(session: Session, *, data: FeedbackCreate, actor: User) -> FeedbackItem:
    """Add an item from another source for a customer the actor sees (agents and up)."""
    if actor.role_enum is Role.VIEWER:
        raise PermissionDenied(lazy("viewers cannot add feedback"))
    try:
        customers.get(session, data.customer_id, actor=actor)
    except NotFound:
        raise Invalid(lazy("no such customer"), field="customer_id") from None
    check_content(data.score, data.scale, data.text)
    links = {"case_id": data.case_id, "interaction_id": data.interaction_id}
    _check_links(session, data.customer_id, {**links, "order_id": data.order_id}, actor)
    _check_external_id(session, data.source, data.external_id)
    item = FeedbackItem(
        **data.model_dump(exclude={"language", "received_at"}),
        language=resolve_language(data.language, data.text),
        received_at=data.received_at or utcnow(),
        recorded_by_user_id=actor.id,
    )
    return _add(session, item, actor)


def _add(session: Session, item: FeedbackItem, actor: User | None) -> FeedbackItem:
    item.created_at = utcnow()
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="feedback.create",
        entity=("feedback", item.id),
        details={"source": item.source},
    )
    return item


def record(
    session: Session,
    *,
    customer_id: int,
    source: str,
    score: Decimal | int | None,
    scale: str | None,
    text: str,
    language: str | None,
    received_at: datetime,
    case_id: int | None = None,
    interaction_id: int | None = None,
    order_id: int | None = None,
    survey_response_id: int | None = None,
) -> FeedbackItem:
    """Store an item for a system caller (the surveys domain, one per answer): the same
    rules about the data as `create` (score on its scale, links of this customer, language
    as given or detected), no person's rights. `score` is exact (Decimal or int: a float
    such as 4.3 is not). Raises Invalid naming the field."""
    if not re.fullmatch(SOURCE_PATTERN, source):
        raise Invalid(lazy("use a short lower-case code, e.g. survey"), field="source")
    if session.get(Customer, customer_id) is None:
        raise Invalid(lazy("no such customer"), field="customer_id")
    value = Decimal(score) if score is not None else None
    check_content(value, scale, text)
    links = {"case_id": case_id, "interaction_id": interaction_id, "order_id": order_id}
    _check_links(session, customer_id, links, None)
    item = FeedbackItem(
        customer_id=customer_id,
        source=source,
        score=value,
        scale=scale,
        text=text,
        language=resolve_language(language, text),
        received_at=received_at,
        survey_response_id=survey_response_id,
        **links,
    )
    return _add(session, item, None)


def for_case(session: Session, case: Case, *, actor: User) -> builtins.list[FeedbackItem]:
    """The items about a case that the actor may see, oldest first (the case page)."""
    query = visible_items(actor).where(FeedbackItem.case_id == case.id)
    return builtins.list(session.scalars(query.order_by(FeedbackItem.received_at)))
