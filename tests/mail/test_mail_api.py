"""The inbound webhook and the threaded reply, end to end: HTTP in, SMTP out (aiosmtpd),
and the customer's answer back onto the case."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import corpus
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from centricity.app import create_app
from centricity.cases.models import Case, CaseMessage
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.jobs.models import Job
from centricity.notifications import mailer

RFC822 = {"Content-Type": "message/rfc822"}


class Inbox:
    """An SMTP handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        del server, session
        self.received.append(envelope.original_content)
        return "250 Message accepted"


@pytest.fixture()
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free local port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture()
def mail_settings(
    settings: Settings, tmp_path: Path, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """Two mailboxes: support (Department A) and sales (Department B), and the SMTP server;
    in the environment too, as in production, where code outside a request reads them."""
    boxes = tmp_path / "mailboxes.toml"
    boxes.write_text(
        '[support]\naddress = "Podpora@Firma.cz"\ndepartment = "Department A"\n'
        'sender_name = "Firma Podpora"\nsignature = "Firma s.r.o."\n\n'
        '[sales]\naddress = "obchod@firma.cz"\ndepartment = "Department B"\npriority = "high"\n\n'
        '[help]\naddress = "help@firma.cz"\ndepartment = "Department A"\n'
        'acknowledge = true\nnotify_solved = true\nlanguage = "cs"\n',
        encoding="utf-8",
    )
    values = {
        "mail_mailboxes_file": boxes,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp[1],
        "smtp_from": "centricity@firma.cz",
    }
    for name, value in values.items():
        monkeypatch.setenv(f"CENTRICITY_{name.upper()}", str(value))
    return settings.model_copy(update=values)


@pytest.fixture()
def clients(
    mail_settings: Settings,
    session_maker: sessionmaker[Session],
    personas: Any,
    token_for: Callable[..., dict[str, str]],
) -> dict[str, TestClient]:
    app = create_app(mail_settings, sessions=session_maker)
    return {
        name: TestClient(app, headers=token_for(getattr(personas, name)))
        for name in ("admin", "bob", "charlie", "viewer")
    }


def test_mail_opens_a_case_a_reply_goes_out_threaded_and_the_answer_threads_back(
    db: Session,
    clients: dict[str, TestClient],
    mail_settings: Settings,
    smtp: tuple[Inbox, int],
) -> None:
    bob = clients["bob"]
    opened = bob.post("/api/v1/mail/inbound", content=corpus.plain(), headers=RFC822)
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    assert opened.json() == {"case_id": case_id, "created": True}
    again = bob.post("/api/v1/mail/inbound", content=corpus.plain(), headers=RFC822)
    assert (again.status_code, again.json()) == (202, {"ignored": "duplicate"})
    reply = bob.post(
        f"/api/v1/cases/{case_id}/replies", json={"body": "Řešíme to.", "public": True}
    )
    assert reply.status_code == 201, reply.text
    # The reply asks for the outbox at the worker's next poll, not the scheduled minute.
    queued = db.scalars(select(Job.kind).where(Job.status == "queued")).all()
    assert queued.count("notifications.send") == 1
    assert mailer.deliver(db, mail_settings).sent == 1
    inbox, _ = smtp
    sent = message_from_bytes(inbox.received[0], policy=default_policy)
    assert sent["To"] == "eva@example.cz"
    assert sent["From"] == "Firma Podpora <podpora@firma.cz>"
    assert sent["Subject"] == f"Re: Objednávka nedorazila [#{case_id}]"
    assert sent["In-Reply-To"] == "<eva-1@example.cz>"
    assert sent["References"] == "<eva-1@example.cz>"
    assert sent.get_content().replace("\r\n", "\n").rstrip() == "Řešíme to.\n\n-- \nFirma s.r.o."
    ours = str(sent["Message-ID"])
    answer = corpus.gmail_reply(ours, f"<eva-1@example.cz> {ours}")
    back = bob.post("/api/v1/mail/inbound", content=answer, headers=RFC822)
    assert (back.status_code, back.json()) == (201, {"case_id": case_id, "created": False})
    conversation = db.scalars(
        select(CaseMessage.body).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id)
    ).all()
    assert conversation == ["Řešíme to.", "Děkuji, ale pořád nic."]


def test_mail_goes_to_the_mailbox_it_was_sent_to_and_tokens_stay_in_their_department(
    db: Session, clients: dict[str, TestClient], personas: Any
) -> None:
    to_sales = corpus.plain(to="Obchod <OBCHOD@firma.cz>", message_id="<s-1@example.cz>")
    assert (
        clients["bob"].post("/api/v1/mail/inbound", content=to_sales, headers=RFC822).status_code
        == 403
    )
    sold = clients["charlie"].post("/api/v1/mail/inbound", content=to_sales, headers=RFC822)
    assert sold.status_code == 201
    case = db.get(Case, sold.json()["case_id"])
    assert case is not None
    assert (case.department_id, case.priority) == (personas.charlie.department_id, "high")
    # The admin may feed any mailbox; a viewer none.
    admin = clients["admin"].post(
        "/api/v1/mail/inbound", content=corpus.plain(message_id="<a-9@x.cz>"), headers=RFC822
    )
    assert admin.status_code == 201
    assert (
        clients["viewer"]
        .post("/api/v1/mail/inbound", content=corpus.plain(), headers=RFC822)
        .status_code
        == 403
    )


def test_a_token_cannot_thread_mail_into_another_department_s_case(
    db: Session, clients: dict[str, TestClient]
) -> None:
    opened = clients["bob"].post("/api/v1/mail/inbound", content=corpus.plain(), headers=RFC822)
    case_id = opened.json()["case_id"]
    # Charlie (Department B) relays the customer's answer to sales: it must not land in
    # Department A's case, even though it answers that case's message.
    answer = corpus.gmail_reply("<eva-1@example.cz>", "<eva-1@example.cz>")
    answer = answer.replace(b"To: podpora@firma.cz", b"To: obchod@firma.cz")
    relayed = clients["charlie"].post("/api/v1/mail/inbound", content=answer, headers=RFC822)
    assert relayed.status_code == 201 and relayed.json()["created"] is True
    assert relayed.json()["case_id"] != case_id
    bodies = db.scalars(select(CaseMessage.body).where(CaseMessage.case_id == case_id)).all()
    assert bodies == []


def test_machine_mail_wrong_types_and_oversize_messages_are_answered_clearly(
    app: FastAPI,
    settings: Settings,
    session_maker: sessionmaker[Session],
    clients: dict[str, TestClient],
    personas: Any,
    token_for: Callable[..., dict[str, str]],
) -> None:
    bob = clients["bob"]
    auto = bob.post(
        "/api/v1/mail/inbound",
        content=corpus.auto_reply("Auto-Submitted: auto-replied"),
        headers=RFC822,
    )
    assert (auto.status_code, auto.json()) == (202, {"ignored": "auto-reply"})
    unreadable = bob.post("/api/v1/mail/inbound", content=b"\r\n", headers=RFC822)
    assert (unreadable.status_code, unreadable.json()) == (202, {"ignored": "unreadable"})
    wrong = bob.post(
        "/api/v1/mail/inbound", content=corpus.plain(), headers={"Content-Type": "text/plain"}
    )
    assert wrong.status_code == 415
    small = create_app(
        settings.model_copy(update={"mail_max_message_bytes": 1024}), sessions=session_maker
    )
    client = TestClient(small, headers=token_for(personas.bob))
    big = corpus.with_attachment("a.pdf", "application/pdf", 4096, "<big@x.cz>")
    assert client.post("/api/v1/mail/inbound", content=big, headers=RFC822).status_code == 413


def test_mail_copied_to_two_mailboxes_goes_to_the_posting_department_s_own(
    db: Session, clients: dict[str, TestClient], personas: Any
) -> None:
    both = corpus.plain(to="podpora@firma.cz", message_id="<both@example.cz>")
    both = both.replace(b"To: podpora@firma.cz", b"To: podpora@firma.cz\r\nCc: obchod@firma.cz")
    posted = clients["charlie"].post("/api/v1/mail/inbound", content=both, headers=RFC822)
    assert posted.status_code == 201, posted.text
    case = db.get(Case, posted.json()["case_id"])
    assert case is not None and case.department_id == personas.charlie.department_id
    delivered = corpus.plain(message_id="<delivered@example.cz>")
    delivered = b"Delivered-To: obchod@firma.cz\r\n" + delivered  # the server says: sales
    assert (
        clients["bob"].post("/api/v1/mail/inbound", content=delivered, headers=RFC822).status_code
        == 403
    )


def test_a_mailbox_acknowledges_and_reports_solved_in_the_customer_s_language_capped(
    db: Session,
    clients: dict[str, TestClient],
    mail_settings: Settings,
    smtp: tuple[Inbox, int],
    personas: Any,
) -> None:
    bob = clients["bob"]
    customers.create(
        db,
        data=CustomerCreate(name="Anna", email="anna@example.se", preferred_language="sv"),
        actor=None,
    )
    db.commit()
    first = corpus.plain(
        sender="Anna <anna@example.se>", to="help@firma.cz", message_id="<anna-1@example.se>"
    )
    case_id = bob.post("/api/v1/mail/inbound", content=first, headers=RFC822).json()["case_id"]
    solved = bob.patch(f"/api/v1/cases/{case_id}", json={"status": "solved"})
    assert solved.status_code == 200, solved.text
    machine = corpus.auto_reply("Auto-Submitted: auto-replied").replace(
        b"To: podpora@firma.cz", b"To: help@firma.cz"
    )
    assert bob.post("/api/v1/mail/inbound", content=machine, headers=RFC822).status_code == 202
    for n in range(2, 5):  # three more new cases: the third acknowledgement is over the cap
        more = corpus.plain(
            sender="Anna <anna@example.se>", to="help@firma.cz", message_id=f"<anna-{n}@x.se>"
        )
        assert bob.post("/api/v1/mail/inbound", content=more, headers=RFC822).status_code == 201
    assert mailer.deliver(db, mail_settings).sent == 3  # ack, solved, ack: the cap is 3 an hour
    inbox, _ = smtp
    sent = [message_from_bytes(raw, policy=default_policy) for raw in inbox.received]
    assert {str(m["To"]) for m in sent} == {"anna@example.se"}
    assert all(m["Auto-Submitted"] == "auto-replied" for m in sent)
    assert [m["Content-Language"] for m in sent] == ["sv"] * 3  # Anna's, not the box's
    ack, done = sent[0], sent[1]
    assert ack["Subject"] == f"Re: Objednávka nedorazila [#{case_id}]"
    assert ack["In-Reply-To"] == "<anna-1@example.se>"
    assert f"ärende #{case_id}" in ack.get_content()
    assert f"#{case_id}" in done.get_content() and "löst" in done.get_content()
    # Eva has no language: the mailbox's Czech.
    eva = corpus.plain(to="help@firma.cz", message_id="<eva-cs@example.cz>")
    assert bob.post("/api/v1/mail/inbound", content=eva, headers=RFC822).status_code == 201
    assert mailer.deliver(db, mail_settings).sent == 1
    czech = message_from_bytes(inbox.received[-1], policy=default_policy)
    assert czech["Content-Language"] == "cs" and "případ" in czech.get_content()
