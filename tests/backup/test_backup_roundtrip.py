"""A backup restores to identical rows, and one taken during writes is a clean snapshot."""

from __future__ import annotations

import hashlib
import random
import re
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import centricity.models  # noqa: F401  (completes the metadata)
from centricity import db as db_module
from centricity.backup import service
from centricity.cli import app
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.customers.service import refresh_search_key
from centricity.db import Base, make_engine, session_factory
from centricity.interactions.models import Interaction
from centricity.migrations import runner
from centricity.orders.models import Order, OrderLine

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
WRITER_CURRENCY = "XTS"  # ISO 4217 code reserved for testing: marks the writer's orders


@dataclass(frozen=True)
class Stores:
    """A seeded source store and an empty target of the same engine."""

    source: str
    target: str
    data_dir: Path

    def settings(self, url: str) -> Settings:
        return Settings(
            environment="test",
            database_url=url,
            data_dir=self.data_dir,
            secret_key="backup-test-secret-key-long-enough-0123456789",
        )


def seed(session: Session, rng: random.Random) -> None:
    """Customers (with search keys), orders with lines and contacts; deterministic."""
    customers = [
        Customer(name=f"Zákazník {i:03d} Dvořáková", email=f"c{i}@example.com", attributes={"i": i})
        for i in range(60)
    ]
    for customer in customers:
        refresh_search_key(customer)
    session.add_all(customers)
    session.flush()
    for i in range(150):
        amounts = [Decimal(rng.randint(100, 50000)) / 100 for _ in range(rng.randint(1, 3))]
        order = Order(
            customer_id=rng.choice(customers).id,
            ordered_at=START + timedelta(hours=i),
            currency=rng.choice(["EUR", "CZK"]),
            total_amount=sum(amounts, Decimal("0")),
        )
        session.add(order)
        session.flush()
        session.add_all(
            OrderLine(order_id=order.id, quantity=Decimal(1), unit_price=a, amount=a)
            for a in amounts
        )
        session.add(
            Interaction(
                customer_id=order.customer_id,
                channel="chat",
                direction="inbound",
                started_at=order.ordered_at,
                note=f"n{i}",
            )
        )
    session.flush()


@pytest.fixture(scope="session")
def root_helpers(pytestconfig: pytest.Config) -> Any:
    """tests/conftest.py as a module: `from store_helpers import` is ambiguous once a nested
    conftest.py (tests/analytics/value/) has been imported under the same name."""
    root = str(pytestconfig.rootpath / "tests" / "conftest.py")
    plugins = pytestconfig.pluginmanager.get_plugins()
    return next(p for p in plugins if getattr(p, "__file__", None) == root)


@pytest.fixture()
def stores(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root_helpers: Any
) -> Iterator[Stores]:
    """Fresh stores the CLI's own connections can see (the `db` fixture's rows are not)."""
    is_sqlite = database_url.startswith("sqlite")
    source, target = (
        f"sqlite:///{tmp_path / name}" if is_sqlite else root_helpers.create_pg_database("ctr_bak")
        for name in ("source.db", "target/restored.db")
    )
    engine = make_engine(source)
    runner.upgrade(engine)
    with session_factory(engine)() as session:
        seed(session, random.Random(1125))
        session.commit()
    engine.dispose()
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CENTRICITY_ENVIRONMENT", "test")
    yield Stores(source=source, target=target, data_dir=tmp_path / "data")
    for url in (source, target):
        cached = db_module._ENGINES.pop(url, None)
        if cached is not None:
            cached.dispose()
        if not is_sqlite:
            root_helpers.drop_pg_database(url)


def checksums(url: str, *, max_order_id: int | None = None) -> dict[str, tuple[int, str]]:
    """(row count, sha256 over rows ordered by primary key) for every table."""
    engine = make_engine(url)
    result = {}
    try:
        with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                query = select(table).order_by(*table.primary_key.columns)
                if max_order_id is not None and table.name in ("orders", "order_lines"):
                    column = table.c.id if table.name == "orders" else table.c.order_id
                    query = query.where(column <= max_order_id)
                rows = [repr(tuple(row)) for row in conn.execute(query)]
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
                result[table.name] = (len(rows), digest)
    finally:
        engine.dispose()
    return result


def search_index_works(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                query = (
                    "SELECT count(*) FROM customers_fts WHERE customers_fts MATCH '\"dvorakova\"'"
                )
                return conn.execute(text(query)).scalar() == 60
            query = (
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_customers_search_key_trgm'"
            )
            return conn.execute(text(query)).scalar() == 1
    finally:
        engine.dispose()


def test_it_round_trips_every_row_through_the_cli(
    stores: Stores, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, path = CliRunner(), tmp_path / "backups" / "store.bak"
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", stores.source)
    made = cli.invoke(app, ["backup", "--output", str(path)])
    assert made.exit_code == 0, made.output
    assert f"Backup written: {path}" in made.stdout and re.search(r"orders\s+│\s+150", made.stdout)

    monkeypatch.setenv("CENTRICITY_DATABASE_URL", stores.target)
    restored = cli.invoke(app, ["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert checksums(stores.target) == checksums(stores.source)
    assert search_index_works(stores.target)


def test_it_names_default_backups_by_time_under_the_data_dir(stores: Stores) -> None:
    result = service.backup(stores.settings(stores.source))
    assert result.path.parent == (stores.data_dir / "backups").resolve()
    assert re.fullmatch(r"centricity-\d{8}-\d{6}\.(db|dump)", result.path.name)
    assert result.row_counts["orders"] == 150 and result.revision


class Writer(threading.Thread):
    """Commits one order with three lines per transaction until told to stop.

    An exception in the writer is kept and re-raised by `wait_for` and `finish`, so a
    crashed writer fails the test at once instead of passing as a quiet store.
    """

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine: Engine = make_engine(url)
        self.committed = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._write()
        except BaseException as exc:
            self.error = exc
        finally:
            self.engine.dispose()

    def _write(self) -> None:
        maker = session_factory(self.engine)
        while not self.stop.is_set():
            with maker.begin() as session:
                order = Order(
                    customer_id=1,
                    ordered_at=START,
                    currency=WRITER_CURRENCY,
                    total_amount=Decimal("3.00"),
                )
                session.add(order)
                session.flush()
                session.add_all(
                    OrderLine(
                        order_id=order.id,
                        quantity=Decimal(1),
                        unit_price=Decimal(1),
                        amount=Decimal("1.00"),
                    )
                    for _ in range(3)
                )
            self.committed += 1

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while self.committed < count and self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)
        self._raise_error()
        assert self.committed >= count, f"the writer committed {self.committed} of {count}"

    def finish(self) -> None:
        self.stop.set()
        self.join(timeout=60)
        assert not self.is_alive(), "the writer did not stop"
        self._raise_error()

    def _raise_error(self) -> None:
        if self.error is not None:
            raise self.error


def test_it_takes_a_consistent_backup_while_another_connection_writes(
    stores: Stores, tmp_path: Path
) -> None:
    writer = Writer(stores.source)
    writer.start()
    try:
        writer.wait_for(20)
        made = service.backup(stores.settings(stores.source), output=tmp_path / "live.bak")
        writer.wait_for(writer.committed + 10)
    finally:
        writer.finish()
    restored = service.restore(stores.settings(stores.target), source=made.path)
    after = checksums(stores.target)
    assert restored.row_counts == made.row_counts == {t: n for t, (n, _) in after.items()}
    engine = make_engine(stores.target)
    with engine.connect() as conn:
        per_order = select(func.count(OrderLine.id), func.sum(OrderLine.amount)).join(
            Order, Order.id == OrderLine.order_id
        )
        lines = conn.execute(per_order.where(Order.currency == WRITER_CURRENCY)).one()
        orders = conn.scalar(select(func.count()).where(Order.currency == WRITER_CURRENCY))
        max_id = conn.scalar(select(func.max(Order.id)))
    engine.dispose()
    assert orders is not None and 20 <= orders < writer.committed
    assert lines[0] == 3 * orders and Decimal(lines[1]) == 3 * orders  # whole transactions only
    assert checksums(stores.source, max_order_id=max_id) == after


def test_it_refuses_files_that_are_not_centricity_backups(
    stores: Stores, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = CliRunner()
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", stores.target)
    junk = tmp_path / "junk.bak"
    junk.write_text("not a backup", encoding="utf-8")
    refused = cli.invoke(app, ["restore", str(junk), "--yes"])
    assert refused.exit_code == 1 and "not a" in refused.stderr
    foreign = tmp_path / "foreign.bak"
    if stores.target.startswith("sqlite"):
        with sqlite3.connect(foreign) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER)")
    else:
        uri, env = service.libpq_connection(stores.target)
        subprocess.run(
            ["pg_dump", "-Fc", f"--file={foreign}", f"--dbname={uri}"], env=env, check=True
        )
    refused = cli.invoke(app, ["restore", str(foreign), "--yes"])
    assert refused.exit_code == 1 and "not a Centricity backup" in refused.stderr
    assert cli.invoke(app, ["restore", str(junk)]).exit_code == 2


def test_it_never_overwrites_an_existing_backup(
    stores: Stores, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", stores.source)
    existing = tmp_path / "existing.bak"
    existing.write_bytes(b"keep me")
    result = CliRunner().invoke(app, ["backup", "--output", str(existing)])
    assert result.exit_code == 1 and existing.read_bytes() == b"keep me"
