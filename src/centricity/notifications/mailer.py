"""Deliver the outbox over SMTP: claim, send, record; retried with backoff, audited.

Each message is claimed in its own short transaction (a conditional UPDATE, so two workers
never send one message twice), sent with no transaction open (a slow mail server never
holds the store's write lock), and its outcome recorded in another. A temporary failure
(4xx, a refused connection, a timeout) is retried after 1, 2, 4 … minutes, at most six
hours apart, up to ten attempts; a permanent one (5xx) is not retried. The stored error is
the exception's class and SMTP code only: server texts may quote addresses.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from centricity.audit import service as audit
from centricity.config import Settings
from centricity.kit.time import utcnow
from centricity.notifications.models import MailStatus, OutboxMessage

MAX_ATTEMPTS = 10
MAX_DELAY = timedelta(hours=6)
STALE_SENDING = timedelta(minutes=15)  # a worker that died mid-send: try the message again
BATCH = 100


@dataclass
class Delivery:
    """What one pass over the outbox did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


class PermanentFailure(Exception):
    """The server refused the message for good (5xx)."""


def deliver(session: Session, settings: Settings, *, now: datetime | None = None) -> Delivery:
    """Send every queued message that is due; commits per message (see module docstring).
    Without `CENTRICITY_SMTP_HOST` nothing is sent and nothing is lost."""
    report = Delivery()
    if not settings.smtp_host:
        return report
    now = now or utcnow()
    _requeue_stale(session, now)
    session.commit()
    due = select(OutboxMessage.id).where(
        OutboxMessage.status == MailStatus.QUEUED.value, OutboxMessage.next_attempt_at <= now
    )
    ids = list(session.scalars(due.order_by(OutboxMessage.next_attempt_at).limit(BATCH)))
    for message_id in ids:
        message = _claim(session, message_id, now)
        session.commit()
        if message is None:
            continue  # another worker took it
        try:
            _send(message, settings)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried or failed
            _record_failure(session, message, exc, now, report)
        else:
            message.status = MailStatus.SENT.value
            message.sent_at = utcnow()
            message.last_error = None
            report.sent += 1
            audit.record(
                session,
                actor=None,
                action="mail.sent",
                entity=("outbox_message", message.id),
                details={"attempt": message.attempts},
                actor_label="mailer",
            )
        session.commit()
    return report


def _requeue_stale(session: Session, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == MailStatus.SENDING.value,
            OutboxMessage.next_attempt_at < now - STALE_SENDING,
        )
        .values(status=MailStatus.QUEUED.value)
    )


def _claim(session: Session, message_id: int, now: datetime) -> OutboxMessage | None:
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.QUEUED.value)
        .values(
            status=MailStatus.SENDING.value,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return None
    message = session.get(OutboxMessage, message_id)
    if message is not None:
        session.refresh(message)
    return message


def compose(message: OutboxMessage, settings: Settings) -> EmailMessage:
    """The RFC 5322 message for an outbox row (its own Message-ID, sent as stored; headers
    stored with it, such as a department's From or the threading of a reply, win)."""
    mail = EmailMessage()
    # The body first: set_content drops every Content-* header set before it, which lost
    # the Content-Language of notices until a test of the customer's language caught it.
    mail.set_content(message.body)
    mail["From"] = settings.smtp_from
    mail["To"] = message.to_address
    mail["Subject"] = message.subject
    mail["Message-ID"] = message.message_id
    mail["Date"] = format_datetime(message.created_at)
    for name, value in message.headers.items():
        del mail[name]  # a stored header (a department's From) replaces the default
        mail[name] = value
    return mail


def _send(message: OutboxMessage, settings: Settings) -> None:
    mail = compose(message, settings)
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            password = ""
            if settings.smtp_password_file is not None:
                password = settings.smtp_password_file.read_text(encoding="utf-8").strip()
            smtp.login(settings.smtp_username, password)
        refused = smtp.send_message(mail)
    if refused:  # some recipients refused while others were accepted: one recipient here
        codes = [code for code, _ in refused.values()]
        if all(code >= 500 for code in codes):
            raise PermanentFailure(f"recipient refused {codes[0]}")


def _record_failure(
    session: Session, message: OutboxMessage, exc: Exception, now: datetime, report: Delivery
) -> None:
    code = _smtp_code(exc)
    permanent = isinstance(exc, PermanentFailure) or (code is not None and code >= 500)
    message.last_error = f"{type(exc).__name__}" + (f" {code}" if code else "")
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = MailStatus.FAILED.value
        report.failed += 1
        action = "mail.failed"
    else:
        message.status = MailStatus.QUEUED.value
        delay = min(timedelta(minutes=2 ** (message.attempts - 1)), MAX_DELAY)
        message.next_attempt_at = now + delay
        report.retried += 1
        action = "mail.retry"
    report.errors.append(message.last_error)
    audit.record(
        session,
        actor=None,
        action=action,
        entity=("outbox_message", message.id),
        details={"attempt": message.attempts, "error": message.last_error},
        actor_label="mailer",
    )


def _smtp_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPResponseException):
        return int(exc.smtp_code)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return int(min(codes)) if codes else None
    return None
