"""The admin page of the mail channel: mailboxes with their state, and the quarantine with
download, import again and delete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import corpus
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from centricity.app import create_app
from centricity.cases.models import Case
from centricity.config import Settings
from centricity.kit.time import utcnow
from centricity.mail import inbound
from centricity.mail.mailboxes import Mailbox
from centricity.mail.models import MailAttachment, MailboxState, MailMessage, MailQuarantine
from fixtures_web import sign_in


@pytest.fixture()
def mail_app(
    settings: Settings,
    session_maker: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> FastAPI:
    boxes = tmp_path / "mailboxes.toml"
    boxes.write_text(
        '[support]\naddress = "podpora@firma.cz"\ndepartment = "Department A"\n'
        'imap_url = "imap://desk:secret@127.0.0.1:1/INBOX"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CENTRICITY_MAIL_MAILBOXES_FILE", str(boxes))
    return create_app(
        settings.model_copy(update={"mail_mailboxes_file": boxes}), sessions=session_maker
    )


def test_admins_see_mailboxes_and_work_the_quarantine(
    db: Session, mail_app: FastAPI, personas: Any
) -> None:
    box = Mailbox(name="support", department="Department A", address="podpora@firma.cz")
    good = corpus.plain()
    inbound.quarantine(db, good, box, "import failed: OperationalError", utcnow())
    inbound.quarantine(db, b"\r\n\r\njunk", box, "no headers", utcnow())
    db.add(MailboxState(mailbox="support", failures=2, last_error="ConnectionRefusedError"))
    db.commit()
    admin = sign_in(mail_app, db, personas.admin)
    page = admin.client.get("/settings/mail")
    assert page.status_code == 200
    for shown in (
        "podpora@firma.cz",
        "ConnectionRefusedError",
        "import failed: OperationalError",
        "eva@example.cz",
        "no headers",
    ):
        assert shown in page.text
    items = {q.reason: q.id for q in db.scalars(select(MailQuarantine))}
    failed = items["import failed: OperationalError"]
    raw = admin.client.get(f"/settings/mail/quarantine/{failed}/raw")
    assert raw.status_code == 200 and raw.content == good
    assert raw.headers["content-type"] == "message/rfc822"
    retried = admin.client.post(
        f"/settings/mail/quarantine/{failed}/retry",
        data={"csrf_token": admin.csrf},
    )
    assert retried.headers["location"] == "/settings/mail?done=imported#quarantine"
    case = db.scalar(select(Case))
    assert case is not None and case.subject == "Objednávka nedorazila"
    kept = admin.client.post(
        f"/settings/mail/quarantine/{items['no headers']}/retry", data={"csrf_token": admin.csrf}
    )
    assert kept.headers["location"] == "/settings/mail?done=kept#quarantine"
    db.expire_all()
    left = db.scalars(select(MailQuarantine)).all()
    assert [q.reason for q in left] == ["no headers"]
    junk = left[0].id
    forged = admin.client.post(f"/settings/mail/quarantine/{junk}/delete", data={})
    assert forged.status_code == 403  # no CSRF token, no change
    deleted = admin.client.post(
        f"/settings/mail/quarantine/{junk}/delete", data={"csrf_token": admin.csrf}
    )
    assert deleted.status_code == 303
    db.expire_all()
    assert db.scalars(select(MailQuarantine)).all() == []


def test_an_agent_is_refused(db: Session, mail_app: FastAPI, personas: Any) -> None:
    bob = sign_in(mail_app, db, personas.bob)
    assert bob.client.get("/settings/mail").status_code == 403


def test_the_case_page_lists_attachments_and_serves_them_only_as_downloads(
    db: Session, mail_app: FastAPI, settings: Settings, personas: Any
) -> None:
    box = Mailbox(name="support", department="Department A", address="podpora@firma.cz")
    html = corpus.with_attachment("page.html", "text/html", 64, "<html-1@example.cz>")
    exe = corpus.with_attachment("setup.exe", "application/octet-stream", 8, "<exe-1@example.cz>")
    opened = inbound.receive(db, html, mailbox=box, settings=settings)
    inbound.receive(db, exe, mailbox=box, settings=settings)
    db.commit()
    bob = sign_in(mail_app, db, personas.bob)
    page = bob.client.get(f"/cases/{opened.case_id}")
    assert page.status_code == 200
    stored = db.scalar(select(MailAttachment).where(MailAttachment.filename == "page.html"))
    assert stored is not None
    link = f"/cases/{opened.case_id}/attachments/{stored.id}"
    assert f'href="{link}"' in page.text
    got = bob.client.get(link)
    assert got.status_code == 200 and got.content == b"\x00" * 64
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"] == "attachment; filename*=UTF-8''page.html"
    charlie = sign_in(mail_app, db, personas.charlie)
    assert charlie.client.get(link).status_code == 404  # another department's case
    refused = db.scalar(select(MailAttachment).where(MailAttachment.filename == "setup.exe"))
    assert refused is not None and refused.refused == "type not allowed"
    exe_case = db.scalar(
        select(MailMessage.case_id).where(MailMessage.id == refused.mail_message_id)
    )
    assert bob.client.get(f"/cases/{exe_case}/attachments/{refused.id}").status_code == 404
    assert bob.client.get(f"/cases/{opened.case_id}/attachments/{refused.id}").status_code == 404
