"""Notify staff: a notice in the app and, if they want it, an e-mail through the outbox.

Domains register the kinds of notice they send (`register_kind`) with a title written for
the catalog; a notice stores its kind and parameters, so each reader sees it in their own
language, and its e-mail is written in the recipient's language when it is queued.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from centricity.accounts.models import User
from centricity.config import Settings, get_settings
from centricity.db import insert_or_ignore
from centricity.kit import i18n, localeformat
from centricity.kit.errors import Invalid, NotFound
from centricity.kit.time import utcnow
from centricity.notifications.models import (
    MailStatus,
    Notification,
    NotificationSetting,
    OutboxMessage,
)

# RFC 3834: mail a program sends on its own; auto-responders must not answer it.
AUTO_GENERATED = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


@dataclass(frozen=True)
class NoticeKind:
    """How one kind of notice reads: a title and an e-mail body, both catalog messages
    formatted with the notice's parameters; whether it goes by e-mail unless declined."""

    kind: str
    title: str
    body: str
    by_email: bool = True


KINDS: dict[str, NoticeKind] = {}


def register_kind(kind: NoticeKind) -> NoticeKind:
    """Let a domain send a kind of notice (called when its module is imported)."""
    KINDS[kind.kind] = kind
    return kind


def title(notice: Notification) -> str:
    """The notice's title in the current viewer's language."""
    kind = KINDS.get(notice.kind)
    if kind is None:
        return notice.kind
    return _format(kind.title, notice.params)


class _Shown(dict[str, Any]):
    """Parameters for `%` formatting; one a notice lacks reads as a dash, not an error."""

    def __missing__(self, key: str) -> str:
        return "-"


def _format(message: str, params: dict[str, Any]) -> str:
    return i18n.gettext(message) % _Shown({key: _shown(value) for key, value in params.items()})


def _shown(value: Any) -> Any:
    """Parameters as the reader reads them: times in their zone and language, labels of
    stored codes (`{"label": ["context", "code"]}`) translated."""
    if isinstance(value, dict) and "at" in value:
        return localeformat.datetime_text(datetime.fromisoformat(value["at"]))
    if isinstance(value, dict) and "label" in value:
        context, code = value["label"]
        return i18n.label_for(context, code)
    return value


def wants_email(session: Session, user: User, kind: str) -> bool:
    """Whether the user gets this kind of notice by e-mail (the kind's default unless they
    chose otherwise)."""
    chosen = session.scalar(
        select(NotificationSetting.by_email).where(
            NotificationSetting.user_id == user.id, NotificationSetting.kind == kind
        )
    )
    if chosen is not None:
        return bool(chosen)
    registered = KINDS.get(kind)
    return registered.by_email if registered else False


def settings_for(session: Session, user: User) -> dict[str, bool]:
    """Every registered kind with whether the user gets it by e-mail."""
    return {kind: wants_email(session, user, kind) for kind in sorted(KINDS)}


def set_email(session: Session, *, user: User, choices: dict[str, bool]) -> dict[str, bool]:
    """Choose, kind by kind, which notices also come by e-mail."""
    unknown = sorted(set(choices) - set(KINDS))
    if unknown:
        raise Invalid(f"unknown notice kinds {unknown}; known: {sorted(KINDS)}", field="kind")
    for kind, by_email in choices.items():
        row = session.scalar(
            select(NotificationSetting).where(
                NotificationSetting.user_id == user.id, NotificationSetting.kind == kind
            )
        )
        if row is None:
            session.add(NotificationSetting(user_id=user.id, kind=kind, by_email=by_email))
        else:
            row.by_email = by_email
    session.flush()
    return settings_for(session, user)


def notify(
    session: Session,
    *,
    user: User,
    kind: str,
    params: dict[str, Any],
    dedupe_key: str,
    link: str | None = None,
    send_after: datetime | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    by_email: bool | None = None,
) -> Notification | None:
    """Give the user a notice (once per `dedupe_key`: a second call, from this or another
    worker, does nothing and returns None) and queue its e-mail if they want one
    (`by_email`, when the caller already read the person's choice)."""
    now = now or utcnow()
    notice = _insert_once(
        session,
        user_id=user.id,
        kind=kind,
        params=params,
        link=link,
        dedupe_key=dedupe_key,
        created_at=now,
    )
    if notice is None:
        return None
    if by_email is None:
        by_email = wants_email(session, user, kind)
    if user.is_active and by_email:
        settings = settings or get_settings()
        _queue_notice_mail(session, user, notice, send_after or now, now, settings)
    return notice


def _insert_once(session: Session, **values: Any) -> Notification | None:
    """Insert a notice unless its `dedupe_key` exists (None then), in one statement:
    INSERT … ON CONFLICT DO NOTHING RETURNING, where a savepoint around a plain INSERT took
    three round trips per notice (measured in `benchmarks/sla_check.py`)."""
    statement = insert_or_ignore(session, Notification, values, unique=["dedupe_key"])
    new_id = session.scalar(statement.returning(Notification.id))
    if new_id is None:
        return None
    # The row is written: attach it to the session as stored, without a second INSERT.
    notice = Notification(id=new_id, read_at=None, **values)
    make_transient_to_detached(notice)
    session.add(notice)
    return notice


def _queue_notice_mail(
    session: Session,
    user: User,
    notice: Notification,
    send_after: datetime,
    now: datetime,
    settings: Settings,
) -> None:
    locale = i18n.ViewerLocale(
        language=user.language or settings.default_language,
        time_zone=user.time_zone or settings.time_zone,
    )
    kind = KINDS[notice.kind]
    with i18n.use_locale(locale):
        subject = _format(kind.title, notice.params)
        body = _format(kind.body, notice.params)
    link = f"\n\n{settings.base_url.rstrip('/')}{notice.link}" if notice.link else ""
    queue_mail(
        session,
        to_address=user.email,
        subject=subject,
        body=body + link,
        user_id=user.id,
        headers={**AUTO_GENERATED, "Content-Language": locale.language},
        dedupe_key=f"notice:{notice.dedupe_key}",
        send_after=send_after,
        now=now,
        settings=settings,
        flush=False,
    )


def queue_mail(
    session: Session,
    *,
    to_address: str,
    subject: str,
    body: str,
    user_id: int | None = None,
    headers: dict[str, str] | None = None,
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    flush: bool = True,
) -> OutboxMessage:
    """Write an e-mail to the outbox in the caller's transaction; the send job delivers it
    (not before `send_after`). Every outbound message gets its own Message-ID. Without
    `flush` it is written at the session's next flush, together with the others pending:
    one multi-row INSERT for a breach check's batch of notices instead of one each."""
    now = now or utcnow()
    settings = settings or get_settings()
    domain = settings.smtp_from.rpartition("@")[2] or "centricity.invalid"
    message = OutboxMessage(
        user_id=user_id,
        to_address=to_address,
        subject=subject[:300],
        body=body,
        headers=headers or {},
        message_id=make_msgid(domain=domain),
        status=MailStatus.QUEUED.value,
        next_attempt_at=max(send_after or now, now),
        dedupe_key=dedupe_key,
        created_at=now,
    )
    session.add(message)
    if flush:
        session.flush()
    return message


def list_for(
    session: Session, *, user: User, unread_only: bool = False, limit: int = 50
) -> builtins.list[Notification]:
    """The user's notices, newest first."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    ordered = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return builtins.list(session.scalars(ordered.limit(limit)))


def unread_count(session: Session, *, user: User) -> int:
    """How many of the user's notices are unread (the badge in the header)."""
    return unread_count_of(session, user.id)


def unread_count_of(session: Session, user_id: int) -> int:
    """How many notices of the user with this id are unread (pages know only the id)."""
    query = select(func.count()).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    return int(session.scalar(query) or 0)


def mark_read(session: Session, *, user: User, notice_id: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) read; another user's is not found."""
    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notice_id is not None:
        owned = session.scalar(
            select(Notification.id).where(
                Notification.id == notice_id, Notification.user_id == user.id
            )
        )
        if owned is None:
            raise NotFound("notice not found")
        statement = statement.where(Notification.id == notice_id)
    result = session.execute(statement.values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)
