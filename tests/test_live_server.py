"""The live-server helper refuses to hand a test a server that never became healthy."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import live_server
from centricity.config import Settings
from store_helpers import TEST_SECRET


def _settings(tmp_path: Path, database_url: str | None = None) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path,
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
        **({"database_url": database_url} if database_url else {}),
    )


def test_it_raises_with_the_last_answer_when_the_store_never_answers(tmp_path: Path) -> None:
    # Nothing listens on port 1, so every /healthz answers 500.
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    with pytest.raises(RuntimeError, match=r"was not healthy after 1\.0 s.*answer: 500"):
        with live_server.live_server(_settings(tmp_path, unreachable), startup_timeout=1.0):
            pytest.fail("the helper yielded a server that never became healthy")


def test_it_raises_with_the_servers_output_when_it_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setattr(live_server, "free_port", lambda: taken.getsockname()[1])
        with pytest.raises(RuntimeError, match=r"(?s)stopped.*SystemExit.*address already in use"):
            with live_server.live_server(_settings(tmp_path)):
                pytest.fail("the helper yielded a server that never started")


def test_it_yields_a_healthy_server(tmp_path: Path) -> None:
    with live_server.live_server(_settings(tmp_path)) as base:
        assert base.startswith("http://127.0.0.1:")
