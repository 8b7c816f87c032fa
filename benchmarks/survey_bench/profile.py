"""Where a survey answer's time goes: the real app in this process (production settings,
as `survey_load.py` serves it), answers posted one after another, the steps of an answer
timed by wrappers around the functions that do them.

Timers rather than cProfile: cProfile's cost per Python call made `Settings()` (thousands
of small calls) look seven times dearer than it is (8 ms against 1.1 ms measured bare)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench_kit import DATA_DIR
from bench_kit.stores import drop_store
from fastapi.testclient import TestClient

from centricity import config
from centricity.accounts import request_counts
from centricity.app import create_app
from centricity.surveys import follow_up, public_pages, respond, to_feedback
from centricity.surveys import service as surveys
from survey_bench import SECRET
from survey_bench.stores import respondents_store

# (label, module, function name): the steps timed, where their callers look them up.
STEPS = (
    ("the whole answer (handler, after the form is read)", public_pages, "_answer"),
    ("public throttle: count and check the address", public_pages, "wait_seconds"),
    ("  count the request unless over the limit", request_counts, "admit"),
    ("open the link (token hash, invitation, survey)", respond, "open_link"),
    ("save: finish the response", respond, "save"),
    ("  follow-up task (unhappy answers)", follow_up, "after_finish"),
    ("  feedback item (language detection)", to_feedback, "record"),
    ("thank-you page (template)", public_pages, "render_in"),
    ("settings, cached (token hash)", surveys, "current_settings"),
    ("settings, cached (follow-up)", follow_up, "current_settings"),
)


def _timed(run: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return run(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - began)

    return timed


def profile_answers(engine: str, answers: int, limit: int) -> dict[str, Any]:
    """Post `answers` answers (after 50 untimed ones) with the public limit `limit`: the
    milliseconds each step of `STEPS` takes per answer, and how often it ran."""
    url, links = respondents_store(engine, answers + 50)
    settings = config.Settings(
        environment="production",
        data_dir=DATA_DIR,
        database_url=url,
        secret_key=SECRET,
        scheduler_enabled=False,
        public_requests_per_minute=limit,
        log_level="WARNING",
    )
    originals = [(module, name, getattr(module, name)) for _, module, name in STEPS]
    spent: dict[str, list[float]] = {label: [] for label, _, _ in STEPS}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
            for link in links[:50]:
                client.post(link.path, content=link.body(), headers=headers)
            for (label, module, name), (_, _, run) in zip(STEPS, originals, strict=True):
                setattr(module, name, _timed(run, spent[label]))
            for link in links[50:]:
                answer = client.post(link.path, content=link.body(), headers=headers)
                assert answer.status_code == 200, answer.status_code
    finally:
        for module, name, run in originals:
            setattr(module, name, run)
        drop_store(url)
    steps = {
        label: {"ms_per_answer": round(sum(times) * 1000 / answers, 2), "calls": len(times)}
        for label, times in spent.items()
    }
    return {"answers": answers, "limit_per_minute": limit, "steps": steps}
