"""Benchmark stores: fresh migrated SQLite files or PostgreSQL databases, and an ORM session
on one."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.orm import Session

from centricity.db import make_engine, session_factory
from centricity.migrations.runner import upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "CENTRICITY_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/test"
)


def remove_sqlite(path: Path) -> None:
    """Delete a SQLite store with its WAL, shared-memory and journal files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def migrate(url: str) -> None:
    """`alembic upgrade head` on the store at `url` (new tables of later migrations too)."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


@contextmanager
def session(url: str) -> Iterator[Session]:
    """An ORM session on the store at `url`, committed when the block ends without error."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            yield db
            db.commit()
    finally:
        engine.dispose()


def new_store(engine_name: str, folder: Path, name: str) -> str:
    """A fresh, migrated store: `folder/NAME.db` on SQLite, else a new PostgreSQL database
    `centricity_NAME_<random>` on the test server; returns its URL."""
    if engine_name == "sqlite":
        path = folder / f"{name}.db"
        remove_sqlite(path)
        url = f"sqlite:///{path}"
    else:
        database = f"centricity_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        server = POSTGRES_ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0]
        url = f"postgresql+psycopg://{server}/{database}"
    migrate(url)
    return url


def drop_store(url: str) -> None:
    """Remove a benchmark PostgreSQL database (SQLite files are overwritten next time)."""
    if url.startswith("postgresql"):
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def postgres_version() -> str:
    """The test PostgreSQL server's version, or "?"."""
    with psycopg.connect(POSTGRES_ADMIN_URL) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"
