"""What every public page (no sign-in: survey and unsubscribe links) shares: the request
limit per client address and the language the page speaks."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import text
from sqlalchemy.orm import Session

from centricity.db import unit_of_work
from centricity.kit.i18n import ViewerLocale, supported
from centricity.web.deps import SAFE_METHODS

# A count lost in a crash costs nothing (the address gets a few more requests in the next
# minute), so on PostgreSQL its own transaction commits without waiting for the write-ahead
# log to reach the disk: one fsync fewer per public request, the answer's own still waits.
_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")


def wait_seconds(request: Request, session: Session | None) -> int:
    """Count this request against its address and answer 0, or the seconds to wait when
    the address is over `CENTRICITY_PUBLIC_REQUESTS_PER_MINUTE`.

    A writing request that has its transaction open already counts in it (on SQLite it
    holds the write lock, so a second transaction would wait for itself). Any other
    request counts in a short writing transaction of its own: a page view never turns its
    read into a write that could fail on a busy snapshot, and on PostgreSQL the address's
    counter row is locked only for that moment, not for a whole answer. That transaction
    does not wait for its fsync on PostgreSQL (`_ASYNC_COMMIT`)."""
    throttle = request.app.state.public_throttle
    address = request.client.host if request.client else "unknown"
    if session is not None and request.method not in SAFE_METHODS:
        return int(throttle.admit(session, address=address))
    with unit_of_work(request.app.state.session_factory, writing=True) as own:
        if own.get_bind().dialect.name == "postgresql":
            own.execute(_ASYNC_COMMIT)
        return int(throttle.admit(own, address=address))


def counted_apart(request: Request) -> bool:
    """Whether a writing public request should be counted before its transaction, in a
    short one of its own (`wait_seconds(request, None)`), rather than inside it.

    On PostgreSQL, yes: counting inside would hold the address's counter row for the
    whole request and line up one address's requests behind it. On SQLite, no: one writer
    runs at a time anyway, and a transaction of its own cost another commit and writer
    turn per survey answer (benchmarks/README.md, "Surveys", run 18)."""
    bind = request.app.state.session_factory.kw.get("bind")
    return bind is None or bind.dialect.name != "sqlite"


def page_locale(
    request: Request, *, preferred: str | None, offered: tuple[str, ...] | None = None
) -> ViewerLocale:
    """The language of a public page: `?lang=` when it names one the page offers (`PL`,
    `pl-PL` and `pl` alike); an unknown or unoffered `?lang=` gives the survey's default
    (the first offered, else the installation's default); without `?lang=`, the
    customer's preferred language when offered, else that default. The switch is a plain
    GET: nothing is saved."""
    settings = request.app.state.settings
    allowed = offered or None
    fallback = allowed[0] if allowed else settings.default_language
    asked = request.query_params.get("lang", "").strip()
    for candidate in (asked,) if asked else (preferred,):
        code = supported(candidate)
        if code and (allowed is None or code in allowed):
            return ViewerLocale(language=code, time_zone=settings.time_zone)
    return ViewerLocale(language=fallback, time_zone=settings.time_zone)
