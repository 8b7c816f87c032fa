"""Every serving process keeps the Voice figures computed: the warmer computes them when the
data version has moved (after an analysis, in whichever process ran it) and does nothing
while it has not; its thread looks again until stopped and survives a failed look."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from centricity.app import create_app
from centricity.config import Settings
from centricity.feedback.analysis import insights, voice_section
from centricity.feedback.analysis.warmer import FigureWarmer
from theme_data import analysed_store, grouped_reads


def test_it_computes_the_figures_once_per_analysis(
    db: Session, settings: Settings, personas: Any
) -> None:
    warmer = FigureWarmer(lambda: db)
    assert warmer.run_once(db) is True  # nothing analysed yet: nothing to compute
    assert warmer.run_once(db) is False
    analysed_store(db, settings)
    insights._MEMORY.clear()
    assert warmer.run_once(db) is True
    with grouped_reads(db) as seen:
        shown = voice_section.section(db, personas.alice, language="lt", metric="nps")
        assert warmer.run_once(db) is False
    assert seen == []
    assert shown["themes"] and shown["drivers"].items


def test_its_thread_looks_again_until_stopped_and_survives_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looks: list[int] = []
    twice = threading.Event()

    def look(self: FigureWarmer, session: Any) -> bool:
        looks.append(1)
        if len(looks) >= 3:
            twice.set()
        if len(looks) == 1:
            raise RuntimeError("the store is away")
        return False

    class Quiet:
        def commit(self) -> None: ...
        def rollback(self) -> None: ...
        def close(self) -> None: ...

    monkeypatch.setattr(FigureWarmer, "run_once", look)
    warmer = FigureWarmer(lambda: Quiet(), interval=0.01)  # type: ignore[arg-type, return-value]
    warmer.start()
    try:
        assert twice.wait(5), "the thread stopped after a failed look"
    finally:
        warmer.stop()
    settled = len(looks)
    threading.Event().wait(0.05)
    assert len(looks) == settled  # stopped: no more looks


def test_a_serving_app_runs_it_only_with_its_own_sessions(
    settings: Settings, session_maker: Any
) -> None:
    def warming() -> bool:
        return any(t.name == "voice-figures" for t in threading.enumerate())

    try:
        with TestClient(create_app(settings, serving=True)) as client:
            assert client.get("/healthz").status_code == 200
            assert warming()
        assert not warming()
        # Sessions passed in (one test connection) are never shared with the thread.
        with TestClient(create_app(settings, sessions=session_maker, serving=True)):
            assert not warming()
    finally:
        gc.unfreeze()  # serving=True froze the start-up objects
