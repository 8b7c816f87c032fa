"""The outbox delivered to a real SMTP server (aiosmtpd): retries, permanent failures, audit."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.audit.models import AuditEntry
from centricity.config import Settings
from centricity.notifications import mailer
from centricity.notifications import service as notifications
from centricity.notifications.models import OutboxMessage

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Mailbox:
    """An SMTP handler that answers DATA with the next queued reply, then accepts."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.replies: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        del server, session
        if self.replies:
            return self.replies.pop(0)
        self.received.append(envelope.original_content)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def smtp() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on a free local port."""
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def _settings(settings: Settings, port: int, **extra: Any) -> Settings:
    return settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_from": "desk@firma.cz", **extra}
    )


def _queue(db: Session, settings: Settings | None = None) -> OutboxMessage:
    return notifications.queue_mail(
        db,
        to_address="agent@firma.cz",
        subject="Případ #7: první odpověď do 10:00",
        body="Cíl první odpovědi vyprší v 10:00.",
        headers=dict(notifications.AUTO_GENERATED),
        now=T0,
        settings=settings,
    )


def test_it_retries_after_the_server_refuses_once_then_delivers(
    db: Session, settings: Settings, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    box.replies = ["451 4.3.0 Try again later"]
    message = _queue(db, _settings(settings, port))
    first = mailer.deliver(db, _settings(settings, port), now=T0)
    assert (first.sent, first.retried, first.failed) == (0, 1, 0)
    db.refresh(message)
    assert (message.status, message.attempts, message.last_error) == (
        "queued",
        1,
        "SMTPDataError 451",
    )
    assert message.next_attempt_at >= T0 + timedelta(minutes=1)
    too_early = mailer.deliver(db, _settings(settings, port), now=T0 + timedelta(seconds=30))
    assert too_early.sent == 0  # the backoff is respected
    second = mailer.deliver(db, _settings(settings, port), now=T0 + timedelta(minutes=5))
    assert second.sent == 1
    db.refresh(message)
    assert message.status == "sent" and message.sent_at is not None
    assert len(box.received) == 1
    mail = message_from_bytes(box.received[0], policy=default_policy)
    assert mail["Message-ID"] == message.message_id and message.message_id.endswith("@firma.cz>")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Subject"] == "Případ #7: první odpověď do 10:00"
    assert mail.get_content().strip() == "Cíl první odpovědi vyprší v 10:00."
    audited = db.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == str(message.id))
    ).all()
    assert sorted(audited) == ["mail.retry", "mail.sent"]
    assert mailer.deliver(db, _settings(settings, port), now=T0 + timedelta(hours=1)).sent == 0


def test_a_permanent_refusal_is_not_retried(
    db: Session, settings: Settings, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    box.replies = ["550 5.1.1 No such mailbox"]
    message = _queue(db)
    report = mailer.deliver(db, _settings(settings, port), now=T0)
    assert (report.failed, report.retried) == (1, 0)
    db.refresh(message)
    assert (message.status, message.last_error) == ("failed", "SMTPDataError 550")
    assert mailer.deliver(db, _settings(settings, port), now=T0 + timedelta(days=1)).sent == 0


def test_a_server_that_is_down_is_retried_later_and_nothing_is_lost(
    db: Session, settings: Settings
) -> None:
    message = _queue(db)
    report = mailer.deliver(db, _settings(settings, _free_port()), now=T0)
    assert report.retried == 1
    db.refresh(message)
    assert message.status == "queued" and message.last_error == "ConnectionRefusedError"


def test_without_a_server_mail_waits_in_the_outbox(db: Session, settings: Settings) -> None:
    message = _queue(db)
    assert mailer.deliver(db, settings, now=T0).sent == 0
    db.refresh(message)
    assert (message.status, message.attempts) == ("queued", 0)


def test_it_logs_in_with_the_password_from_its_file(
    db: Session, settings: Settings, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    _, port = smtp
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n", encoding="utf-8")
    message = _queue(db)
    configured = _settings(settings, port, smtp_username="desk", smtp_password_file=secret)
    report = mailer.deliver(db, configured, now=T0)
    # aiosmtpd offers no AUTH without TLS by default: the login is attempted and refused,
    # which is a failure the mailer reports without the password anywhere.
    db.refresh(message)
    assert report.sent + report.retried + report.failed == 1
    assert "s3cret" not in (message.last_error or "")
