"""Customer use cases: find, read, create, change and delete customer records."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, SQLColumnExpression, exists, func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.customers import search
from centricity.customers.models import ContactPerson, Customer
from centricity.customers.schemas import ContactPersonCreate, CustomerCreate, CustomerUpdate
from centricity.kit.errors import Conflict, NotFound
from centricity.kit.i18n import lazy
from centricity.kit.pagination import MAX_LIMIT, Page
from centricity.kit.text import digits, search_key
from centricity.kit.validation import MAX_ID
from centricity.telephony.phones import customer_e164


def accessible_customers(actor: User) -> Select[Customer]:
    """The only way to query customers: every active employee knows every customer."""
    query = select(Customer)
    if not actor.is_active:
        query = query.where(Customer.id.is_(None))
    return query


def refresh_search_key(customer: Customer) -> None:
    """Recompute the keys a customer is found by: the folded key that search indexes (name,
    e-mail, phone digits, ids) and the E.164 phone a caller's number is matched against."""
    customer.phone_e164 = customer_e164(customer.phone, customer.country)
    customer.search_key = search_key(
        customer.name,
        customer.email,
        digits(customer.phone) or None,
        customer.external_id,
        customer.postcode,
    )


def list(
    session: Session,
    *,
    actor: User,
    q: str | None = None,
    segment: str | None = None,
    tier: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Customer]:
    """A page of customers by name, optionally matching a search text, a value segment and a
    service tier (of the latest value run), with the total."""
    from centricity.value import queries as value_queries  # value builds on customers

    limit = max(1, min(limit, MAX_LIMIT))
    query = value_queries.filter_customers(
        accessible_customers(actor), session, segment=segment, tier=tier
    )
    order: SQLColumnExpression[Any] = Customer.name
    if q and q.strip():
        matches = search.find(session, q)
        if matches.fts_term is not None and not (segment or tier) and actor.is_active:
            return _newest_matches(session, matches.fts_term, limit, offset)
        query = query.where(search.to_condition(matches))
        if matches.order is not None:
            order = matches.order  # the matcher's index already holds this order
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(order, Customer.id).limit(limit).offset(offset))
    return Page(items=[*rows], total=int(total), limit=limit, offset=offset)


def _newest_matches(session: Session, term: str, limit: int, offset: int) -> Page[Customer]:
    # Too many matches to sort by name fast (see customers/search.py): newest first.
    ids = search.fts_page(session, term, limit, offset)
    found = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    items = [found[i] for i in ids if i in found]
    total = search.fts_count(session, term)
    return Page(items=items, total=total, limit=limit, offset=offset, order="newest")


def get(session: Session, customer_id: int, *, actor: User) -> Customer:
    """Load one customer the actor may see, or raise NotFound."""
    customer = session.scalar(accessible_customers(actor).where(Customer.id == customer_id))
    if customer is None:
        raise NotFound(lazy("customer not found"))
    return customer


def named_in_form(session: Session, value: object, *, actor: User) -> Customer | None:
    """The customer a form names by id (`?customer_id=12`), when the actor may see them;
    None for no id, a malformed one or one they may not see (the form then asks again)."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:
        return None
    return session.scalar(accessible_customers(actor).where(Customer.id == int(text)))


@dataclass(frozen=True)
class PublicView:
    """All a public page (a survey or unsubscribe link, no sign-in) may know of a
    customer: the first name to greet them by and the language to speak."""

    first_name: str
    language: str | None


def public_view(session: Session, customer_id: int) -> PublicView | None:
    """What a link sent to this customer may show; None for an erased or unknown one. A
    business customer's name is not a person's first name, so it is left out."""
    row = session.execute(
        select(Customer.name, Customer.kind, Customer.preferred_language).where(
            Customer.id == customer_id, Customer.erased_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    return _public(row.name, row.kind, row.preferred_language)


def public_view_of(customer: Customer | None) -> PublicView | None:
    """`public_view` of a customer already loaded (a survey link reads it with its
    invitation); None for an erased or missing one."""
    if customer is None or customer.erased_at is not None:
        return None
    return _public(customer.name, customer.kind, customer.preferred_language)


def _public(name: str, kind: str, language: str | None) -> PublicView:
    first = name.split()[0] if kind == "person" and name.strip() else ""
    return PublicView(first_name=first, language=language)


def get_by_external_id(session: Session, external_id: str) -> Customer | None:
    """Find a customer by the id another system gave it (imports, integrations)."""
    return session.scalar(select(Customer).where(Customer.external_id == external_id))


def _check_external_id(session: Session, external_id: str | None, own_id: int | None) -> None:
    if external_id is None:
        return
    other = get_by_external_id(session, external_id)
    if other is not None and other.id != own_id:
        raise Conflict(lazy("another customer has this external_id"), field="external_id")


def create(session: Session, *, data: CustomerCreate, actor: User | None) -> Customer:
    """Create a customer; the external id must be unique."""
    _check_external_id(session, data.external_id, None)
    customer = Customer(**data.model_dump())
    refresh_search_key(customer)
    session.add(customer)
    session.flush()
    audit.record(session, actor=actor, action="customer.create", entity=("customer", customer.id))
    return customer


def update(session: Session, *, customer: Customer, data: CustomerUpdate, actor: User) -> Customer:
    """Apply the fields the caller sent; the audit log names the fields, not their values."""
    changes = data.model_dump(exclude_unset=True)
    if "external_id" in changes:
        _check_external_id(session, changes["external_id"], customer.id)
    for field, value in changes.items():
        setattr(customer, field, {} if field == "attributes" and value is None else value)
    refresh_search_key(customer)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="customer.update",
        entity=("customer", customer.id),
        details={"fields": sorted(changes)},
    )
    return customer


def delete(session: Session, *, customer: Customer, actor: User) -> None:
    """Delete a customer without orders (orders are accounting records: erase instead)."""
    from centricity.orders.models import Order

    if session.scalar(select(exists().where(Order.customer_id == customer.id))):
        raise Conflict(
            lazy("the customer has orders; use erasure (centricity erase-person) to anonymise")
        )
    audit.record(session, actor=actor, action="customer.delete", entity=("customer", customer.id))
    session.delete(customer)
    session.flush()


def contact_people(session: Session, *, customer: Customer) -> builtins.list[ContactPerson]:
    """The people acting for a business customer, by name."""
    query = select(ContactPerson).where(ContactPerson.customer_id == customer.id)
    return [*session.scalars(query.order_by(ContactPerson.name))]


def add_contact_person(
    session: Session, *, customer: Customer, data: ContactPersonCreate, actor: User
) -> ContactPerson:
    """Record a person who buys or calls for a business customer."""
    person = ContactPerson(customer_id=customer.id, **data.model_dump())
    session.add(person)
    session.flush()
    audit.record(
        session, actor=actor, action="contact_person.create", entity=("contact_person", person.id)
    )
    return person


def count(session: Session, *, actor: User) -> int:
    """How many customers the actor can see (dashboard figure)."""
    query = accessible_customers(actor)
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
