"""Data-subject requests: find a person by e-mail, export everything, erase on request.

Both requests are audited with ids and counts only, never the address or other values.
Erasure changes rows in the caller's transaction; old copies the engine keeps in its files
(search index segments, WAL, dead tuples) are removed after commit by `privacy.residue`,
once per batch, for the tables `touched_tables` names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.audit import service as audit
from centricity.customers.models import ContactPerson, Customer
from centricity.kit.time import utcnow
from centricity.privacy.registry import PersonRef, personal_tables, privacy_modules

REQUEST_ENTITY = "privacy_request"


@dataclass(frozen=True)
class ErasureReport:
    """What one erasure found and how many rows it changed per table."""

    email: str
    customer_ids: tuple[int, ...] = ()
    contact_person_ids: tuple[int, ...] = ()
    user_ids: tuple[int, ...] = ()
    changed: dict[str, int] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """Tell whether anything belonged to the address (False on a repeated erasure)."""
        return bool(self.customer_ids or self.contact_person_ids or self.user_ids)


def _ids(session: Session, query: Select[int]) -> tuple[int, ...]:
    return tuple(sorted(int(i) for i in session.scalars(query)))


def find_person(session: Session, email: str) -> PersonRef:
    """Find every customer, contact person and staff user with this e-mail (any case)."""
    wanted = email.strip().lower()
    customers = _ids(session, select(Customer.id).where(func.lower(Customer.email) == wanted))
    # People acting for a business are persons of their own: only their own e-mail finds them.
    contacts = select(ContactPerson.id).where(func.lower(ContactPerson.email) == wanted)
    contact_ids = _ids(session, contacts)
    users = _ids(session, select(User.id).where(func.lower(User.email) == wanted))
    other_emails = session.scalars(
        select(ContactPerson.email).where(
            ContactPerson.id.in_(contact_ids), ContactPerson.email.is_not(None)
        )
    )
    return PersonRef(
        email=wanted,
        customer_ids=customers,
        contact_person_ids=contact_ids,
        user_ids=users,
        emails=tuple(sorted({wanted, *(e.lower() for e in other_emails if e)})),
    )


def _request_details(person: PersonRef) -> dict[str, Any]:
    return {
        "found": person.found,
        "customer_ids": list(person.customer_ids),
        "contact_person_ids": list(person.contact_person_ids),
        "user_ids": list(person.user_ids),
    }


def export_person(session: Session, *, email: str, actor_label: str) -> dict[str, Any]:
    """Everything stored about a person, table by table, ready for JSON (right of access)."""
    person = find_person(session, email)
    data: dict[str, list[dict[str, Any]]] = {}
    for module in privacy_modules():
        data.update(module.export(session, person))
    audit.record(
        session,
        actor=None,
        action="privacy.export",
        entity=(REQUEST_ENTITY, None),
        details=_request_details(person),
        actor_label=actor_label,
    )
    session.flush()
    return {
        "email": person.email,
        "found": person.found,
        "exported_at": utcnow().isoformat(),
        "data": data,
    }


def erase_person(session: Session, *, email: str, actor_label: str) -> ErasureReport:
    """Anonymise a person in every domain (right to erasure); a repeat finds nothing."""
    person = find_person(session, email)
    changed: dict[str, int] = {}
    if person.found:
        for module in privacy_modules():
            changed.update(module.erase(session, person))
    audit.record(
        session,
        actor=None,
        action="privacy.erase",
        entity=(REQUEST_ENTITY, None),
        details={**_request_details(person), "changed": changed},
        actor_label=actor_label,
    )
    session.flush()
    return ErasureReport(
        email=person.email,
        customer_ids=person.customer_ids,
        contact_person_ids=person.contact_person_ids,
        user_ids=person.user_ids,
        changed=changed,
    )


def erase_people(
    session: Session, *, emails: Sequence[str], actor_label: str
) -> list[ErasureReport]:
    """Erase several people in one transaction, so the clean-up of the store's files after
    commit (`privacy.residue`) runs once for the whole batch."""
    return [erase_person(session, email=email, actor_label=actor_label) for email in emails]


def touched_tables(reports: Iterable[ErasureReport]) -> set[str]:
    """Tables in which the erasures changed or deleted rows (they hold old row versions);
    when nothing was erased (a run repeated to finish an interrupted clean-up), every
    table with personal data, as the earlier run's tables are not known."""
    touched = {t for report in reports for t, count in report.changed.items() if count}
    return touched or personal_tables()
