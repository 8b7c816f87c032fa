"""100 concurrent ingest requests with one Idempotency-Key create exactly one record.

Runs against a real server and a committed store (SQLite file, PostgreSQL database),
because the rolled-back test transaction cannot show what concurrent connections see.

All hundred are sent at once on both engines. On SQLite that needs the writer gate
(`web/writers.py`): without it the requests waiting for the single write lock took every
worker thread, the request holding the lock could not get one, and they failed together.
PostgreSQL gets a connection pool as large as the burst.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from centricity import db
from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.audit.models import AuditEntry
from centricity.config import Settings
from centricity.db import get_engine, make_engine, session_factory
from centricity.imports.models import IdempotencyKey
from centricity.interactions.models import Interaction
from centricity.migrations import runner as migrations
from live_server import live_server
from store_helpers import TEST_SECRET, create_pg_database, drop_pg_database, pg_or_skip

pytestmark = pytest.mark.slow  # a real server answering 100 requests at once

THREADS = 40  # AnyIO's default limit of worker threads
REQUESTS = 100


@pytest.fixture(params=["sqlite", "postgresql"])
def settings_on_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of a fresh committed store with one customer."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        pg_or_skip()
        url = create_pg_database("centricity_import_race")
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    if request.param == "postgresql":
        # One connection per worker thread (AnyIO runs at most 40 at once): a pool of one per
        # request (110) took the shared PostgreSQL past its 100 connections while the other
        # test worker ran, and a request then failed to connect (500).
        db._ENGINES[url] = make_engine(url, pool_size=THREADS, max_overflow=0)
    settings = Settings(
        environment="test",
        database_url=url,
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
    )
    yield settings
    get_engine(settings).dispose()
    if request.param == "postgresql":
        drop_pg_database(url)


def _token(settings: Settings) -> str:
    with session_factory(get_engine(settings))() as session:
        user = accounts.create(
            session,
            data=UserCreate(
                email="bob@test.example",
                name="Bob",
                password="correct-horse-battery",
                role=Role.AGENT,
            ),
            actor=None,
        )
        token = accounts.create_token(session, user=user, read_only=False, actor=None)
        session.commit()
    return token


def test_one_key_sent_100_times_at_once_runs_once(settings_on_store: Settings) -> None:
    token = _token(settings_on_store)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "race-1"}
    batch = [
        {"external_id": "RACE-1", "name": "Jana Dvořáková"},
        # A contact without an id: only the idempotency key keeps it from being doubled
        # by a concurrent identical request.
    ]
    contacts = [
        {
            "customer_external_id": "RACE-1",
            "channel": "phone",
            "started_at": "2025-01-05T10:00:00Z",
            "note": "once",
        }
    ]
    with live_server(settings_on_store) as base:
        with httpx.Client() as client:
            client.post(
                f"{base}/api/v1/ingest/customers",
                json=batch,
                headers={**headers, "Idempotency-Key": "setup"},
            ).raise_for_status()

        def send(_: int) -> httpx.Response:
            with httpx.Client(timeout=60) as client:
                return client.post(
                    f"{base}/api/v1/ingest/interactions", json=contacts, headers=headers
                )

        with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
            answers = list(pool.map(send, range(REQUESTS)))
    statuses = sorted({a.status_code for a in answers})
    assert set(statuses) <= {200, 409}, statuses
    done = [a.json() for a in answers if a.status_code == 200]
    assert done and all(body == done[0] for body in done)
    assert done[0]["inserted"] == 1
    with session_factory(get_engine(settings_on_store))() as session:
        assert session.scalar(select(func.count()).select_from(Interaction)) == 1
        runs = (
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import.ingest")
        )
        assert session.scalar(runs) == 2  # the setup batch and exactly one of the hundred
        assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 2
