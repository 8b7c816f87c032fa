"""Received mail becomes a case or a reply on one; machine mail and duplicates do nothing.

One message, one transaction, in this order:
1. its size and its identity: a message already imported (the same Message-ID and bytes,
   or the same mailbox UID) is a duplicate; one that cannot be read is kept raw in
   `mail_quarantine` with the reason, for an admin;
2. mail sent by machines (auto-replies, mailing lists, delivery reports, blocked senders,
   a null return path) opens nothing and is answered by nothing; a delivery report about
   one of our own messages is attached to that message's case as a note for the agents;
3. the sender's address finds the customer (addresses are stored lower-case; a contact
   person's address finds their company) or a new customer is created;
4. the thread: the Message-IDs it answers (`In-Reply-To`, then `References`) against
   every message we sent or received, then the case tag `[#123]` in the subject; either
   only when the sender already takes part in that case (the case's customer, or someone
   who wrote to it or was written to from it), so a customer quoting another's case number
   or answering a bulk mail someone else also got starts a case of their own;
5. a reply on an open or solved case joins its conversation (reopening a solved case) with
   the quoted history cut; otherwise a new case opens in the mailbox's department with its
   default priority and the whole text (a forward's text is what the case is about).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import getaddresses

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, User
from centricity.cases import service as cases
from centricity.cases.models import Case, Priority, Status
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.models import ContactPerson, Customer
from centricity.customers.schemas import CustomerCreate
from centricity.db import insert_or_ignore
from centricity.interactions.models import Channel
from centricity.kit.errors import Invalid
from centricity.kit.time import utcnow
from centricity.mail import outbound, subjects
from centricity.mail.mailboxes import Mailbox
from centricity.mail.models import (
    Direction,
    MailAttachment,
    MailMessage,
    MailQuarantine,
    Outcome,
)
from centricity.mail.parse import MailParseError, ParsedMail, parse

SOURCE = "mail"
MAX_ID = 250
# Attachments that run code when opened are not stored (the name and reason are kept).
BLOCKED_EXTENSIONS = (
    ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".vbs", ".vbe", ".js", ".jse",
    ".wsf", ".wsh", ".msi", ".msp", ".hta", ".cpl", ".jar", ".ps1", ".lnk", ".dll",
)  # fmt: skip
BLOCKED_TYPES = ("application/x-msdownload", "application/x-dosexec", "application/x-msi")


@dataclass(frozen=True)
class Received:
    """What receiving one message did: the case it opened or joined, or why it was
    ignored (`auto-reply`, `bounce`, `list`, `blocked`, `no-sender`, `duplicate`,
    `unreadable`)."""

    case_id: int | None = None
    created: bool = False
    ignored: str | None = None
    mail_id: int | None = None


def receive(
    session: Session,
    raw: bytes,
    *,
    mailbox: Mailbox,
    settings: Settings,
    uid_validity: int | None = None,
    uid: int | None = None,
    now: datetime | None = None,
    actor: User | None = None,
) -> Received:
    """Import one raw message into the caller's transaction (see the module docstring).
    With an `actor` (the webhook's token), a reply joins only a case that person works;
    otherwise it opens a case in the mailbox's department."""
    now = now or utcnow()
    if uid is not None and _seen_uid(session, mailbox.name, uid_validity, uid):
        return Received(ignored="duplicate")
    if len(raw) > settings.mail_max_message_bytes:
        return quarantine(session, raw, mailbox, "message too large", now)
    try:
        mail = parse(raw)
    except MailParseError as exc:
        return quarantine(session, raw, mailbox, str(exc), now)
    dedupe = _identity(mail.message_id, raw)
    stored = _claim(session, mail, raw, dedupe, mailbox, uid_validity, uid, now)
    if stored is None:
        return Received(ignored="duplicate")
    ignored = _machine_mail(mail, settings)
    if ignored is not None:
        stored.outcome = ignored
        stored.automatic = True
        if ignored == Outcome.BOUNCE.value:
            _attach_bounce(session, stored, mail, mailbox, now, actor)
        return Received(ignored=ignored, mail_id=stored.id, case_id=stored.case_id)
    if mail.from_address is None:
        stored.outcome = Outcome.NO_SENDER.value
        return Received(ignored=Outcome.NO_SENDER.value, mail_id=stored.id)
    customer = _customer(session, mail)
    stored.customer_id = customer.id
    _store_attachments(session, stored, mail, settings)
    case = _thread(session, mail, customer, actor)
    if case is not None:
        message = cases.customer_message(
            session, case=case, body=mail.reply_text, now=now, source=SOURCE
        )
        stored.case_id, stored.case_message_id = case.id, message.id
        stored.outcome = Outcome.THREADED.value
        return Received(case_id=case.id, created=False, mail_id=stored.id)
    case = cases.open_for_customer(
        session,
        customer_id=customer.id,
        subject=subjects.without_tag(subjects.strip_prefixes(mail.subject)),
        description=mail.text,  # all of it: a forward's or an old thread's text is the matter
        channel=Channel.EMAIL,
        priority=Priority(mailbox.priority),
        department_id=_department(session, mailbox),
        now=now,
        source=SOURCE,
    )
    stored.case_id, stored.outcome = case.id, Outcome.CREATED.value
    outbound.acknowledge(session, case, mailbox)
    return Received(case_id=case.id, created=True, mail_id=stored.id)


def _seen_uid(session: Session, mailbox: str, uid_validity: int | None, uid: int) -> bool:
    found = session.scalar(
        select(MailMessage.id).where(
            MailMessage.mailbox == mailbox,
            MailMessage.uid_validity == uid_validity,
            MailMessage.uid == uid,
        )
    )
    return found is not None


def _claim(
    session: Session,
    mail: ParsedMail,
    raw: bytes,
    dedupe: str,
    mailbox: Mailbox,
    uid_validity: int | None,
    uid: int | None,
    now: datetime,
) -> MailMessage | None:
    """Insert the message's row unless it exists (the store's unique keys decide, so two
    fetches at once cannot both import it); None for a duplicate."""
    values = {
        "direction": Direction.IN.value,
        "mailbox": mailbox.name,
        "uid_validity": uid_validity,
        "uid": uid,
        "message_id": _fits(mail.message_id),
        "dedupe_key": dedupe,
        "outcome": Outcome.CREATED.value,  # set below once known
        "from_address": (mail.from_address or "").lower()[:254] or None,
        "from_name": mail.from_name[:200],
        "to_addresses": [a.lower() for a in mail.to_addresses][:50],
        "subject": mail.subject[:300],
        "in_reply_to": _fits(mail.in_reply_to[0] if mail.in_reply_to else None),
        "references": [r for r in mail.references[-50:] if _fits(r)],
        "automatic": False,
        "size": len(raw),
        "raw": raw,
        "received_at": now,
    }
    statement = insert_or_ignore(session, MailMessage, values, unique=None)  # any key
    new_id = session.scalar(statement.returning(MailMessage.id))
    if new_id is None:
        return None
    return session.get(MailMessage, new_id)


def _identity(message_id: str | None, raw: bytes) -> str:
    """What makes two deliveries one message: its Message-ID and its body. The headers
    above the body are left out: each relay adds its own trace (Received, Delivered-To), so
    the same message fetched by IMAP and piped to the webhook has different bytes."""
    head_end = raw.find(b"\r\n\r\n")
    head_end = raw.find(b"\n\n") if head_end < 0 else head_end
    body = raw[head_end:] if head_end >= 0 else raw
    digest = hashlib.sha256(body).hexdigest()
    return hashlib.sha256(f"{message_id or ''}\n{digest}".encode()).hexdigest()


def _fits(message_id: str | None) -> str | None:
    """A Message-ID as stored, or None for one longer than any real one (250 characters;
    cutting it would make it match nothing anyway)."""
    return message_id if message_id and len(message_id) <= MAX_ID else None


def _machine_mail(mail: ParsedMail, settings: Settings) -> str | None:
    if mail.automatic is not None:
        return mail.automatic
    pattern = settings.mail_blocked_senders
    if pattern and mail.from_address and re.fullmatch(pattern, mail.from_address, re.IGNORECASE):
        return Outcome.BLOCKED.value
    return None


def quarantine(
    session: Session, raw: bytes, mailbox: Mailbox, reason: str, now: datetime
) -> Received:
    """Keep a message that cannot be imported raw, with the reason, for an admin (once
    per content)."""
    content_hash = hashlib.sha256(raw).hexdigest()
    sender = _best_sender(raw)
    values = {
        "mailbox": mailbox.name,
        "reason": reason[:300],
        "size": len(raw),
        "content_hash": content_hash,
        "raw": raw,
        "sender": sender,
        "received_at": now,
    }
    session.execute(insert_or_ignore(session, MailQuarantine, values, unique=["content_hash"]))
    return Received(ignored="unreadable")


def _best_sender(raw: bytes) -> str | None:
    """The address on the first `From:` line of an unreadable message, if one can be read
    (so erasure finds it); linear in the message, whatever its shape."""
    for line in raw[:65536].split(b"\n"):
        if line[:5].lower() == b"from:":
            text = line[5:1003].decode("utf-8", "replace")
            addresses = [a for _, a in getaddresses([text]) if "@" in a and a.isascii()]
            return addresses[0].lower()[:254] if addresses else None
        if not line.strip():
            break  # the end of the headers
    return None


def _attach_bounce(
    session: Session,
    stored: MailMessage,
    mail: ParsedMail,
    mailbox: Mailbox,
    now: datetime,
    actor: User | None,
) -> None:
    """A delivery report about one of our messages, sent from this mailbox: a note on that
    message's case, so the agent knows the customer did not get the answer (a permanent
    failure is final). A token only notes cases its user works."""
    if not mail.bounced_ids:
        return
    ours = session.scalar(
        select(MailMessage)
        .where(
            MailMessage.message_id.in_(mail.bounced_ids),
            MailMessage.direction == Direction.OUT.value,
            MailMessage.mailbox == mailbox.name,
            MailMessage.case_id.is_not(None),
        )
        .limit(1)
    )
    if ours is None or ours.case_id is None:
        return
    case = session.get(Case, ours.case_id)
    if case is None or (actor is not None and not cases.can_manage(case, actor)):
        return
    stored.case_id, stored.customer_id = case.id, case.customer_id
    kind = "permanent" if mail.bounce_permanent else "temporary"
    to = ", ".join(ours.to_addresses) or "?"
    summary = mail.text.strip().splitlines()[:6]
    note = f"Delivery of our e-mail to {to} failed ({kind}).\n" + "\n".join(summary)
    cases.system_note(session, case=case, body=note[:4000], now=now, source=SOURCE)


def _customer(session: Session, mail: ParsedMail) -> Customer:
    """The customer with the sender's address (the oldest when several), else the company
    of a contact person with it, else a new customer named as the mail signs."""
    address = (mail.from_address or "").lower()
    found = session.scalar(
        select(Customer)
        .where(Customer.email == address, Customer.erased_at.is_(None))
        .order_by(Customer.id)
        .limit(1)
    )
    if found is not None:
        return found
    company = session.scalar(
        select(Customer)
        .join(ContactPerson, ContactPerson.customer_id == Customer.id)
        .where(ContactPerson.email == address, Customer.erased_at.is_(None))
        .order_by(Customer.id)
        .limit(1)
    )
    if company is not None:
        return company
    name = mail.from_name.strip() or address.partition("@")[0] or address
    try:
        data = CustomerCreate(name=name[:200], email=address)
    except ValueError:
        data = CustomerCreate(name=name[:200])  # an address our rules refuse: kept on the mail
    return customers.create(session, data=data, actor=None)


def _thread(
    session: Session, mail: ParsedMail, customer: Customer, actor: User | None
) -> Case | None:
    """The case this message continues, or None for a new one (see the module docstring)."""
    sender = (mail.from_address or "").lower()
    ids = mail.thread_ids
    if ids:
        rows = session.execute(
            select(MailMessage.message_id, MailMessage.case_id).where(
                MailMessage.message_id.in_(ids), MailMessage.case_id.is_not(None)
            )
        ).all()
        by_id: dict[str | None, int | None] = {m: c for m, c in rows}  # noqa: C416
        for message_id in ids:
            case = _open_case(session, by_id.get(message_id), actor)
            if case is not None and _takes_part(session, case, sender, customer):
                return case
    number = subjects.case_number(mail.subject)
    case = _open_case(session, number, actor)
    if case is not None and _takes_part(session, case, sender, customer):
        return case
    return None


def _open_case(session: Session, case_id: int | None, actor: User | None) -> Case | None:
    """The case, when it can still take a reply (a closed one cannot) from this actor."""
    if case_id is None:
        return None
    case = session.get(Case, case_id)
    if case is None or case.status == Status.CLOSED.value:
        return None
    if actor is not None and not cases.can_manage(case, actor):
        return None
    return case


def _takes_part(session: Session, case: Case, sender: str, customer: Customer) -> bool:
    """Whether the sender is part of the case: its customer, someone who wrote to it, or
    someone we wrote to from it. Being a recipient of a message someone else sent us does
    not count: everyone who got one bulk mail would otherwise answer into one case."""
    if case.customer_id is not None and case.customer_id == customer.id:
        return True
    rows = session.execute(
        select(MailMessage.direction, MailMessage.from_address, MailMessage.to_addresses).where(
            MailMessage.case_id == case.id,
            or_(MailMessage.direction == Direction.OUT.value, MailMessage.automatic.is_(False)),
        )
    ).all()
    for direction, from_address, to_addresses in rows:
        if direction == Direction.IN.value and from_address == sender:
            return True
        if direction == Direction.OUT.value and sender in (to_addresses or []):
            return True
    return False


def _department(session: Session, mailbox: Mailbox) -> int:
    """The id of the mailbox's department (a name that does not exist is a clear error)."""
    if mailbox.department is None:
        raise Invalid(f"mailbox {mailbox.name} names no department", field="department")
    found = session.scalar(select(Department.id).where(Department.name == mailbox.department))
    if found is None:
        raise Invalid(
            f"mailbox {mailbox.name}: no department named {mailbox.department}",
            field="department",
        )
    return int(found)


def _store_attachments(
    session: Session, stored: MailMessage, mail: ParsedMail, settings: Settings
) -> None:
    """Keep each attachment within the limits; a refused one keeps its name and reason."""
    for attachment in mail.attachments:
        refused = None
        lowered = attachment.filename.lower()
        if len(attachment.data) > settings.mail_max_attachment_bytes:
            refused = "too large"
        elif lowered.endswith(BLOCKED_EXTENSIONS) or attachment.content_type in BLOCKED_TYPES:
            refused = "type not allowed"
        session.add(
            MailAttachment(
                mail_message_id=stored.id,
                filename=attachment.filename,
                content_type=attachment.content_type[:100],
                size=len(attachment.data),
                refused=refused,
                data=None if refused else attachment.data,
            )
        )
