"""Failed-login throttling per client address and per account, checked before any hash runs.

Per address: `CENTRICITY_LOGIN_MAX_FAILURES` within `CENTRICITY_LOGIN_WINDOW_SECONDS`, so one
machine cannot guess passwords (of any accounts) quickly. Per account (the case-folded
e-mail): `CENTRICITY_LOGIN_ACCOUNT_MAX_FAILURES` within a short
`CENTRICITY_LOGIN_ACCOUNT_WINDOW_SECONDS`, so an attacker who rotates addresses still cannot
guess one person's password quickly, while a stranger can lock that person out only briefly.
The failures live in the store (`accounts.throttle`), so every app process sees them.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from centricity.accounts import request_counts, throttle
from centricity.config import Settings
from centricity.kit.time import utcnow


class LoginThrottle:
    """The installation's two sign-in rules, applied to failures kept in the store."""

    def __init__(self, settings: Settings) -> None:
        self.address_rule = throttle.Rule(
            throttle.ADDRESS,
            settings.login_max_failures,
            timedelta(seconds=settings.login_window_seconds),
        )
        self.account_rule = throttle.Rule(
            throttle.ACCOUNT,
            settings.login_account_max_failures,
            timedelta(seconds=settings.login_account_window_seconds),
        )

    def _keys(self, address: str, email: str) -> list[tuple[throttle.Rule, throttle.Key]]:
        return [
            (self.address_rule, throttle.make_key(throttle.ADDRESS, address)),
            (self.account_rule, throttle.account_key(email)),
        ]

    def retry_after(self, session: Session, *, address: str, email: str) -> int:
        """Seconds until this address may try this account again; 0 when it may try now."""
        now = utcnow()
        waits = [
            throttle.retry_after(session, rule=rule, key=key, now=now)
            for rule, key in self._keys(address, email)
        ]
        return max(waits)

    def record_failure(self, session: Session, *, address: str, email: str) -> None:
        """Count one failed login against the address and the account. A later success
        erases neither, so an insider cannot interleave logins to their own account with
        guesses at a colleague's."""
        keep = max(self.address_rule.window, self.account_rule.window)
        keys = [key for _rule, key in self._keys(address, email)]
        throttle.record_failure(session, keys=keys, now=utcnow(), keep=keep)


class PublicThrottle:
    """Requests per client address to the public pages (surveys, unsubscribe links): at
    most `CENTRICITY_PUBLIC_REQUESTS_PER_MINUTE` in a minute (counted per five-second
    slice, see `accounts.request_counts`), so nobody can walk the token space or flood the
    answer form. Counted in the store (an HMAC of the address, never the address), so every
    app process sees them."""

    WINDOW = timedelta(minutes=1)

    def __init__(self, settings: Settings) -> None:
        self.limit = request_counts.Limit(settings.public_requests_per_minute, self.WINDOW)

    def admit(self, session: Session, *, address: str) -> int:
        """Count this request and answer 0, or (over the limit) the seconds to wait; a
        refused request is not counted, so a flood cannot extend its own pause."""
        now = utcnow()
        key = throttle.make_key(throttle.PUBLIC, address)
        return request_counts.admit(session, key_hash=key.key_hash, limit=self.limit, now=now)
