"""More requests in flight than the pool holds must queue, not deadlock (both engines).

A request takes its pooled connection in one worker thread and runs its endpoint in
another; with more requests than threads, the threads can all wait for a connection while
the connections wait for a thread. A real Uvicorn on a pool of two shows it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from centricity import db
from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from centricity.db import get_engine, make_engine, session_factory
from centricity.migrations import runner as migrations
from live_server import live_server
from store_helpers import TEST_SECRET, create_pg_database, drop_pg_database, pg_or_skip

REQUESTS = 100  # well over AnyIO's 40 worker threads


def _flood(url: str, tmp_path: Path) -> list[int]:
    """Serve the store at `url` on a pool of two and send it REQUESTS reads at once."""
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    db._ENGINES[url] = make_engine(url, pool_size=2, max_overflow=0, pool_timeout=3)
    settings = Settings(environment="test", database_url=url, data_dir=tmp_path / "data",
                        secret_key=TEST_SECRET, scheduler_enabled=False)  # fmt: skip
    try:
        with session_factory(get_engine(settings))() as session:
            data = UserCreate(email="gate@test.example", name="Gate", password="gate-pass-123",
                              role=Role.VIEWER)  # fmt: skip
            user = accounts.create(session, data=data, actor=None)
            token = accounts.create_token(session, user=user, read_only=True, actor=None)
            session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        with live_server(settings) as base:

            def ask(_: int) -> int:
                with httpx.Client(timeout=60) as client:
                    return client.get(f"{base}/api/v1/me", headers=headers).status_code

            with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
                return list(pool.map(ask, range(REQUESTS)))
    finally:
        get_engine(settings).dispose()
        db._ENGINES.pop(url, None)


def test_a_burst_beyond_the_postgresql_pool_queues_instead_of_failing(tmp_path: Path) -> None:
    pg_or_skip()
    url = create_pg_database("centricity_gate")
    try:
        statuses = _flood(url, tmp_path)
    finally:
        drop_pg_database(url)
    assert statuses == [200] * REQUESTS, sorted(set(statuses))


def test_a_burst_of_readers_beyond_the_sqlite_pool_queues_instead_of_failing(
    tmp_path: Path,
) -> None:
    statuses = _flood(f"sqlite:///{tmp_path / 'gate.db'}", tmp_path)
    assert statuses == [200] * REQUESTS, sorted(set(statuses))
