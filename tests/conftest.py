"""Shared fixtures: real stores built by the migrations, on SQLite and PostgreSQL.

Every test that uses `db` runs once per engine. Each test runs inside an outer transaction
that is rolled back, so tests never see each other's rows. Services that commit (the web
request dependency) only release a SAVEPOINT.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from centricity.accounts import passwords
from centricity.accounts import service as accounts
from centricity.config import Settings
from centricity.db import make_engine
from centricity.migrations import runner
from store_helpers import (
    TEST_SECRET,
    create_pg_database,
    drop_pg_database,
    pg_or_skip,
    settings_for,
)

passwords.use_fast_hasher()
accounts.use_secret(TEST_SECRET)


@pytest.fixture(autouse=True)
def _test_secret() -> None:
    """Digests of sessions and tokens use TEST_SECRET unless a test's own app says otherwise."""
    accounts.use_secret(TEST_SECRET)


pytest_plugins = ["fixtures_web"]


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
    return settings_for(database_url, tmp_path)
