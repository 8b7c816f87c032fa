"""The notice to the customers who asked for an idea, when it is done.

One e-mail per customer through the one outbox, in the customer's preferred language
(else the installation's), with an unsubscribe link and the one-click headers (RFC 8058).
Nobody is mailed twice for the same idea: the outbox's unique `dedupe_key`
(`idea-done:IDEA:CUSTOMER`) is looked up first, so done → planned → done mails once.
Never mailed: a customer without an address, an erased one, one who unsubscribed from
idea news, and the employee who made the change (a customer record with their address).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.config import Settings, get_settings
from centricity.customers.models import Customer
from centricity.ideas.models import Idea, IdeaRequester
from centricity.kit import i18n
from centricity.kit.i18n import noop
from centricity.notifications import service as notifications
from centricity.notifications import unsubscribe
from centricity.notifications.models import OutboxMessage

TOPIC = unsubscribe.IDEAS
SUBJECT = noop("Done: %(title)s")
GREETING = noop("Hello %(name)s,")
BODY = noop(
    "you asked us for this: %(title)s. We have done it. Thank you for telling us what "
    "matters to you."
)
UNSUBSCRIBE = noop("To stop news about the ideas you asked for, open: %(url)s")


def dedupe_key(idea_id: int, customer_id: int) -> str:
    """The outbox key of one customer's done notice for one idea."""
    return f"idea-done:{idea_id}:{customer_id}"


def language_of(customer: Customer, settings: Settings) -> str:
    """The customer's preferred language, else the installation's."""
    return (
        i18n.supported(customer.preferred_language)
        or i18n.supported(settings.default_language)
        or i18n.SOURCE_LANGUAGE
    )


def compose(idea: Idea, customer: Customer, language: str, url: str) -> tuple[str, str]:
    """The notice's subject and body in `language`."""
    with i18n.use_locale(i18n.ViewerLocale(language=language)):
        subject = i18n.gettext(SUBJECT) % {"title": idea.title}
        lines = [
            i18n.gettext(GREETING) % {"name": customer.name},
            i18n.gettext(BODY) % {"title": idea.title},
            i18n.gettext(UNSUBSCRIBE) % {"url": url},
        ]
    return subject, "\n\n".join(lines)


def recipients(session: Session, idea: Idea, *, actor: User) -> list[Customer]:
    """The idea's requesting customers who get the notice (see the module docstring)."""
    query = (
        select(Customer)
        .join(IdeaRequester, IdeaRequester.customer_id == Customer.id)
        .where(IdeaRequester.idea_id == idea.id, Customer.erased_at.is_(None))
        .order_by(Customer.id)
    )
    acting = (actor.email or "").strip().lower()
    addressed = [
        customer
        for customer in session.scalars(query)
        if customer.email and customer.email.strip().lower() != acting
    ]
    refused = unsubscribe.unsubscribed_ids(
        session, customer_ids=[c.id for c in addressed], topic=TOPIC
    )
    return [customer for customer in addressed if customer.id not in refused]


def queue_done(
    session: Session,
    idea: Idea,
    *,
    actor: User,
    now: datetime,
    settings: Settings | None = None,
) -> list[OutboxMessage]:
    """Queue the done notice to each recipient not mailed about this idea before."""
    settings = settings or get_settings()
    chosen = recipients(session, idea, actor=actor)
    keys = {dedupe_key(idea.id, c.id) for c in chosen}
    sent = set(
        session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys)))
    )
    queued = []
    for customer in chosen:
        if dedupe_key(idea.id, customer.id) not in sent:
            queued.append(_queue_one(session, idea, customer, now=now, settings=settings))
    return queued


def _queue_one(
    session: Session, idea: Idea, customer: Customer, *, now: datetime, settings: Settings
) -> OutboxMessage:
    assert customer.email is not None
    language = language_of(customer, settings)
    url = unsubscribe.unsubscribe_url(customer.id, TOPIC, settings=settings)
    subject, body = compose(idea, customer, language, url)
    return notifications.queue_mail(
        session,
        to_address=customer.email,
        subject=subject,
        body=body,
        headers={
            **notifications.AUTO_GENERATED,
            **unsubscribe.mail_headers(url),
            "Content-Language": language,
        },
        dedupe_key=dedupe_key(idea.id, customer.id),
        now=now,
        settings=settings,
    )
