"""Contact-log use cases: log a contact, list and read contacts the actor may see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.audit import service as audit
from centricity.customers import service as customer_service
from centricity.customers.models import ContactPerson
from centricity.interactions.models import Interaction
from centricity.interactions.schemas import InteractionCreate
from centricity.kit.errors import Invalid, NotFound
from centricity.kit.pagination import MAX_LIMIT, Page


def visible_to(actor: User) -> Select[Interaction]:
    """The only way to query contacts: confidential ones stay inside their department."""
    query = select(Interaction)
    if actor.role_enum is Role.ADMIN:
        return query
    own_department = (
        Interaction.department_id == actor.department_id
        if actor.department_id is not None
        else Interaction.user_id == actor.id  # no department: only one's own notes
    )
    return query.where(or_(Interaction.confidential.is_(False), own_department))


def list(
    session: Session,
    *,
    actor: User,
    customer_id: int | None = None,
    channel: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Interaction]:
    """A page of contacts, newest first, filtered by customer, channel and time."""
    query = visible_to(actor)
    if customer_id is not None:
        query = query.where(Interaction.customer_id == customer_id)
    if channel is not None:
        query = query.where(Interaction.channel == channel)
    if since is not None:
        query = query.where(Interaction.started_at >= since)
    if until is not None:
        query = query.where(Interaction.started_at < until)
    limit = max(1, min(limit, MAX_LIMIT))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(Interaction.started_at.desc(), Interaction.id.desc())
    rows = session.scalars(ordered.limit(limit).offset(offset))
    return Page(items=[*rows], total=int(total), limit=limit, offset=offset)


def get(session: Session, interaction_id: int, *, actor: User) -> Interaction:
    """Load one contact the actor may see, or raise NotFound."""
    row: Interaction | None = session.scalar(
        visible_to(actor).where(Interaction.id == interaction_id)
    )
    if row is None:
        raise NotFound("interaction not found")
    return row


def create(session: Session, *, data: InteractionCreate, actor: User) -> Interaction:
    """Log a contact by the actor, on behalf of the actor's department."""
    customer = customer_service.get(session, data.customer_id, actor=actor)
    if data.contact_person_id is not None:
        person = session.get(ContactPerson, data.contact_person_id)
        if person is None or person.customer_id != customer.id:
            raise Invalid(
                "contact person does not belong to this customer", field="contact_person_id"
            )
    if data.external_id is not None and session.scalar(
        select(Interaction.id).where(Interaction.external_id == data.external_id)
    ):
        raise Invalid("another interaction has this external_id", field="external_id")
    row = Interaction(
        **data.model_dump(exclude={"channel", "direction"}),
        channel=data.channel.value,
        direction=data.direction.value,
        user_id=actor.id,
        department_id=actor.department_id,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="interaction.create", entity=("interaction", row.id))
    return row


def delete(session: Session, *, interaction: Interaction, actor: User) -> None:
    """Remove a contact logged by mistake (managers and admins)."""
    audit.record(
        session, actor=actor, action="interaction.delete", entity=("interaction", interaction.id)
    )
    session.delete(interaction)
    session.flush()
