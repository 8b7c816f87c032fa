"""The reminder e-mail to a customer before their event, in their language.

Written to the one outbox (`notifications.queue_mail`) in the job's transaction, in the
customer's preferred language (else the installation's), with the time on the event's
own clock, from the owning department's name. It is mail a program sends on its own, not
an answer to anything: `Auto-Submitted: auto-generated` (RFC 3834), so auto-responders
stay quiet, while a person's reply still reaches us.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import formataddr

from sqlalchemy.orm import Session

from centricity.accounts.models import Department
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.events.models import Event, EventNotice
from centricity.kit import i18n, localeformat
from centricity.kit.i18n import noop
from centricity.notifications import service as notifications
from centricity.notifications.models import OutboxMessage

SUBJECTS = {
    "delivery": noop("Reminder: your delivery on %(when)s"),
    "visit": noop("Reminder: our visit on %(when)s"),
    "appointment": noop("Reminder: your appointment on %(when)s"),
    "service": noop("Reminder: our service visit on %(when)s"),
}
INTROS = {
    "delivery": noop("We will deliver to you on %(when)s."),
    "visit": noop("We will visit you on %(when)s."),
    "appointment": noop("Your appointment is on %(when)s."),
    "service": noop("Our service technician will come on %(when)s."),
}
GREETING = noop("Hello %(name)s,")
PLACE = noop("Place: %(place)s")
CLOSING = noop("If this time does not suit you, please reply to this message.")


def language_of(customer: Customer, settings: Settings) -> str:
    """The customer's preferred language, else the installation's."""
    return (
        i18n.supported(customer.preferred_language)
        or i18n.supported(settings.default_language)
        or i18n.SOURCE_LANGUAGE
    )


def compose(event: Event, customer: Customer, department: str, language: str) -> tuple[str, str]:
    """The reminder's subject and body in `language`, times on the event's clock."""
    with i18n.use_locale(i18n.ViewerLocale(language=language, time_zone=event.time_zone)):
        when = localeformat.datetime_text(event.starts_at)
        subject = i18n.gettext(SUBJECTS[event.kind]) % {"when": when}
        lines = [
            i18n.gettext(GREETING) % {"name": customer.name},
            i18n.gettext(INTROS[event.kind]) % {"when": when},
        ]
        if event.place:
            lines.append(i18n.gettext(PLACE) % {"place": event.place})
        lines.append(i18n.gettext(CLOSING))
    body = "\n\n".join(lines)
    return subject, f"{body}\n\n{department}" if department else body


def queue(
    session: Session,
    event: Event,
    customer: Customer,
    notice: EventNotice,
    *,
    now: datetime,
    settings: Settings,
) -> OutboxMessage | None:
    """Write the reminder of one notice to the outbox (None: the customer has no address)."""
    if not customer.email or customer.erased_at is not None:
        return None
    language = language_of(customer, settings)
    department = session.get(Department, event.department_id)
    name = department.name if department is not None else ""
    subject, body = compose(event, customer, name, language)
    sender = formataddr((name, settings.smtp_from)) if name else settings.smtp_from
    return notifications.queue_mail(
        session,
        to_address=customer.email,
        subject=subject,
        body=body,
        headers={
            "From": sender,
            "Auto-Submitted": "auto-generated",
            "Content-Language": language,
        },
        dedupe_key=f"event-notice:{notice.id}",
        now=now,
        settings=settings,
    )
