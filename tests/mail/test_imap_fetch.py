"""IMAP fetch against a real Dovecot: mail becomes cases once, replies thread, machine mail
does nothing, a dropped connection loses and duplicates nothing, one failing mailbox does
not stop the others, and an admin hears of one that keeps failing."""

from __future__ import annotations

import imaplib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import corpus
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

import imap_server
from centricity.accounts.models import Role
from centricity.cases import service as cases
from centricity.cases.models import Case, CaseMessage
from centricity.cases.schemas import CaseUpdate
from centricity.cli import app
from centricity.config import Settings
from centricity.db import make_engine, session_factory
from centricity.mail import imap
from centricity.mail.mailboxes import Mailbox
from centricity.mail.models import MailboxState, MailMessage
from centricity.migrations import runner
from centricity.notifications.models import Notification
from fixtures_web import make_user


@pytest.fixture()
def dovecot() -> Iterator[imap_server.ImapServer]:
    server = imap_server.start()
    yield server
    server.stop()


def _box(server: imap_server.ImapServer, name: str = "support") -> Mailbox:
    return Mailbox(
        name=name, department="Department A", address="podpora@firma.cz", imap_url=server.url
    )


def _count(db: Session, model: Any) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_delivered_mail_becomes_cases_once_and_stays_on_the_server(
    db: Session,
    session_maker: sessionmaker[Session],
    settings: Settings,
    personas: Any,
    dovecot: imap_server.ImapServer,
) -> None:
    dovecot.deliver(corpus.plain(), corpus.auto_reply("Auto-Submitted: auto-replied"))
    first = imap.fetch_all(session_maker, [_box(dovecot)], settings)
    assert (first.fetched, first.created, first.threaded, first.ignored) == (2, 1, 0, 1)
    case = db.scalar(select(Case))
    assert case is not None and case.channel == "email"
    cases.update(db, case=case, data=CaseUpdate(status="solved"), actor=personas.bob)
    db.commit()
    dovecot.deliver(corpus.gmail_reply("<eva-1@example.cz>", "<eva-1@example.cz>"))
    second = imap.fetch_all(session_maker, [_box(dovecot)], settings)
    assert (second.fetched, second.created, second.threaded, second.ignored) == (1, 0, 1, 0)
    db.refresh(case)
    assert case.status == "open"  # the customer's answer reopened it
    third = imap.fetch_all(session_maker, [_box(dovecot)], settings)
    assert (third.fetched, third.created, third.threaded, third.ignored) == (0, 0, 0, 0)
    assert dovecot.count() == 3 and dovecot.flagged(imap.KEYWORD) == [1, 2, 3]
    assert _count(db, Case) == 1 and _count(db, MailMessage) == 3


def test_a_connection_dropped_after_a_commit_loses_and_duplicates_nothing(
    db: Session,
    session_maker: sessionmaker[Session],
    settings: Settings,
    personas: Any,
    dovecot: imap_server.ImapServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    messages = [
        corpus.plain(message_id=f"<drop-{n}@example.cz>", sender=f"C <c{n}@x.cz>") for n in range(3)
    ]
    dovecot.deliver(*messages)
    real_uid = imaplib.IMAP4.uid
    stores = {"count": 0}

    def dropping(self: imaplib.IMAP4, command: str, *args: str) -> Any:
        if command == "STORE":
            stores["count"] += 1
            if stores["count"] == 2:  # the second message is committed, not yet flagged
                self.shutdown()
                raise OSError("connection reset by peer")
        return real_uid(self, command, *args)

    monkeypatch.setattr(imaplib.IMAP4, "uid", dropping)
    broken = imap.fetch_all(session_maker, [_box(dovecot)], settings)
    assert broken.failed == ["support"] and broken.created == 2
    monkeypatch.setattr(imaplib.IMAP4, "uid", real_uid)
    resumed = imap.fetch_all(session_maker, [_box(dovecot)], settings)
    assert (resumed.fetched, resumed.created, resumed.failed) == (1, 1, [])
    assert _count(db, Case) == 3 and _count(db, MailMessage) == 3
    assert dovecot.flagged(imap.KEYWORD) == [1, 2, 3]
    state = db.scalar(select(MailboxState))
    assert state is not None and (state.failures, state.last_error) == (0, None)


def test_a_failing_mailbox_does_not_stop_the_others_and_an_admin_hears_of_it_once(
    db: Session,
    session_maker: sessionmaker[Session],
    settings: Settings,
    personas: Any,
    dovecot: imap_server.ImapServer,
) -> None:
    closed = Mailbox(
        name="sales",
        department="Department A",
        address="obchod@firma.cz",
        imap_url=f"imap://x:y@127.0.0.1:{imap_server._free_port()}/INBOX",
    )
    dovecot.deliver(corpus.plain())
    for attempt in range(4):
        report = imap.fetch_all(session_maker, [closed, _box(dovecot)], settings)
        assert report.failed == ["sales"]
        assert report.created == (1 if attempt == 0 else 0)
    state = db.scalar(select(MailboxState).where(MailboxState.mailbox == "sales"))
    assert state is not None and (state.failures, state.last_error) == (4, "ConnectionRefusedError")
    notices = db.scalars(select(Notification).where(Notification.kind == "mail.failing")).all()
    assert [(n.user_id, n.params["mailbox"]) for n in notices] == [(personas.admin.id, "sales")]


def test_the_command_prints_its_summary_line(
    tmp_path: Path, dovecot: imap_server.ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'mail.db'}"
    engine = make_engine(url)
    runner.upgrade(engine)
    with session_factory(engine)() as db:
        make_user(db, "bob@test.example", Role.AGENT, "Support")
        db.commit()
    engine.dispose()
    boxes = tmp_path / "mailboxes.toml"
    table = '[support]\naddress = "podpora@firma.cz"\ndepartment = "Support"\n'
    boxes.write_text(f'{table}imap_url = "{dovecot.url}"\n', encoding="utf-8")
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", url)
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CENTRICITY_MAIL_MAILBOXES_FILE", str(boxes))
    dovecot.deliver(corpus.plain(), corpus.thunderbird_koi8r())
    first = CliRunner().invoke(app, ["mail", "fetch"])
    assert first.exit_code == 0, first.output
    assert first.output.strip().splitlines()[-1] == "fetched=2 created=2 threaded=0 ignored=0"
    again = CliRunner().invoke(app, ["mail", "fetch"])
    assert again.output.strip().splitlines()[-1] == "fetched=0 created=0 threaded=0 ignored=0"
    replies = select(func.count()).select_from(CaseMessage)
    with session_factory(make_engine(url))() as db:
        assert db.scalar(replies) == 0
