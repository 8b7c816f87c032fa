"""Migrations: upgrade from empty, `alembic check` clean, downgrade/upgrade round trip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from centricity.db import Base, make_engine
from centricity.migrations import runner
from store_helpers import create_pg_database, drop_pg_database, pg_or_skip


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty store of each engine, not shared with other tests."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield engine
        engine.dispose()
        return
    pg_or_skip()
    url = create_pg_database("centricity_migrations")
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_pg_database(url)


def _tables(engine: Engine) -> set[str]:
    return {t for t in inspect(engine).get_table_names() if not t.startswith("customers_fts")}


def test_it_upgrades_from_empty_and_matches_the_models(empty_engine: Engine) -> None:
    runner.upgrade(empty_engine)
    runner.check(empty_engine)  # raises when models and schema differ
    assert _tables(empty_engine) == set(Base.metadata.tables) | {"alembic_version"}


def test_it_round_trips_downgrade_and_upgrade(empty_engine: Engine) -> None:
    runner.upgrade(empty_engine)
    runner.downgrade(empty_engine, "base")
    assert _tables(empty_engine) == {"alembic_version"}
    runner.upgrade(empty_engine)
    runner.check(empty_engine)
    runner.upgrade(empty_engine)  # re-running is safe
