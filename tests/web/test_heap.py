"""A serving process freezes its start-up objects out of the collector's full passes;
an app built inside another program (tests, the live server) leaves the collector alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from centricity.app import create_app
from centricity.config import Settings


@pytest.fixture()
def thawed() -> Iterator[None]:
    """Start and end with nothing frozen, so no test leaves objects uncollectable."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def _started(settings: Settings, sessions: sessionmaker[Session], *, serving: bool) -> int:
    """The number of frozen objects once the app has run its start-up and one request."""
    app = create_app(settings, sessions=sessions, serving=serving)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        return gc.get_freeze_count()


def test_a_serving_app_takes_its_start_up_objects_out_of_full_collections(
    thawed: None, settings: Settings, session_maker: sessionmaker[Session]
) -> None:
    walked_before = len(gc.get_objects())
    frozen = _started(settings, session_maker, serving=True)
    # Everything alive at start-up (modules, mappers, routes) is frozen, so the objects a
    # full pass walks are only those made since.
    assert frozen > 50_000
    assert len(gc.get_objects()) < walked_before / 5


def test_an_app_built_inside_another_program_freezes_nothing(
    thawed: None, settings: Settings, session_maker: sessionmaker[Session]
) -> None:
    assert _started(settings, session_maker, serving=False) == 0
