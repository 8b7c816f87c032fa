"""The invitation e-mail: in the customer's language, the main question's scores as one
link each (a GET only opens the page with that score chosen: scanners open every link),
and the unsubscribe link and headers of RFC 8058."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.kit import i18n
from centricity.kit.i18n import ViewerLocale, supported, use_locale
from centricity.notifications import service as notifications
from centricity.notifications import unsubscribe
from centricity.surveys.models import SCALES, Survey
from centricity.surveys.wording import MAIN_QUESTION, SCALE_ENDS


def language_for(survey: Survey, preferred: str | None) -> str:
    """The language to ask a customer in: theirs when the survey offers it, else the
    survey's first."""
    code = supported(preferred)
    return code if code in survey.languages else survey.languages[0]


def body(survey: Survey, *, first_name: str, url: str, unsubscribe_url: str) -> str:
    """The plain-text invitation in the current language."""
    greeting = i18n.gettext("Hello %(name)s,") % {"name": first_name} if first_name else ""
    lines = [greeting, "", i18n.gettext("Would you tell us how we did? It takes a minute."), ""]
    if survey.kind in SCALES:
        low, high = SCALES[survey.kind]
        lines += [i18n.gettext(MAIN_QUESTION[survey.kind]), ""]
        low_label, high_label = (i18n.gettext(text) for text in SCALE_ENDS[survey.kind])
        lines += [f"{score}: {url}?score={score}" for score in range(low, high + 1)]
        lines += ["", f"{low} = {low_label}, {high} = {high_label}", ""]
    else:
        lines += [url, ""]
    lines += [
        i18n.gettext("Thank you."),
        "",
        "--",
        i18n.gettext("Stop survey invitations: %(url)s") % {"url": unsubscribe_url},
    ]
    return "\n".join(line for line in lines if line is not None).lstrip("\n")


def queue(session: Session, *, survey: Survey, customer: Customer, url: str, now: datetime) -> None:
    """Write the invitation to the outbox in the customer's language."""
    assert customer.email  # the caller refused customers without an address
    language = language_for(survey, customer.preferred_language)
    leave = unsubscribe.unsubscribe_url(customer.id, unsubscribe.SURVEYS)
    first_name = customer.name.split()[0] if customer.kind == "person" and customer.name else ""
    with use_locale(ViewerLocale(language=language)):
        subject = i18n.gettext("How did we do?")
        text = body(survey, first_name=first_name, url=url, unsubscribe_url=leave)
    headers = {**unsubscribe.mail_headers(leave), "Auto-Submitted": "auto-generated"}
    notifications.queue_mail(
        session, to_address=customer.email, subject=subject, body=text, headers=headers, now=now
    )
