"""`centricity analyze` from the command line, on a real file store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from centricity.cli import app
from centricity.db import make_engine, session_factory
from centricity.migrations import runner
from centricity.value.models import CustomerValue
from value_data import seed_history


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite store with a seeded history, named by CENTRICITY_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    runner.upgrade(engine)
    with session_factory(engine)() as session:
        seed_history(session, customers=120)
        session.commit()
    engine.dispose()
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", url)
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(tmp_path))
    return url


def test_it_analyzes_and_prints_a_summary(store: str) -> None:
    result = CliRunner().invoke(app, ["analyze", "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert "as of 2026-06-30" in result.output and "customers scored" in result.output
    for tier in ("Platinum", "Gold", "Silver", "Bronze"):
        assert tier in result.output
    again = CliRunner().invoke(app, ["analyze", "--as-of", "2026-06-30"])
    assert again.exit_code == 0
    engine = make_engine(store)
    with session_factory(engine)() as session:
        runs = session.scalar(select(func.count(func.distinct(CustomerValue.run_id))))
    engine.dispose()
    assert runs == 1  # the finished run was reused, not repeated


def test_it_rejects_a_bad_date(store: str) -> None:
    result = CliRunner().invoke(app, ["analyze", "--as-of", "30.6.2026"])
    assert result.exit_code == 2
    assert "--as-of must be a date" in result.output
