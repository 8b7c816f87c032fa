"""Shared fixtures: real stores built by the migrations, on SQLite and PostgreSQL.

Every test that uses `db` runs once per engine. Each test runs inside an outer transaction
that is rolled back, so tests never see each other's rows. Services that commit (the web
request dependency) only release a SAVEPOINT.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from centricity.accounts import passwords
from centricity.config import Settings
from centricity.db import make_engine
from centricity.migrations import runner

passwords.use_fast_hasher()

pytest_plugins = ["fixtures_web"]

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


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, empty store per engine, shared by the session's tests."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "centricity.db"
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        runner.upgrade(engine)
        engine.dispose()
        yield url
        return
    pg_or_skip()
    url = create_pg_database()
    engine = make_engine(url)
    runner.upgrade(engine)
    engine.dispose()
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The engine of the migrated store."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture()
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside an outer transaction that the test's end rolls back."""
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture()
def session_maker(connection: Connection) -> sessionmaker[Session]:
    """Sessions that commit into SAVEPOINTs of the test's outer transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture()
def db(session_maker: sessionmaker[Session]) -> Iterator[Session]:
    """A session for arranging and asserting, rolled back after the test."""
    session = session_maker()
    yield session
    session.close()


@pytest.fixture()
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for an app or command under test, pointing at the test store."""
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
    )
