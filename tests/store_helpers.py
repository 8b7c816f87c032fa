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

from centricity.config import Settings

PG_ADMIN_URL = os.environ.get(
    "CENTRICITY_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/test"
)
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def settings_for(url: str, tmp_path: Path) -> Settings:
    """Settings for an app or command under test on the store at `url`: test mode, the
    tests' secret, data under `tmp_path`, no scheduler."""
    return Settings(
        environment="test",
        database_url=url,
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
    )


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


@contextmanager
def migrated_store(engine_name: str, tmp_path: Path, prefix: str) -> Iterator[str]:
    """A store at the head revision that a command commits into (not the rolled-back test
    store): a SQLite file in `tmp_path`, or a fresh PostgreSQL database dropped afterwards
    (skipped where PostgreSQL is unavailable)."""
    from centricity.config import Settings
    from centricity.db import get_engine, make_engine
    from centricity.migrations import runner

    if engine_name == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        pg_or_skip()
        url = create_pg_database(prefix)
    engine = make_engine(url)
    runner.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        get_engine(Settings(database_url=url, secret_key=TEST_SECRET)).dispose()
        if engine_name == "postgresql":
            drop_pg_database(url)
