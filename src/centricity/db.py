"""Engine, sessions and the declarative base shared by every domain's models."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Engine,
    MetaData,
    any_,
    bindparam,
    create_engine,
    event,
    func,
    literal_column,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from centricity import sqlite_writer_queue as writer_queue
from centricity.config import Settings
from centricity.kit.files import private_dir, private_file

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BUSY_TIMEOUT_MS = 10_000  # how long a SQLite writer waits for the lock before failing
JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes; SQLite returns naive ones, so give them back UTC-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if value is not None and dialect.name == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(  # noqa: D102
        self,
        value: datetime | None,
        dialect: Any,  # noqa: ARG002
    ) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base: one metadata with a naming convention Alembic can diff."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy (not the driver) emit BEGIN so SAVEPOINTs and rollbacks work.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Deleted and overwritten rows are zeroed in their page and freed pages are cleared, so
    # an erased person's old values do not linger in the file (privacy/residue.py).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # Writers ask for BEGIN IMMEDIATE: a deferred transaction that reads and then writes
    # fails at once ("database is locked") when another writer got there first, while an
    # immediate one waits up to busy_timeout for the lock. Within this process they first
    # wait their turn in the engine's writer queue (sqlite_writer_queue: no polling).
    mode = conn.get_execution_options().get("sqlite_begin", "")
    queue = writer_queue.queue_of(conn.engine)
    if queue is not None and mode in writer_queue.WRITER_MODES:
        queue.enter(conn.connection.dbapi_connection)
    conn.exec_driver_sql(f"BEGIN {mode}".strip())


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the pragmas a durable, concurrent SQLite store needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            # The store holds every customer's data: owner-only folder and file.
            store = Path(parsed.database)
            if not store.parent.exists():
                private_dir(store.parent)
            if not store.exists():
                private_file(store)
        # Web requests run in worker threads; the pool, not the thread, owns a connection.
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        writer_queue.install(engine, BUSY_TIMEOUT_MS / 1000)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


_ENGINES: dict[str, Engine] = {}


def get_engine(settings: Settings) -> Engine:
    """Return the process-wide engine for the configured store (created once)."""
    engine = _ENGINES.get(settings.database_url)
    if engine is None:
        engine = make_engine(settings.database_url)
        _ENGINES[settings.database_url] = engine
    return engine


def begin_writing(session: Session) -> None:
    """Start the session's transaction as a writer (BEGIN IMMEDIATE on SQLite, no-op else)."""
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def insert_or_ignore(
    session: Session, table: Any, values: dict[str, Any], *, unique: list[str] | None
) -> Any:
    """INSERT … ON CONFLICT (`unique`) DO NOTHING for the session's engine (`None`: a
    conflict on any unique key): the store's uniqueness constraint, not a read before the
    write, keeps a second copy out, even when two workers write at once. Chain
    `.returning(...)` to learn whether a row went in."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=unique)


T = TypeVar("T")


def by_dialect(build: Callable[[Any], T]) -> dict[str, T]:
    """A statement built once per dialect the store supports, by dialect name (`sqlite`,
    `postgresql`): for hot paths that need a dialect's own INSERT (`ON CONFLICT`) and
    should not build it per call; pick with `session.get_bind().dialect.name`."""
    return {"sqlite": build(sqlite), "postgresql": build(postgresql)}


def in_keys(session: Session, column: Any, keys: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN keys` with the keys sent as one parameter (a PostgreSQL array, a JSON
    array that SQLite's `json_each` reads), so a batch of 100,000 keys is one short
    statement that probes the column's index. Hand-written for speed: SQLAlchemy and
    psycopg render a plain `IN` list one parameter at a time, which cost more than the
    statements' own work for the call import's 5,000-key chunks (see `telephony`)."""
    values = list(keys)
    if session.get_bind().dialect.name == "postgresql":
        array = bindparam(None, values, type_=postgresql.ARRAY(column.type))
        return column == any_(array)  # type: ignore[no-any-return]
    listed = func.json_each(bindparam(None, json.dumps(values)))
    return column.in_(select(literal_column("value")).select_from(listed))  # type: ignore[no-any-return]


@contextmanager
def large_cache(session: Session, kib: int) -> Iterator[None]:
    """On SQLite, a page cache of `kib` KiB on the session's connection for a bulk write,
    then the size it had: with the default 2 MB every row written into a large index is
    a cache miss read back from the file. Nothing on other engines."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    previous = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
    session.connection().exec_driver_sql(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        session.connection().exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory whose objects stay readable after commit (for rendering)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: Callable[[], Session], *, writing: bool = False) -> Iterator[Session]:
    """One transaction on a new session: commit on success, roll back on any error."""
    session = factory()
    try:
        if writing:
            begin_writing(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def session_scope(settings: Settings) -> Iterator[Session]:
    """Run a unit of work for CLI and jobs on the installation's store."""
    with unit_of_work(session_factory(get_engine(settings))) as session:
        yield session
