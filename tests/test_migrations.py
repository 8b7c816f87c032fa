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


def test_going_back_before_topic_vectors_drops_the_theme_models_fitted_on_them(
    empty_engine: Engine,
) -> None:
    """Code before revision 0028 would read a theme model of topic vectors as one of
    sentence vectors; the downgrade removes those models and keeps the older ones."""
    from sqlalchemy import select

    from centricity.db import session_factory
    from centricity.feedback.analysis.models import TextModel

    runner.upgrade(empty_engine)
    with session_factory(empty_engine)() as session:
        for state in ({"store": {"rows": {}}}, {"store": {"rows": {}, "topic_vectors": True}}):
            session.add(TextModel(kind="themes", version="1", embedder="e", state=state))
        session.add(TextModel(kind="sentiment", version="1", embedder="e", state={}))
        session.commit()
    runner.downgrade(empty_engine, "0027")
    with empty_engine.connect() as connection:
        table = TextModel.__table__
        kept = connection.execute(select(table.c.kind, table.c.state)).all()
    assert sorted(kind for kind, _state in kept) == ["sentiment", "themes"]
    assert all("topic_vectors" not in (state.get("store") or {}) for _k, state in kept)
    runner.upgrade(empty_engine)
