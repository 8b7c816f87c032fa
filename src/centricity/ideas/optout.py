"""TEMPORARY stand-in for `centricity.notifications.unsubscribe` (being built on main):
the same signatures, so the idea notices switch by changing one import. It records
nothing; `is_unsubscribed` is always False until the real module lands."""

from __future__ import annotations

from sqlalchemy.orm import Session

from centricity.config import Settings, get_settings


def unsubscribe_url(customer_id: int, topic: str, *, settings: Settings | None = None) -> str:
    """The address that stops this topic's mail for the customer (stand-in)."""
    settings = settings or get_settings()
    return f"{settings.base_url.rstrip('/')}/u/{customer_id}.{topic}"


def mail_headers(url: str) -> dict[str, str]:
    """The RFC 2369 and RFC 8058 one-click unsubscribe headers."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def is_unsubscribed(session: Session, *, customer_id: int, topic: str) -> bool:
    """Whether the customer refused this topic's mail (stand-in: never)."""
    del session, customer_id, topic
    return False
