"""The aggregates read by child processes on a SQLite file equal the single query's, bit for
bit, and the analysis uses them only where children can see the same rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from centricity.analytics import io, io_sqlite
from centricity.config import Settings
from centricity.db import make_engine
from centricity.migrations import runner
from centricity.value import service
from centricity.value.models import CustomerValue
from centricity.value.scoring import score
from store_helpers import TEST_SECRET
from value_data import AS_OF, seed_history


@pytest.fixture()
def file_store(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite file whose seeded history is committed (children see only that)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    runner.upgrade(engine)
    with Session(engine) as session:
        seed_history(session, customers=400)
        session.commit()
    yield engine
    engine.dispose()


def _single_query(engine: Engine, as_of: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    with Session(engine) as session:
        orders = io.fetch(session, io.order_aggregates(as_of, 0.3))
        contacts = io.fetch(session, io.contact_aggregates(as_of))
    return orders, contacts


@pytest.mark.parametrize("as_of", [AS_OF, date(2025, 9, 30)])
def test_it_reads_the_same_aggregates_in_child_processes(file_store: Engine, as_of: date) -> None:
    want_orders, want_contacts = _single_query(file_store, as_of)
    path = io_sqlite.store_file(str(file_store.url))
    assert path is not None
    reads = io_sqlite.start(path, as_of, 0.3)
    try:
        got_orders, got_contacts = reads.orders(), reads.contacts()
    finally:
        reads.close()
    assert want_orders.height > 100
    assert got_orders.sort("customer_id").equals(want_orders.sort("customer_id"))
    keys = ["customer_id", "channel"]
    assert got_contacts.sort(keys).equals(want_contacts.sort(keys))


def test_it_scores_the_same_when_children_read(
    file_store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(io_sqlite, "PARALLEL_MIN_ORDERS", 1)
    settings = Settings(
        environment="test",
        database_url=str(file_store.url),
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
    )
    with Session(file_store) as session:
        assert isinstance(io.aggregates(session, AS_OF, 0.3), io_sqlite.ParallelAggregates)
        run = service.analyze(session, as_of=AS_OF, settings=settings)
        rows = session.execute(
            select(CustomerValue.customer_id, CustomerValue.clv, CustomerValue.tier).where(
                CustomerValue.run_id == run.id
            )
        )
        got = pl.DataFrame(rows.all(), schema=["customer_id", "clv", "tier"], orient="row")
    orders, contacts = _single_query(file_store, AS_OF)
    want = score(orders, contacts, as_of=AS_OF, config=service.config_from(settings)).frame
    want = want.select("customer_id", "clv", "tier").sort("customer_id")
    assert got.sort("customer_id").equals(want)


def test_it_reads_in_the_callers_transaction_when_bound_to_a_connection(db: Session) -> None:
    # The `db` fixture's rows are not committed: children could not see them.
    seed_history(db)
    reads = io.aggregates(db, AS_OF, 0.3)
    assert isinstance(reads, io.SessionAggregates)
    assert reads.orders().equals(io.fetch(db, io.order_aggregates(AS_OF, 0.3)))
    assert reads.contacts().equals(io.fetch(db, io.contact_aggregates(AS_OF)))


def test_it_keeps_small_stores_in_one_query(file_store: Engine) -> None:
    with Session(file_store) as session:
        assert isinstance(io.aggregates(session, AS_OF, 0.3), io.SessionAggregates)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:////var/lib/centricity/store.db", Path("/var/lib/centricity/store.db")),
        ("sqlite:///store.db?timeout=5", Path("store.db")),
        ("sqlite:///:memory:", None),
        ("sqlite://", None),
        ("postgresql://u:p@127.0.0.1:5432/crm", None),
    ],
)
def test_it_splits_only_sqlite_files(url: str, path: Path | None) -> None:
    assert io_sqlite.store_file(url) == path


@given(st.integers(1, 10_000), st.integers(0, 10_000), st.integers(1, 8))
def test_it_covers_every_id_once(low: int, span: int, parts: int) -> None:
    ranges = io_sqlite.split_ids(low, low + span, parts)
    ids = [i for lo, hi in ranges for i in range(lo, hi + 1)]
    assert ids == list(range(low, low + span + 1))
    assert len(ranges) <= parts
