"""Contact-log use cases: log a contact, list and read contacts the actor may see."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, func, not_, or_, select, true
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.audit import service as audit
from centricity.customers import service as customer_service
from centricity.customers.models import ContactPerson
from centricity.interactions.models import Interaction
from centricity.interactions.schemas import InteractionCreate
from centricity.kit.errors import Conflict, Invalid, NotFound, PermissionDenied
from centricity.kit.i18n import lazy
from centricity.kit.pagination import MAX_LIMIT, Page

# One answer for every taken external id, whether or not the caller may see the record
# that holds it: the answer must not tell another department that a confidential contact
# exists, nor point at it.
EXTERNAL_ID_TAKEN = lazy("not available: another record uses this id; choose another")


def visibility(actor: User) -> ColumnElement[bool]:
    """The rule every read and write path applies: confidential contacts stay inside their
    department (a user without one sees only their own); admins see all."""
    if actor.role_enum is Role.ADMIN:
        return true()
    own_department = (
        Interaction.department_id == actor.department_id
        if actor.department_id is not None
        else Interaction.user_id == actor.id  # no department: only one's own notes
    )
    return or_(Interaction.confidential.is_(False), own_department)


def _not_owned_by(actor: User) -> ColumnElement[bool]:
    """Contacts of another department (for a user without one: logged by someone else),
    stated null-safely: NOT of a comparison with NULL would let imported contacts of no
    department through."""
    if actor.department_id is not None:
        return Interaction.department_id.is_distinct_from(actor.department_id)
    return Interaction.user_id.is_distinct_from(actor.id)


def hidden_from(actor: User) -> ColumnElement[bool]:
    """The contacts `visibility` keeps from the actor, so that a write path can refuse
    them without naming them."""
    if actor.role_enum is Role.ADMIN:
        return false()
    return and_(Interaction.confidential.is_(True), _not_owned_by(actor))


def read_only_for(actor: User) -> ColumnElement[bool]:
    """Contacts the actor may read but not change: another department's open contacts.
    A department's contact log is written by that department (and admins) only, so an
    import or ingest cannot rewrite another department's note or make it confidential."""
    if actor.role_enum is Role.ADMIN:
        return false()
    return and_(Interaction.confidential.is_(False), _not_owned_by(actor))


def visible_to(actor: User) -> Select[Interaction]:
    """The only way to query contacts: confidential ones stay inside their department."""
    return select(Interaction).where(visibility(actor))


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
        raise NotFound(lazy("interaction not found"))
    return row


def create(session: Session, *, data: InteractionCreate, actor: User) -> Interaction:
    """Log a contact by the actor, on behalf of the actor's department."""
    customer = customer_service.get(session, data.customer_id, actor=actor)
    if data.contact_person_id is not None:
        person = session.get(ContactPerson, data.contact_person_id)
        if person is None or person.customer_id != customer.id:
            raise Invalid(
                lazy("contact person does not belong to this customer"),
                field="contact_person_id",
            )
    if data.external_id is not None and session.scalar(
        select(Interaction.id).where(Interaction.external_id == data.external_id)
    ):
        raise Invalid(EXTERNAL_ID_TAKEN, field="external_id")
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
    for follower in _CREATE_FOLLOWERS:
        follower(session, row, actor)
    return row


# (session, the new contact, the person who logged it)
CreateFollower = Callable[[Session, Interaction, User], None]
_CREATE_FOLLOWERS: builtins.list[CreateFollower] = []


def on_create(follower: CreateFollower) -> CreateFollower:
    """Register a function called in the transaction after a person logged a contact, so
    a later domain can act on it (a survey campaign invites the customer) without this
    domain knowing that domain."""
    _CREATE_FOLLOWERS.append(follower)
    return follower


def refuse_hidden_on_delete(session: Session, *, customer_id: int, actor: User) -> None:
    """Refuse to delete a customer whose contacts include some the actor may not see: the
    delete would cascade to another department's confidential notes. The answer names no
    contact and no department; only an admin, who sees all, can delete such a customer."""
    hidden = select(Interaction.id).where(
        Interaction.customer_id == customer_id, hidden_from(actor)
    )
    if session.scalar(hidden.limit(1)) is not None:
        raise Conflict(
            lazy(
                "the customer has history that must be kept; use erasure "
                "(centricity erase-person) to anonymise, or ask an administrator"
            )
        )


def delete(session: Session, *, interaction: Interaction, actor: User) -> None:
    """Remove a contact logged by mistake (managers of its department and admins): another
    department's contact log is not the actor's to change, by any path."""
    writable = select(Interaction.id).where(
        Interaction.id == interaction.id, not_(read_only_for(actor))
    )
    if session.scalar(writable) is None:
        raise PermissionDenied(lazy("only the contact's own department or an admin can delete it"))
    audit.record(
        session, actor=actor, action="interaction.delete", entity=("interaction", interaction.id)
    )
    session.delete(interaction)
    session.flush()
