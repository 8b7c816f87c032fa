"""Personal data of the customers domain: the customer record and its contact people.

Erasure anonymises instead of deleting, so orders, contact statistics and every aggregate
that counts customers stay correct; the record keeps only its id, kind and coarse facts.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.customers import service as customer_service
from centricity.customers.models import ContactPerson, Customer
from centricity.kit.time import utcnow
from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows

P = Classification.PERSONAL
S = Classification.PSEUDONYMOUS
N = Classification.NONE

CLASSIFICATION: Tables = {
    "customers": {
        "id": S,
        # Another system's customer number identifies the person there, so it is erased.
        "external_id": P,
        "kind": N,
        "name": P,
        "email": P,
        "phone": P,
        "phone_e164": P,  # the phone in E.164, emptied with it
        # Coarse facts shared by many customers; kept for per-country and language figures.
        "preferred_language": S,
        "country": S,
        "postcode": P,
        "attributes": P,
        "search_key": P,
        "created_at": S,
        "updated_at": S,
        "erased_at": S,
    },
    "contact_people": {
        "id": S,
        "customer_id": S,
        "name": P,
        "email": P,
        "phone": P,
        "job_title": P,
        "created_at": S,
    },
}


def _customers(session: Session, person: PersonRef) -> list[Customer]:
    if not person.customer_ids:
        return []
    query = select(Customer).where(Customer.id.in_(person.customer_ids)).order_by(Customer.id)
    return list(session.scalars(query))


def _contact_people(session: Session, person: PersonRef) -> list[ContactPerson]:
    if not person.contact_person_ids:
        return []
    query = select(ContactPerson).where(ContactPerson.id.in_(person.contact_person_ids))
    return list(session.scalars(query.order_by(ContactPerson.id)))


def export(session: Session, person: PersonRef) -> Export:
    """The person's customer profiles and contact-person rows, for a data-subject request."""
    return {
        "customers": to_rows(_customers(session, person), CLASSIFICATION["customers"]),
        "contact_people": to_rows(
            _contact_people(session, person), CLASSIFICATION["contact_people"]
        ),
    }


def _anonymise_customer(customer: Customer) -> None:
    customer.name = f"Erased customer #{customer.id}"
    customer.external_id = None
    customer.email = None
    customer.phone = None
    customer.postcode = None
    customer.attributes = {}
    customer.erased_at = utcnow()
    customer_service.refresh_search_key(customer)


def _anonymise_contact(contact: ContactPerson) -> None:
    contact.name = f"Erased contact #{contact.id}"
    contact.email = None
    contact.phone = None
    contact.job_title = None


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Anonymise the person's customer records and contact people in place (ids stay)."""
    customers = _customers(session, person)
    contacts = _contact_people(session, person)
    for customer in customers:
        _anonymise_customer(customer)
    for contact in contacts:
        _anonymise_contact(contact)
    session.flush()
    return {"customers": len(customers), "contact_people": len(contacts)}
