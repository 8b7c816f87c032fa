"""Make erasures final in the store's files, after the erasing transaction has committed.

Anonymising rows is not enough: the engines keep old copies of them.

* SQLite: the FTS5 search index keeps an erased person's trigrams in older segments until
  they are merged; the WAL file keeps whole pages written before the erasure; freed pages
  and deleted cells keep their bytes unless `secure_delete` is on (it is, on every
  connection: `db.py`). So the search index is merged into one segment in short steps, and
  the WAL is checkpointed with TRUNCATE so its old frames are gone.
* PostgreSQL: an UPDATE leaves the old row version as a dead tuple until VACUUM, which
  cannot run inside a transaction; the touched tables are vacuumed on an autocommit
  connection. VACUUM keeps row versions that a transaction open before the erasure
  committed might still read (measured: even one in another database of the cluster), so
  it first waits for those transactions to end. A plain VACUUM makes the space reusable
  but does not overwrite it; `full` rewrites the tables (VACUUM FULL) so the old bytes
  leave the table files.

`full` on SQLite rebuilds the whole file (VACUUM): needed once for a store whose pages
were freed before `secure_delete` was on. These steps hold locks of their own, so they run
outside the erasure's unit of work, once per batch of erasures (docs/privacy.md).
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

import centricity.models  # noqa: F401  (every table, for the names of touched tables)
from centricity.customers import search
from centricity.db import Base, session_factory, unit_of_work

# A bound on the merge loop: at 500 pages a step this is ~20 GB of search index.
MAX_MERGE_STEPS = 10_000
# How long PostgreSQL's clean-up waits for transactions older than the erasure to end.
OLDER_TRANSACTIONS_WAIT_SECONDS = 30.0

# Sessions whose transaction holds an id or a snapshot (pid and start identify it).
_OPEN_TRANSACTIONS = text(
    "SELECT pid, coalesce(xact_start, backend_start) FROM pg_stat_activity "
    "WHERE pid <> pg_backend_pid() AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)"
)


@dataclass(frozen=True)
class Cleanup:
    """What was done to remove old copies from the store's files after erasures."""

    merge_steps: int = 0
    wal_truncated: bool | None = None  # None: not SQLite
    vacuumed: tuple[str, ...] = ()
    older_transactions_ended: bool | None = None  # None: not PostgreSQL
    full: bool = False

    @property
    def complete(self) -> bool:
        """False when another connection still held old copies (a reader of SQLite's WAL,
        a PostgreSQL transaction older than the erasure): run the clean-up again."""
        return self.wal_truncated is not False and self.older_transactions_ended is not False


def clean_up(engine: Engine, *, tables: Collection[str], full: bool = False) -> Cleanup:
    """Remove old copies of erased rows from the store's files (see the module docstring).

    Runs after the erasures committed; safe to run again (an interrupted clean-up is
    finished by the next one, whatever it erases)."""
    if engine.dialect.name == "sqlite":
        steps = _merge_search_index(engine)
        if full:
            _sqlite_pragma(engine, "VACUUM")
        return Cleanup(merge_steps=steps, wal_truncated=_checkpoint(engine), full=full)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        ended = _wait_for_older_transactions(conn)
        # VACUUM FULL would queue behind such a transaction's locks, and could not remove
        # the rows it may read anyway: the plain VACUUM does what it can meanwhile.
        vacuumed = _vacuum(conn, tables, full=full and ended)
    return Cleanup(vacuumed=vacuumed, older_transactions_ended=ended, full=full and ended)


def _merge_search_index(engine: Engine) -> int:
    factory = session_factory(engine)
    steps = 0
    while steps < MAX_MERGE_STEPS:
        steps += 1
        # One short writing transaction per step, so web requests get the lock in between.
        with unit_of_work(factory, writing=True) as session:
            if not search.merge_index_step(session):
                break
    return steps


def _sqlite_pragma(engine: Engine, statement: str) -> tuple[int, ...]:
    # VACUUM and a checkpoint need a connection outside any transaction: the raw DB-API
    # connection (autocommit, see db.py) rather than a session, which would BEGIN first.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(statement)
        row = cursor.fetchone()
        cursor.close()
        return tuple(int(v) for v in row) if row else ()
    finally:
        raw.close()


def _checkpoint(engine: Engine) -> bool:
    # TRUNCATE waits (busy_timeout) for readers to leave the WAL, copies every frame into
    # the database file and cuts the WAL to zero bytes; the first column is 1 if it could
    # not finish because a reader still used the WAL.
    busy = _sqlite_pragma(engine, "PRAGMA wal_checkpoint(TRUNCATE)")
    return not busy or busy[0] == 0


def _wait_for_older_transactions(conn: Connection) -> bool:
    # Runs after the erasure committed, so every transaction begun before the commit is
    # among those open now: wait for them to end (one begun later never sees old rows).
    older = {tuple(row) for row in conn.execute(_OPEN_TRANSACTIONS)}
    deadline = time.monotonic() + OLDER_TRANSACTIONS_WAIT_SECONDS
    while older and time.monotonic() < deadline:
        time.sleep(0.1)
        older &= {tuple(row) for row in conn.execute(_OPEN_TRANSACTIONS)}
    return not older


def _vacuum(conn: Connection, tables: Collection[str], *, full: bool) -> tuple[str, ...]:
    known = sorted(set(tables) & set(Base.metadata.tables))
    quote = conn.dialect.identifier_preparer.quote
    command = "VACUUM FULL" if full else "VACUUM"
    for table in known:  # on an autocommit connection: VACUUM refuses a transaction block
        conn.exec_driver_sql(f"{command} {quote(table)}")
    return tuple(known)
