"""Erasure is final in the store's files, not only in the models' tables (issue 9).

Contract: after `centricity erase-person`, none of the person's trigrams is left in any
table (the FTS5 shadow tables included) and neither their name, e-mail nor phone is in the
bytes of the database or WAL file. The store is a real SQLite file holding a realistic
person (a maiden and a married name with diacritics, e-mail, phone) among other customers,
with contact people, contacts, orders and quarantined import rows; a second engine keeps
the store open, as a running server would, while the real command erases the person.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from privacy_residue import (
    OLAFUR,
    ZDENKA,
    Person,
    file_leaks,
    seed_others,
    seed_person,
    table_leaks,
)
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from centricity import db as db_module
from centricity.cli import app
from centricity.customers import search
from centricity.customers.models import Customer
from centricity.db import make_engine, session_factory
from centricity.kit.text import digits, search_key
from centricity.migrations import runner
from centricity.privacy import residue
from store_helpers import create_pg_database, drop_pg_database, pg_or_skip, store_for_cli


def store_engine(path: Path, busy_timeout_ms: int | None = None) -> Engine:
    """The app's engine over connections whose SQLite build does not zero deleted content
    by default (Debian's does; others do not), so only the app's pragma can turn it on."""

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA secure_delete=OFF")
        return conn

    engine = make_engine(f"sqlite:///{path}", creator=connect)
    if busy_timeout_ms is not None:
        timeout = f"PRAGMA busy_timeout={busy_timeout_ms}"
        event.listen(engine, "connect", lambda conn, _: conn.execute(timeout))
    return engine


@dataclass
class Store:
    """The store's file, its URL, the "server" engine and every search key each person had."""

    path: Path
    url: str
    server: Engine
    keys: dict[str, set[str]]

    def leaks(self, person: Person) -> list[tuple[str, str]]:
        """What is left of the person in the raw files and in any table."""
        return file_leaks(self.path, person) + table_leaks(
            self.path, self.keys[person.email], person
        )


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A migrated SQLite file with both people, kept open by a "server" engine."""
    path = tmp_path / "store" / "centricity.db"
    url = f"sqlite:///{path}"
    server = store_engine(path)
    db_module._ENGINES[url] = store_engine(path)  # the one `erase-person` will use
    runner.upgrade(server)
    keys: dict[str, set[str]] = {}
    with session_factory(server)() as session:
        business = seed_others(session)
        session.commit()
        for person in (ZDENKA, OLAFUR):
            customer_id = seed_person(session, person, business)
            current = session.get(Customer, customer_id)
            assert current is not None
            first = search_key(person.names[0], person.email, digits(person.phones[0]))
            keys[person.email] = {first, current.search_key}
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", url)
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CENTRICITY_ENVIRONMENT", "test")
    yield Store(path, url, server, keys)
    cached = db_module._ENGINES.pop(url, None)
    if cached is not None:
        cached.dispose()
    server.dispose()


def test_it_turns_secure_delete_on_for_every_connection(tmp_path: Path) -> None:
    engine = store_engine(tmp_path / "other.db")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        engine.dispose()


def erase(*emails: str, full: bool = False, attempts: int = 1) -> str:
    """Run the real command; on PostgreSQL, transactions of other tests in the cluster may
    outlast its wait (exit 3), and as docs/privacy.md says, running it again finishes."""
    args = ["erase-person", "--yes", *(a for e in emails for a in ("--email", e))]
    for _ in range(attempts):
        result = CliRunner().invoke(app, [*args, "--full"] if full else args)
        if result.exit_code != 3:
            break
    assert result.exit_code == 0, (result.exit_code, result.output, result.exception)
    return result.stdout


def test_it_leaves_no_trace_in_the_files_or_the_search_index(store: Store) -> None:
    before = store.leaks(ZDENKA)  # the scans do see the person before
    assert {"centricity.db-wal", "customers_fts_data (terms)"} <= {where for where, _ in before}
    output = erase(ZDENKA.email)
    assert "Erased: 1 customer(s), 1 contact person(s), 0 user(s)." in output
    assert store.leaks(ZDENKA) == []
    assert store.path.with_name("centricity.db-wal").stat().st_size == 0
    # Nobody else was touched: the other person is still in the files and still found.
    assert file_leaks(store.path, OLAFUR) != []
    with session_factory(store.server)() as session:
        for query, emails in (("brzeczyszczykiewicz", [OLAFUR.email]), ("wrzesniewska", [])):
            condition = search.to_condition(search.find(session, query))
            assert list(session.scalars(select(Customer.email).where(condition))) == emails


def test_it_cleans_up_once_for_several_people(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[set[str]] = []
    real = residue.clean_up

    def spy(engine: Engine, *, tables: set[str], full: bool = False) -> residue.Cleanup:
        calls.append(set(tables))
        return real(engine, tables=tables, full=full)

    monkeypatch.setattr(residue, "clean_up", spy)
    output = erase(ZDENKA.email, OLAFUR.email.upper())
    assert output.count("Erased: 1 customer(s)") == 2
    assert len(calls) == 1 and {"customers", "contact_people", "import_quarantine"} <= calls[0]
    assert store.leaks(ZDENKA) == [] and store.leaks(OLAFUR) == []


def test_it_rewrites_a_store_whose_pages_were_freed_before_secure_delete(store: Store) -> None:
    # An older release purged quarantined rows without zeroing them: their bytes stay in
    # free space that no erasure touches, until the store is rewritten.
    conn = sqlite3.connect(store.path, isolation_level=None)
    conn.execute("PRAGMA secure_delete=OFF")
    conn.execute("DELETE FROM import_quarantine")
    conn.close()
    erase(ZDENKA.email, full=True)
    assert store.leaks(ZDENKA) == []


def test_it_says_when_a_reader_kept_the_wal(store: Store) -> None:
    # The command's engine gives up on the busy WAL after 0.2 s instead of 10 s.
    db_module._ENGINES.pop(store.url).dispose()
    db_module._ENGINES[store.url] = store_engine(store.path, busy_timeout_ms=200)
    reader = sqlite3.connect(store.path, isolation_level=None, timeout=0.1)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customers").fetchone()  # holds a WAL snapshot
    try:
        result = CliRunner().invoke(app, ["erase-person", "--yes", "--email", ZDENKA.email])
    finally:
        reader.close()
    assert result.exit_code == 3 and "run the command again" in result.stderr
    assert erase(ZDENKA.email).startswith("Nothing to erase")  # and the rerun finishes it
    assert store.leaks(ZDENKA) == []


@pytest.fixture()
def pg_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh migrated PostgreSQL database with the person among other customers."""
    pg_or_skip()
    url = create_pg_database("ctr_residue")

    def seed(session: Session) -> None:
        business = seed_others(session, count=20)
        session.commit()
        seed_person(session, ZDENKA, business)

    with store_for_cli(url, tmp_path / "data", monkeypatch, seed):
        yield url
    drop_pg_database(url)


def pg_query(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            result = conn.exec_driver_sql(sql)
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_it_vacuums_the_touched_tables_on_postgresql(pg_store: str) -> None:
    output = erase(ZDENKA.email, attempts=5)
    assert "Vacuumed: " in output
    stats = pg_query(pg_store, "SELECT relname, last_vacuum FROM pg_stat_user_tables")
    vacuumed = {name for name, at in stats if at is not None}
    assert {"customers", "contact_people", "interactions", "import_quarantine"} <= vacuumed
    assert "orders" not in vacuumed  # only the tables the erasure changed


def pg_page_leaks(url: str, person: Person) -> list[tuple[str, str]]:
    """The person's values in any page of their tables and the customers' indexes, as
    PostgreSQL holds them (pageinspect; skips where it is not installed)."""
    try:
        pg_query(url, "CREATE EXTENSION IF NOT EXISTS pageinspect")
    except DBAPIError:
        pytest.skip("pageinspect is not installed")
    pages = pg_query(
        url,
        "SELECT c.relname, get_raw_page(c.relname::text, n) FROM pg_class c "
        "CROSS JOIN LATERAL generate_series(0, pg_relation_size(c.oid) / 8192 - 1) n "
        "WHERE c.relname IN ('customers', 'contact_people', 'import_quarantine') OR c.oid IN ("
        "SELECT indexrelid FROM pg_index WHERE indrelid = 'customers'::regclass)",
    )
    return [
        (str(name), n)
        for name, page in pages
        for n in person.needles()
        if n.encode() in bytes(page)
    ]


def test_it_rewrites_the_touched_tables_with_full_on_postgresql(pg_store: str) -> None:
    assert pg_page_leaks(pg_store, ZDENKA) != []
    erase(ZDENKA.email, full=True, attempts=5)
    assert pg_page_leaks(pg_store, ZDENKA) == []


def test_it_waits_for_older_transactions_on_postgresql(
    pg_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(residue, "OLDER_TRANSACTIONS_WAIT_SECONDS", 0.3)
    engine = make_engine(pg_store)
    try:
        # A report (or pg_dump) reading one snapshot, begun before the erasure.
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as older:
            older.exec_driver_sql("SELECT count(*) FROM customers").scalar()
            args = ["erase-person", "--yes", "--full", "--email", ZDENKA.email]
            result = CliRunner().invoke(app, args)
        assert result.exit_code == 3 and "run the command again" in result.stderr
        assert "Store rewritten" not in result.stdout  # VACUUM FULL would have queued
    finally:
        engine.dispose()
    # Once the report ended, running the command again finishes the clean-up.
    assert erase(ZDENKA.email, full=True, attempts=5).startswith("Nothing to erase")
    assert pg_page_leaks(pg_store, ZDENKA) == []
