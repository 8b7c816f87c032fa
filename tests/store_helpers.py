"""Helpers for tests that need their own store (PostgreSQL databases made per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.orm import Session

PG_ADMIN_URL = os.environ.get(
    "CENTRICITY_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/test"
)
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _pg_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def create_pg_database(prefix: str = "centricity_test") -> str:
    """Create a fresh PostgreSQL database for this test process and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"


def drop_pg_database(url: str) -> None:
    """Drop a database made by `create_pg_database`."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_or_skip() -> None:
    """Skip locally without PostgreSQL; in CI a missing server is a failure."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}")
        pytest.skip("PostgreSQL not reachable")


@contextmanager
def store_for_cli(
    url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch, seed: Callable[[Session], None]
) -> Iterator[str]:
    """Migrate and seed the store at `url`, then point the CLI's own settings at it (its
    connections must see committed rows); forgets the CLI's cached engine afterwards."""
    from centricity import db as db_module
    from centricity.db import make_engine, session_factory
    from centricity.migrations import runner

    engine = make_engine(url)
    runner.upgrade(engine)
    with session_factory(engine)() as session:
        seed(session)
        session.commit()
    engine.dispose()
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", url)
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CENTRICITY_ENVIRONMENT", "test")
    try:
        yield url
    finally:
        cached = db_module._ENGINES.pop(url, None)
        if cached is not None:
            cached.dispose()
