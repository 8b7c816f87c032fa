"""Where a survey answer's time goes: the real app in this process (production settings,
as `survey_load.py` serves it), answers posted one after another, the public page's
handler under cProfile, its time split by the steps of an answer."""

from __future__ import annotations

import cProfile
import pstats
import time
from typing import Any

from bench_kit import DATA_DIR
from bench_kit.stores import drop_store
from fastapi.testclient import TestClient

from centricity import config
from centricity.app import create_app
from centricity.surveys import public_pages
from centricity.surveys import service as surveys
from survey_bench import SECRET
from survey_bench.stores import respondents_store

# (label, file suffix, function name) of the steps reported, as cProfile names them.
STEPS = (
    ("the whole answer (handler)", "surveys/public_pages.py", "_answer"),
    ("public throttle: count and check the address", "web/public.py", "wait_seconds"),
    (
        "  of which: read the address's requests in the window",
        "accounts/throttle.py",
        "retry_after",
    ),
    ("  of which: sweep expired requests", "accounts/throttle.py", "purge_expired"),
    ("open the link (token hash, invitation, survey)", "surveys/respond.py", "open_link"),
    ("save: finish the response", "surveys/respond.py", "save"),
    ("  of which: follow-up task (unhappy answers)", "surveys/follow_up.py", "after_finish"),
    ("  of which: feedback item (language detection)", "surveys/to_feedback.py", "record"),
    ("thank-you page (template)", "web/templating.py", "render_in"),
    ("Settings() read from the environment", "centricity/config.py", "get_settings"),
)


def profile_answers(engine: str, answers: int, limit: int) -> dict[str, Any]:
    """Post `answers` answers (after 50 unprofiled ones) with the public limit `limit`:
    milliseconds per answer of each step of `STEPS` and their call counts."""
    url, links = respondents_store(engine, answers + 50)
    read_once = surveys.get_settings
    surveys.get_settings = config.get_settings  # type: ignore[attr-defined]  # as the server
    settings = config.Settings(
        environment="production",
        data_dir=DATA_DIR,
        database_url=url,
        secret_key=SECRET,
        scheduler_enabled=False,
        public_requests_per_minute=limit,
        log_level="WARNING",
    )
    profiler = cProfile.Profile()
    handler = public_pages._answer

    def profiled(*args: Any, **kwargs: Any) -> Any:
        profiler.enable()
        try:
            return handler(*args, **kwargs)
        finally:
            profiler.disable()

    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
            for link in links[:50]:
                client.post(link.path, content=link.body(), headers=headers)
            public_pages._answer = profiled  # type: ignore[assignment]
            began = time.perf_counter()
            for link in links[50:]:
                assert (
                    client.post(link.path, content=link.body(), headers=headers).status_code == 200
                )
            wall = (time.perf_counter() - began) * 1000 / answers
    finally:
        public_pages._answer = handler  # type: ignore[assignment]
        surveys.get_settings = read_once  # type: ignore[attr-defined]
        drop_store(url)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    steps: dict[str, Any] = {}
    for label, suffix, name in STEPS:
        found = [(v[1], v[3]) for (f, _, n), v in stats.items() if n == name and f.endswith(suffix)]
        calls, seconds = sum(c for c, _ in found), sum(s for _, s in found)
        steps[label] = {"ms_per_answer": round(seconds * 1000 / answers, 2), "calls": calls}
    return {"answers": answers, "wall_ms_per_answer_profiled": round(wall, 1), "steps": steps}
