"""Failed sign-ins kept in the store, so the login throttle holds across app processes.

One failure is one `login_failures` row per scope: the client address and the account (the
case-folded e-mail). A row holds an HMAC of the value keyed by the secret key, never the
value, so the table holds no personal data and a copy of the store alone cannot tell whose
address or e-mail failed. Rows older than the longest window are swept as failures are
recorded (a bounded delete) and by the hourly purge job, so the table stays small even
under a sustained guessing attack.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from centricity.accounts import service
from centricity.accounts.models import LoginFailure

ADDRESS = "address"
ACCOUNT = "account"
# The key scope of public-page requests, counted in `accounts.request_counts`.
PUBLIC = "public"
# Rows a single recorded failure may sweep: enough to outpace the two rows it adds, small
# enough that a sign-in never waits on a large delete.
SWEEP_BATCH = 100
# The longest window the settings allow (CENTRICITY_LOGIN_WINDOW_SECONDS <= 1 day): older
# rows can never count again, whatever the configuration.
LONGEST_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """At most `max_failures` failures of one key within `window`; then sign-in pauses."""

    scope: str
    max_failures: int
    window: timedelta


@dataclass(frozen=True)
class Key:
    """One throttled key: its scope and the HMAC of its value."""

    scope: str
    key_hash: str


def fold_email(email: str) -> str:
    """The account a typed e-mail names: trimmed and case-folded, so `BOB@x` counts as `bob@x`."""
    return email.strip().casefold()


def make_key(scope: str, value: str) -> Key:
    """Key a value by an HMAC keyed by the secret key (scope-separated): no raw value kept."""
    return Key(scope=scope, key_hash=service.digest(f"{scope}\x00{value}"))


def account_key(email: str) -> Key:
    """The key of the account a typed e-mail names (known to the store or not)."""
    return make_key(ACCOUNT, fold_email(email))


def forget_accounts(session: Session, *, emails: Iterable[str]) -> int:
    """Delete the failures counted against these accounts (erasure of a staff member)."""
    hashes = [account_key(email).key_hash for email in emails]
    result = session.execute(
        delete(LoginFailure).where(LoginFailure.scope == ACCOUNT, LoginFailure.key_hash.in_(hashes))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _oldest_counted(rule: Rule, key: Key, now: datetime) -> Select[datetime]:
    """The oldest of the key's latest `max_failures` rows in the window (none while fewer
    fall in it), read along the covering index."""
    return (
        select(LoginFailure.failed_at)
        .where(
            LoginFailure.scope == key.scope,
            LoginFailure.key_hash == key.key_hash,
            LoginFailure.failed_at > now - rule.window,
        )
        .order_by(LoginFailure.failed_at.desc())
        .offset(rule.max_failures - 1)
        .limit(1)
    )


def retry_after(session: Session, *, rule: Rule, key: Key, now: datetime) -> int:
    """Seconds until `key` may try again: 0 while fewer than the maximum failures fall in
    the sliding window, else until the oldest of the latest `max_failures` leaves it.

    One statement reads only that oldest row (`OFFSET max_failures - 1` along the covering
    index), so the cost stays flat however many rows the window holds; fetching the whole
    window cost a shared public address 6 ms of CPU per survey answer at 3,300 rows
    (benchmarks/README.md, "Surveys")."""
    oldest_counted = session.scalar(_oldest_counted(rule, key, now))
    if oldest_counted is None:
        return 0
    return max(1, math.ceil((oldest_counted + rule.window - now).total_seconds()))


def record_failure(
    session: Session, *, keys: Iterable[Key], now: datetime, keep: timedelta
) -> None:
    """Remember one failed sign-in under each key and sweep a bounded batch of rows older
    than `keep` (the longest window in use), so the table never grows without bound."""
    session.add_all(LoginFailure(scope=k.scope, key_hash=k.key_hash, failed_at=now) for k in keys)
    purge_expired(session, before=now - keep, limit=SWEEP_BATCH)
    session.flush()


def purge_expired(
    session: Session, *, before: datetime, limit: int | None = None, scope: str | None = None
) -> int:
    """Delete failures recorded before `before` (at most `limit` of them; only `scope`'s
    when given) and count them.

    Concurrent sweeps skip each other's rows (`SKIP LOCKED` on PostgreSQL) instead of
    waiting or deadlocking; SQLite has one writer at a time anyway."""
    expired = select(LoginFailure.id).where(LoginFailure.failed_at < before)
    if scope is not None:
        expired = expired.where(LoginFailure.scope == scope)
    if limit is not None:
        expired = expired.order_by(LoginFailure.failed_at).limit(limit)
    expired = expired.with_for_update(skip_locked=True)
    result = session.execute(
        delete(LoginFailure)
        .where(LoginFailure.id.in_(expired.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
