"""A public reply on a case that came by e-mail goes to the customer, threaded.

Registered with the service desk (`cases.service.on_public_reply`): in the transaction of
the reply, the answer is written to the notifications outbox (the one way out for mail)
addressed to whoever wrote to the case last, with our own Message-ID, `In-Reply-To` naming
their last message and `References` carrying the thread, the case tag `[#ID]` in the
subject, and the sender name and signature of the mailbox the case came through. It is
recorded in `mail_messages` so the customer's answer threads back onto the case.
"""

from __future__ import annotations

from email.utils import formataddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department
from centricity.cases import service as cases
from centricity.cases.models import Case, CaseMessage
from centricity.config import get_settings
from centricity.mail import mailboxes, subjects
from centricity.mail.models import Direction, MailMessage, Outcome
from centricity.notifications import service as notifications

MAX_REFERENCES = 20


@cases.on_public_reply
def send_reply(session: Session, case: Case, message: CaseMessage) -> None:
    """Send a staff member's public reply to the customer when the case came by e-mail."""
    last = session.scalar(
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
    if last is None or last.from_address is None:
        return  # the case did not come by e-mail
    settings = get_settings()
    box = mailboxes.by_name(mailboxes.load(settings), last.mailbox)
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
    body = message.body
    if box and box.signature:
        body = f"{body}\n\n-- \n{box.signature}"
    subject = subjects.tagged(case.subject, case.id)
    sent = notifications.queue_mail(
        session,
        to_address=last.from_address,
        subject=subject,
        body=body,
        headers=headers,
        dedupe_key=f"case-reply:{message.id}",
        now=message.created_at,
        settings=settings,
    )
    session.add(
        MailMessage(
            direction=Direction.OUT.value,
            mailbox=last.mailbox,
            message_id=sent.message_id,
            outcome=Outcome.SENT.value,
            case_id=case.id,
            case_message_id=message.id,
            outbox_message_id=sent.id,
            customer_id=case.customer_id,
            from_address=address.lower(),
            from_name=name[:200],
            to_addresses=[last.from_address],
            subject=subject[:300],
            in_reply_to=last.message_id,
            references=references,
            automatic=False,
            size=len(body.encode()),
            received_at=message.created_at,
        )
    )
