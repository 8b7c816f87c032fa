"""Mail to the customer on a case that came by e-mail: staff replies, and the automatic
acknowledgement and solved notices, all threaded.

A public reply (`cases.service.on_public_reply`) is written to the notifications outbox
(the one way out for mail) in the transaction of the reply, addressed to whoever wrote to
the case last, with our own Message-ID, `In-Reply-To` naming their last message and
`References` carrying the thread, the case tag `[#ID]` in the subject, and the sender name
and signature of the mailbox the case came through. It is recorded in `mail_messages` so
the customer's answer threads back onto the case.

A mailbox can also acknowledge a new case (`acknowledge = true`) and tell the customer when
it is solved (`notify_solved = true`), in the customer's preferred language (else the
mailbox's, else the installation's). Those carry `Auto-Submitted: auto-replied` (RFC 3834)
and at most `CENTRICITY_MAIL_AUTO_REPLIES_PER_HOUR` go to one customer in an hour, so two
help desks cannot answer each other forever; the ones held back are logged by case number.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.utils import formataddr

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department
from centricity.cases import service as cases
from centricity.cases.models import Case, CaseMessage, Status
from centricity.config import Settings, get_settings
from centricity.customers.models import Customer
from centricity.jobs import service as jobs
from centricity.jobs.models import Job
from centricity.kit import i18n
from centricity.kit.i18n import noop
from centricity.kit.time import utcnow
from centricity.mail import mailboxes, subjects
from centricity.mail.mailboxes import Mailbox
from centricity.mail.models import Direction, MailMessage, Outcome
from centricity.notifications import service as notifications

LOG = logging.getLogger(__name__)
MAX_REFERENCES = 20
AUTO_REPLIED = {"Auto-Submitted": "auto-replied"}
SEND_JOB = "notifications.send"
ACKNOWLEDGEMENT = noop(
    "Thank you for your message. We have opened case #%(case_id)s and will answer as soon "
    "as we can. Please keep the case number in the subject when you write to us about it."
)
SOLVED = noop(
    "Your case #%(case_id)s has been solved. If something is still not right, reply to "
    "this message and the case opens again."
)


@cases.on_public_reply
def send_reply(session: Session, case: Case, message: CaseMessage) -> None:
    """Send a staff member's public reply to the customer when the case came by e-mail."""
    _send(session, case, message.body, reply_to=message, automatic=False)


@cases.on_status_change
def send_solved(session: Session, case: Case, old: str, new: str) -> None:
    """Tell the customer their case is solved, when its mailbox says so."""
    if new != Status.SOLVED.value or old == new:
        return
    last = _last_received(session, case)
    box = _mailbox(last) if last is not None else None
    if box is not None and box.notify_solved:
        _send_notice(session, case, box, SOLVED)


def acknowledge(session: Session, case: Case, box: Mailbox) -> None:
    """Answer the first message of a case that mail opened with its case number, when the
    mailbox says so (called by `inbound.receive`)."""
    if box.acknowledge:
        _send_notice(session, case, box, ACKNOWLEDGEMENT)


def _send_notice(session: Session, case: Case, box: Mailbox, text: str) -> None:
    """An automatic notice in the customer's language, unless the hourly cap is reached."""
    settings = get_settings()
    if case.customer_id is not None and _over_cap(session, case.customer_id, settings):
        LOG.info("automatic mail on case %s held back: hourly cap reached", case.id)
        return
    customer = session.get(Customer, case.customer_id) if case.customer_id else None
    language = (
        i18n.supported(customer.preferred_language if customer else None)
        or box.language
        or i18n.supported(settings.default_language)
        or i18n.SOURCE_LANGUAGE
    )
    with i18n.use_locale(i18n.ViewerLocale(language=language)):
        body = i18n.gettext(text) % {"case_id": case.id}
    _send(session, case, body, reply_to=None, automatic=True, language=language)


def _over_cap(session: Session, customer_id: int, settings: Settings) -> bool:
    since = utcnow() - timedelta(hours=1)
    sent = session.scalar(
        select(func.count()).where(
            MailMessage.customer_id == customer_id,
            MailMessage.direction == Direction.OUT.value,
            MailMessage.automatic.is_(True),
            MailMessage.received_at >= since,
        )
    )
    return int(sent or 0) >= settings.mail_auto_replies_per_hour


def _last_received(session: Session, case: Case) -> MailMessage | None:
    return session.scalar(
        select(MailMessage)
        .where(
            MailMessage.case_id == case.id,
            MailMessage.direction == Direction.IN.value,
            MailMessage.automatic.is_(False),
            MailMessage.from_address.is_not(None),
        )
        .order_by(MailMessage.received_at.desc(), MailMessage.id.desc())
        .limit(1)
    )


def _mailbox(last: MailMessage) -> Mailbox | None:
    return mailboxes.by_name(mailboxes.load(get_settings()), last.mailbox)


def _send(
    session: Session,
    case: Case,
    text: str,
    *,
    reply_to: CaseMessage | None,
    automatic: bool,
    language: str | None = None,
) -> None:
    """Write one threaded message to the customer's last address into the outbox."""
    last = _last_received(session, case)
    if last is None or last.from_address is None:
        return  # the case did not come by e-mail
    settings = get_settings()
    box = _mailbox(last)
    department = session.get(Department, case.department_id)
    name = (box.sender_name if box else "") or (department.name if department else "")
    address = box.address if box else settings.smtp_from
    references = [*last.references, *([last.message_id] if last.message_id else [])]
    references = references[-MAX_REFERENCES:]
    headers = {"From": formataddr((name, address)) if name else address}
    if last.message_id:
        headers["In-Reply-To"] = last.message_id
    if references:
        headers["References"] = " ".join(references)
    if automatic:
        headers.update(AUTO_REPLIED)
    if language:
        headers["Content-Language"] = language
    body = f"{text}\n\n-- \n{box.signature}" if box and box.signature else text
    subject = subjects.tagged(case.subject, case.id)
    now = reply_to.created_at if reply_to is not None else utcnow()
    key = f"case-reply:{reply_to.id}" if reply_to is not None else None
    sent = notifications.queue_mail(
        session,
        to_address=last.from_address,
        subject=subject,
        body=body,
        headers=headers,
        dedupe_key=key,
        now=now,
        settings=settings,
    )
    session.add(
        MailMessage(
            direction=Direction.OUT.value,
            mailbox=last.mailbox,
            message_id=sent.message_id,
            outcome=Outcome.SENT.value,
            case_id=case.id,
            case_message_id=reply_to.id if reply_to is not None else None,
            outbox_message_id=sent.id,
            customer_id=case.customer_id,
            from_address=address.lower(),
            from_name=name[:200],
            to_addresses=[last.from_address],
            subject=subject[:300],
            in_reply_to=last.message_id,
            references=references,
            automatic=automatic,
            size=len(body.encode()),
            received_at=now,
        )
    )
    session.flush()
    _send_soon(session)


def _send_soon(session: Session) -> None:
    """Have the outbox delivered at the worker's next poll (seconds), not at the minute's
    scheduled run: a customer waits for an answer, a staff notice can wait the minute."""
    waiting = session.scalar(
        select(Job.id)
        .where(Job.kind == SEND_JOB, Job.status == jobs.JobStatus.QUEUED.value)
        .limit(1)
    )
    if waiting is None:
        jobs.enqueue(session, kind=SEND_JOB)
