"""The public pages' request limit per client address, counted per five-second slice.

Every request to a public page (survey and unsubscribe links) counts against its client
address, so nobody can walk the token space or flood the answer form. A request adds one
to its address's current slice unless the address's slices of the window, at most 13 rows
however many requests they hold, already sum to the limit: one `INSERT … SELECT … ON
CONFLICT DO UPDATE`, which returns nothing for a refused request.

Until 2026-12-07 each request was one `login_failures` row and the check walked the
address's rows in the window: at 100 survey answers/s from one address (a company's
proxy, the benchmark's load generator) about 7,500 index entries and their rows per
answer, 2–3 ms of PostgreSQL's CPU each time (benchmarks/README.md, "Surveys").

The slices counted cover the whole window and up to one slice more (60–65 s for the
one-minute window), so the limit is never looser than its setting. Two requests of one
address at the same moment in different transactions may both pass the last free place
(each counts, neither sees the other's count yet); the count itself stays exact, since
increments of one slice wait for each other. On PostgreSQL callers count in a short
transaction of their own, so the slice's row is locked only for that moment
(`web.public.counted_apart`).

`key_hash` is an HMAC of the address keyed by the secret key: the table names nobody.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam, delete, func, literal, select
from sqlalchemy.orm import Session

from centricity.accounts.models import PublicRequestCount
from centricity.db import by_dialect

SLICE = timedelta(seconds=5)
# Every this many requests of a process also sweep the slices past every window.
SWEEP_EVERY = 16
_requests = itertools.count()  # next() is atomic under the GIL

_TABLE = cast(Table, PublicRequestCount.__table__)
# The address's slices in the window (`:key_hash`, starting after `:since`).
_IN_WINDOW = (
    _TABLE.c.key_hash == bindparam("key_hash"),
    _TABLE.c.slice_start > bindparam("since", type_=_TABLE.c.slice_start.type),
)
# Built once: every public request runs them.
_COUNTED = (
    select(_TABLE.c.slice_start, _TABLE.c.requests)
    .where(*_IN_WINDOW)
    .order_by(_TABLE.c.slice_start)
)


def _count_one(dialect: Any) -> Any:
    """The check and the count in one statement (on PostgreSQL each statement is a round
    trip): the current slice's row, added or incremented only while the address's slices
    in the window hold fewer than `:limit` requests; it returns a row only when counted."""
    in_window = select(func.coalesce(func.sum(_TABLE.c.requests), 0)).where(*_IN_WINDOW)
    row = select(
        bindparam("key_hash", type_=_TABLE.c.key_hash.type),
        bindparam("current", type_=_TABLE.c.slice_start.type),
        literal(1, Integer()),
    ).where(in_window.scalar_subquery() < bindparam("limit", type_=Integer()))
    return (
        dialect.insert(_TABLE)
        .from_select(["key_hash", "slice_start", "requests"], row)
        .on_conflict_do_update(
            index_elements=["key_hash", "slice_start"],
            set_={"requests": _TABLE.c.requests + 1},
        )
        .returning(_TABLE.c.requests)
    )


_COUNT_ONE = by_dialect(_count_one)


@dataclass(frozen=True)
class Limit:
    """At most `requests` requests of one address within `window`."""

    requests: int
    window: timedelta


def slice_of(moment: datetime) -> datetime:
    """The start of the five-second slice `moment` falls in (UTC)."""
    seconds = math.floor(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % int(SLICE.total_seconds()), UTC)


def admit(session: Session, *, key_hash: str, limit: Limit, now: datetime) -> int:
    """Count one request of the address `key_hash` names and answer 0, or, when its
    window already holds `limit.requests`, the seconds until it may try again (a refused
    request is not counted, so a flood cannot extend its own pause)."""
    current = slice_of(now)
    since = current - limit.window - SLICE
    params = {"key_hash": key_hash, "since": since, "current": current, "limit": limit.requests}
    counted = session.execute(_COUNT_ONE[session.get_bind().dialect.name], params).first()
    if counted is None:
        slices = session.execute(_COUNTED, {"key_hash": key_hash, "since": since}).all()
        return _wait(slices, sum(int(row.requests) for row in slices), limit, now)
    if next(_requests) % SWEEP_EVERY == 0:
        purge_expired(session, before=since)
    return 0


def _wait(slices: Sequence[Any], total: int, limit: Limit, now: datetime) -> int:
    """Seconds until enough of the oldest slices have left the window for one more."""
    for row in slices:
        total -= int(row.requests)
        if total < limit.requests:
            until: datetime = row.slice_start + limit.window + SLICE
            return max(1, math.ceil((until - now).total_seconds()))
    return 1  # unreachable: emptying every slice leaves 0 < limit


def purge_expired(session: Session, *, before: datetime) -> int:
    """Delete the slices that started before `before` (past any window) and count them."""
    result = session.execute(
        delete(PublicRequestCount)
        .where(PublicRequestCount.slice_start < before)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
