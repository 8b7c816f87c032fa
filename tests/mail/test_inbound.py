"""Received mail on a real store (SQLite and PostgreSQL): cases, threads, machine mail,
duplicates, quarantine, attachments, bounces, and the person's export and erasure."""

from __future__ import annotations

import base64
from typing import Any

import corpus
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.models import Case, CaseMessage
from centricity.cases.schemas import CaseUpdate, ReplyCreate
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.customers.schemas import CustomerCreate
from centricity.mail import inbound
from centricity.mail.mailboxes import Mailbox
from centricity.mail.models import MailAttachment, MailMessage, MailQuarantine
from centricity.notifications.models import OutboxMessage
from centricity.privacy import service as privacy

BOX = Mailbox(name="support", department="Department A", address="podpora@firma.cz")


def _receive(db: Session, settings: Settings, raw: bytes, **extra: Any) -> inbound.Received:
    return inbound.receive(db, raw, mailbox=extra.pop("mailbox", BOX), settings=settings, **extra)


def _count(db: Session, model: Any) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_a_new_message_opens_a_case_for_a_new_customer_once(
    db: Session, settings: Settings, personas: Any
) -> None:
    first = _receive(db, settings, corpus.plain())
    assert first.created and first.case_id is not None
    case = db.get(Case, first.case_id)
    assert case is not None
    assert (case.subject, case.channel, case.priority) == (
        "Objednávka nedorazila",
        "email",
        "normal",
    )
    assert case.department_id == personas.bob.department_id
    assert case.description == "Dobrý den,\nobjednávka 1234 stále nedorazila.\nEva"
    customer = db.get(Customer, case.customer_id)
    assert customer is not None and (customer.name, customer.email) == (
        "Eva Malá",
        "eva@example.cz",
    )
    assert [t.kind for t in cases.current_targets(db, case)] == []  # no policy in this store
    again = _receive(db, settings, corpus.plain())
    assert again.ignored == "duplicate" and again.case_id is None
    assert _count(db, Case) == 1 and _count(db, MailMessage) == 1


def test_the_sender_finds_an_existing_customer_whatever_the_case_of_the_address(
    db: Session, settings: Settings, personas: Any
) -> None:
    known = customers.create(
        db, data=CustomerCreate(name="Petr Dvořák", email="petr.dvorak@example.cz"), actor=None
    )
    received = _receive(db, settings, corpus.outlook_html_cp1250())  # Petr.Dvorak@Example.CZ
    case = db.get(Case, received.case_id)
    assert case is not None and case.customer_id == known.id
    assert _count(db, Customer) == 1


def test_a_reply_threads_onto_its_case_and_reopens_it_when_solved(
    db: Session, settings: Settings, personas: Any
) -> None:
    opened = _receive(db, settings, corpus.plain())
    case = db.get(Case, opened.case_id)
    assert case is not None
    cases.update(db, case=case, data=CaseUpdate(status="solved"), actor=personas.bob)
    reply = corpus.gmail_reply("<eva-1@example.cz>", "<eva-1@example.cz>")
    threaded = _receive(db, settings, reply)
    assert (threaded.case_id, threaded.created) == (case.id, False)
    assert case.status == "open"  # the customer's reply reopened it
    bodies = db.scalars(select(CaseMessage.body).where(CaseMessage.case_id == case.id)).all()
    assert bodies == ["Děkuji, ale pořád nic."]  # the quoted history is not repeated
    assert _count(db, Case) == 1


def test_the_case_tag_threads_only_mail_from_someone_who_takes_part(
    db: Session, settings: Settings, personas: Any
) -> None:
    opened = _receive(db, settings, corpus.plain())
    tag = f"Re: Objednávka [#{opened.case_id}]"
    own = _receive(db, settings, corpus.plain(subject=tag, message_id="<eva-2@example.cz>"))
    assert own.case_id == opened.case_id and not own.created
    stranger = corpus.plain(
        sender="Karel <karel@example.cz>", subject=tag, message_id="<karel-1@example.cz>"
    )
    other = _receive(db, settings, stranger)
    assert other.created and other.case_id != opened.case_id
    new_case = db.get(Case, other.case_id)
    assert new_case is not None and "[#" not in new_case.subject  # no other case's tag


def test_replies_from_different_people_to_one_mail_stay_apart(
    db: Session, settings: Settings, personas: Any
) -> None:
    bulk = corpus.plain(to="podpora@firma.cz, karel@example.cz", message_id="<bulk-1@example.cz>")
    opened = _receive(db, settings, bulk)
    karel = corpus.gmail_reply("<bulk-1@example.cz>", "<bulk-1@example.cz>", "karel@example.cz")
    answer = _receive(db, settings, karel)
    assert answer.created and answer.case_id != opened.case_id


def test_machine_mail_opens_nothing_and_creates_no_customer(
    db: Session, settings: Settings, personas: Any
) -> None:
    for header in ("Auto-Submitted: auto-replied", "Precedence: bulk", "X-Autoreply: yes"):
        assert _receive(db, settings, corpus.auto_reply(header)).ignored in ("auto-reply", "list")
    blocked = settings.model_copy(update={"mail_blocked_senders": r"noreply@.*"})
    spam = corpus.plain(sender="Shop <noreply@shop.example>", message_id="<n-1@shop.example>")
    assert _receive(db, blocked, spam).ignored == "blocked"
    assert _count(db, Case) == 0 and _count(db, Customer) == 0
    assert _count(db, MailMessage) == 4  # each kept once, so a re-fetch is a duplicate


def test_unreadable_mail_is_kept_raw_once_for_an_admin(
    db: Session, settings: Settings, personas: Any
) -> None:
    assert _receive(db, settings, b"\r\n\r\n").ignored == "unreadable"
    assert _receive(db, settings, b"\r\n\r\n").ignored == "unreadable"
    rows = db.scalars(select(MailQuarantine)).all()
    assert [(r.mailbox, r.reason, r.raw) for r in rows] == [
        ("support", "the message is empty", b"\r\n\r\n")
    ]
    small = settings.model_copy(update={"mail_max_message_bytes": 1024})
    big = corpus.with_attachment("a.pdf", "application/pdf", 4096, "<big-1@example.cz>")
    assert _receive(db, small, big).ignored == "unreadable"
    reasons = sorted(db.scalars(select(MailQuarantine.reason)).all())
    assert reasons == ["message too large", "the message is empty"]
    assert db.scalar(select(MailQuarantine.sender).where(MailQuarantine.size > 1024)) == (
        "jan@example.cz"
    )


def test_attachments_are_kept_within_their_limits_with_reasons_for_the_rest(
    db: Session, settings: Settings, personas: Any
) -> None:
    pdf = corpus.with_attachment("faktura.pdf", "application/pdf", 2048, "<a-1@example.cz>")
    exe = corpus.with_attachment("setup.exe", "application/octet-stream", 64, "<a-2@example.cz>")
    huge = corpus.with_attachment(
        "video.mp4", "video/mp4", 20 * 1024 * 1024, "<a-3@example.cz>"
    )  # 20 MB over the 10 MB default
    for raw in (pdf, exe, huge):
        assert _receive(db, settings, raw).case_id is not None
    rows = db.execute(
        select(MailAttachment.filename, MailAttachment.size, MailAttachment.refused).order_by(
            MailAttachment.id
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        ("faktura.pdf", 2048, None),
        ("setup.exe", 64, "type not allowed"),
        ("video.mp4", 20 * 1024 * 1024, "too large"),
    ]
    stored = db.scalars(select(MailAttachment).order_by(MailAttachment.id)).all()
    assert stored[0].data == b"\x00" * 2048 and stored[1].data is None and stored[2].data is None


def _answered_case(db: Session, settings: Settings, personas: Any) -> tuple[Case, str]:
    """A case from Eva's mail that Bob answered: the case and our reply's Message-ID."""
    opened = _receive(db, settings, corpus.plain())
    case = db.get(Case, opened.case_id)
    assert case is not None
    cases.reply(db, case=case, data=ReplyCreate(body="Řešíme to."), actor=personas.bob)
    ours = db.scalar(select(OutboxMessage.message_id))
    assert ours is not None
    return case, ours


def test_a_bounce_of_our_reply_is_noted_on_its_case(
    db: Session, settings: Settings, personas: Any
) -> None:
    case, ours = _answered_case(db, settings, personas)
    bounced = _receive(db, settings, corpus.bounce(ours))
    assert (bounced.ignored, bounced.case_id) == ("bounce", case.id)
    note = db.scalar(
        select(CaseMessage).where(CaseMessage.case_id == case.id, CaseMessage.public.is_(False))
    )
    assert note is not None and note.author_user_id is None
    assert note.body.startswith("Delivery of our e-mail to eva@example.cz failed (permanent).")
    # A bounce is not the customer writing: no message of theirs, no next-response clock.
    from_customer = select(CaseMessage).where(
        CaseMessage.case_id == case.id, CaseMessage.from_customer.is_(True)
    )
    assert db.scalars(from_customer).all() == [] and case.awaiting_reply_since is None
    row = db.scalar(select(MailMessage).where(MailMessage.outcome == "bounce"))
    assert row is not None and row.customer_id == case.customer_id  # found by erasure


def test_a_bounce_posted_by_another_department_notes_nothing(
    db: Session, settings: Settings, personas: Any
) -> None:
    case, ours = _answered_case(db, settings, personas)
    outsider = _receive(db, settings, corpus.bounce(ours), actor=personas.charlie)
    assert (outsider.ignored, outsider.case_id) == ("bounce", None)
    notes = select(CaseMessage).where(CaseMessage.case_id == case.id, CaseMessage.public.is_(False))
    assert db.scalars(notes).all() == []


def test_mail_to_a_closed_case_opens_a_new_one_and_a_forwarded_bounce_is_a_person_writing(
    db: Session, settings: Settings, personas: Any
) -> None:
    opened = _receive(db, settings, corpus.plain())
    case = db.get(Case, opened.case_id)
    assert case is not None
    cases.update(db, case=case, data=CaseUpdate(status="closed"), actor=personas.bob)
    answer = _receive(db, settings, corpus.gmail_reply("<eva-1@example.cz>", "<eva-1@example.cz>"))
    assert answer.created and answer.case_id != case.id
    forwarded = corpus.forwarded_bounce()
    assert _receive(db, settings, forwarded).created


def test_a_person_s_mail_is_exported_and_erased(
    db: Session, settings: Settings, personas: Any
) -> None:
    opened = _receive(db, settings, corpus.plain())
    _receive(db, settings, corpus.with_attachment("f.pdf", "application/pdf", 8, "<x@e.cz>"))
    unreadable = b"From: eva@example.cz\r\nContent-Type: multipart/mixed\r\n"
    settings_small = settings.model_copy(update={"mail_max_message_bytes": 1024})
    _receive(db, settings_small, unreadable + b"x" * 2000)
    exported = privacy.export_person(db, email="eva@example.cz", actor_label="test")
    mail = exported["data"]["mail_messages"]
    assert [m["case_id"] for m in mail] == [opened.case_id]
    assert base64.b64decode(mail[0]["raw"]["base64"]) == corpus.plain()
    assert [q["sender"] for q in exported["data"]["mail_quarantine"]] == ["eva@example.cz"]
    assert exported["data"]["mail_attachments"] == []  # the attachment was Jan's
    privacy.erase_person(db, email="eva@example.cz", actor_label="test")
    remaining = db.scalars(select(MailMessage.from_address)).all()
    assert remaining == ["jan@example.cz"]  # only the other sender's message is left
    assert db.scalars(select(MailQuarantine.sender)).all() == []


def test_a_forward_opens_a_case_with_its_whole_text_and_without_the_prefix(
    db: Session, settings: Settings, personas: Any
) -> None:
    body = "Viz níže.\n\n---------- Forwarded message ---------\nFrom: Shop\n\nShipped late."
    raw = corpus.plain(subject="Fwd: Shipped", body=body, message_id="<fw-2@example.cz>")
    case = db.get(Case, _receive(db, settings, raw).case_id)
    assert case is not None
    assert (case.subject, case.description) == ("Shipped", body)
