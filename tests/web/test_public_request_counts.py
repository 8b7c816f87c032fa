"""The public pages' request limit counted per address and five-second slice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts import request_counts
from centricity.accounts.jobs import purge_expired_sessions
from centricity.accounts.models import PublicRequestCount
from centricity.accounts.request_counts import SWEEP_EVERY, Limit, admit, slice_of

MINUTE = Limit(requests=3, window=timedelta(minutes=1))
START = datetime(2026, 12, 7, 12, 0, 2, tzinfo=UTC)


def _rows(db: Session, key: str = "k") -> list[tuple[datetime, int]]:
    query = select(PublicRequestCount.slice_start, PublicRequestCount.requests)
    rows = db.execute(query.where(PublicRequestCount.key_hash == key))
    return sorted((start, requests) for start, requests in rows)


def test_slices_start_on_five_second_boundaries() -> None:
    assert slice_of(START) == datetime(2026, 12, 7, 12, 0, 0, tzinfo=UTC)
    assert slice_of(START + timedelta(seconds=3)) == datetime(2026, 12, 7, 12, 0, 5, tzinfo=UTC)


def test_it_counts_requests_of_one_slice_in_one_row(db: Session) -> None:
    waits = [
        admit(db, key_hash="k", limit=MINUTE, now=START + timedelta(seconds=s)) for s in (0, 1)
    ]
    assert waits == [0, 0]
    assert _rows(db) == [(slice_of(START), 2)]


def test_it_refuses_over_the_limit_without_counting_the_refusal(db: Session) -> None:
    moments = [START + timedelta(seconds=s) for s in (0, 10, 20, 21, 22)]
    waits = [admit(db, key_hash="k", limit=MINUTE, now=at) for at in moments]
    assert waits[:3] == [0, 0, 0]
    # The oldest slice (12:00:00-12:00:05) leaves the counted slices at 12:01:05.
    assert waits[3] == 65 - 23 and waits[4] == 65 - 24
    assert sum(requests for _, requests in _rows(db)) == 3
    assert admit(db, key_hash="other", limit=MINUTE, now=moments[-1]) == 0


def test_it_admits_again_once_the_oldest_slice_has_left_the_window(db: Session) -> None:
    for s in (0, 10, 20):
        assert admit(db, key_hash="k", limit=MINUTE, now=START + timedelta(seconds=s)) == 0
    before = START + timedelta(seconds=62)  # 12:01:04, the first slice still counts
    assert admit(db, key_hash="k", limit=MINUTE, now=before) == 1
    assert admit(db, key_hash="k", limit=MINUTE, now=before + timedelta(seconds=1)) == 0


def test_the_limit_is_never_looser_than_its_window(db: Session) -> None:
    """Requests at the very start of a slice still count a full window later."""
    first = slice_of(START)
    for _ in range(3):
        assert admit(db, key_hash="k", limit=MINUTE, now=first) == 0
    assert admit(db, key_hash="k", limit=MINUTE, now=first + timedelta(seconds=60)) > 0


def test_old_slices_are_swept_by_requests_and_by_the_hourly_purge(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime.now(UTC)
    for key in ("a", "b"):
        admit(db, key_hash=key, limit=MINUTE, now=now - timedelta(minutes=5))
    monkeypatch.setattr(request_counts, "_requests", iter(range(SWEEP_EVERY, 10**9)))
    admit(db, key_hash="k", limit=MINUTE, now=now)  # this request's turn to sweep
    assert _rows(db, "a") == [] and _rows(db, "b") == []
    monkeypatch.setattr(request_counts, "_requests", iter(range(1, 10**9)))
    admit(db, key_hash="a", limit=MINUTE, now=now - timedelta(days=2))
    purge_expired_sessions(db, {})
    assert _rows(db, "a") == [] and _rows(db, "k") == [(slice_of(now), 1)]


def test_a_count_in_its_own_transaction_does_not_wait_for_postgresqls_fsync() -> None:
    """Only the counting transaction commits asynchronously; the pooled connection it
    used goes back to the pool with PostgreSQL's durable default."""
    from types import SimpleNamespace

    from sqlalchemy import text

    from centricity.db import make_engine, session_factory
    from centricity.web.public import wait_seconds
    from store_helpers import PG_ADMIN_URL, pg_or_skip

    pg_or_skip()
    engine = make_engine(PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"))
    seen: list[str] = []

    class Throttle:
        def admit(self, session: Session, *, address: str) -> int:  # noqa: ARG002
            seen.append(session.execute(text("SHOW synchronous_commit")).scalar_one())
            return 0

    state = SimpleNamespace(public_throttle=Throttle(), session_factory=session_factory(engine))
    request = SimpleNamespace(
        app=SimpleNamespace(state=state), client=SimpleNamespace(host="192.0.2.7"), method="POST"
    )
    try:
        assert wait_seconds(request, None) == 0  # type: ignore[arg-type]
        assert seen == ["off"]
        with engine.connect() as conn:
            assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
    finally:
        engine.dispose()
