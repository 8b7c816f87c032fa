"""Customers' refusal of optional mail (survey invitations, idea notices), and the links
that record it.

Every optional message to a customer carries a link of its own and the RFC 8058 headers
(`List-Unsubscribe`, `List-Unsubscribe-Post`), so a mail client's "unsubscribe" button
works without opening a page. The link is signed with the secret key, not stored: the
store keeps only the refusal, and a forged or altered link names nobody. Opening the link
shows a confirmation page; only its POST (or the mail client's one-click POST)
unsubscribes, because mail-security scanners open every link in a message.
"""

from __future__ import annotations

import hmac
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.config import Settings, get_settings
from centricity.db import insert_or_ignore
from centricity.kit.i18n import pnoop, register_labels
from centricity.kit.signing import hmac_sha256
from centricity.notifications.models import MailOptOut

SURVEYS = "surveys"
IDEAS = "ideas"
TOPICS = register_labels(
    "mail topic",
    {
        SURVEYS: pnoop("mail topic", "survey invitations"),
        IDEAS: pnoop("mail topic", "news about the ideas you asked for"),
    },
)
# 128 bits of the HMAC: forging a link takes 2^128 guesses, and the link stays short.
_SIGNATURE_CHARS = 32
_TOKEN = re.compile(r"^([1-9][0-9]{0,17})\.([a-z]{1,30})\.([0-9a-f]{32})$")


def _signature(secret: str, customer_id: int, topic: str) -> str:
    return hmac_sha256(secret, f"unsubscribe\x00{customer_id}\x00{topic}")[:_SIGNATURE_CHARS]


def make_token(customer_id: int, topic: str, *, secret: str) -> str:
    """The signed token of one customer's link for one topic."""
    if topic not in TOPICS:
        raise ValueError(f"unknown mail topic {topic!r}")
    return f"{customer_id}.{topic}.{_signature(secret, customer_id, topic)}"


def read_token(token: str, *, secret: str) -> tuple[int, str] | None:
    """The (customer id, topic) a token names, or None when it is malformed, unknown or
    its signature does not match (a forged link is the same as no link)."""
    match = _TOKEN.match(token)
    if match is None or match.group(2) not in TOPICS:
        return None
    customer_id, topic = int(match.group(1)), match.group(2)
    expected = _signature(secret, customer_id, topic)
    # Constant time, so timing does not reveal a valid prefix of the signature.
    if not hmac.compare_digest(match.group(3), expected):
        return None
    return customer_id, topic


def unsubscribe_url(customer_id: int, topic: str, *, settings: Settings | None = None) -> str:
    """The address a customer opens (or a mail client posts to) to stop this topic's mail."""
    settings = settings or get_settings()
    token = make_token(customer_id, topic, secret=settings.secret_key)
    return f"{settings.base_url.rstrip('/')}/u/{token}"


def mail_headers(url: str) -> dict[str, str]:
    """The RFC 2369 and RFC 8058 headers that let a mail client unsubscribe in one click."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def is_unsubscribed(session: Session, *, customer_id: int, topic: str) -> bool:
    """Tell whether the customer refused this topic's mail."""
    found = session.scalar(
        select(MailOptOut.id).where(
            MailOptOut.customer_id == customer_id, MailOptOut.topic == topic
        )
    )
    return found is not None


def unsubscribed_ids(session: Session, *, customer_ids: list[int], topic: str) -> set[int]:
    """Which of these customers refused this topic's mail (one query for a whole batch)."""
    if not customer_ids:
        return set()
    rows = session.scalars(
        select(MailOptOut.customer_id).where(
            MailOptOut.topic == topic, MailOptOut.customer_id.in_(customer_ids)
        )
    )
    return set(rows)


def unsubscribe(session: Session, *, customer_id: int, topic: str) -> None:
    """Record the refusal; a second time (or two clicks at once) changes nothing."""
    session.execute(
        insert_or_ignore(
            session,
            MailOptOut.__table__,
            {"customer_id": customer_id, "topic": topic},
            unique=["customer_id", "topic"],
        )
    )
