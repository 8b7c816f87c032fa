"""The parts of `survey_load.py`: the stores it measures (`stores`: respondents' links made
through the surveys service, the Voice store loaded set-based by `bulk`), the wrk script
of the respondents (`answers.lua`) and the checks that no answer was lost or doubled
(`checks`)."""

from __future__ import annotations

import functools
import os

from bench_kit import BENCH_DIR

from centricity import config
from centricity.surveys import service as surveys

SCRIPT = BENCH_DIR / "survey_bench" / "answers.lua"
# Keys the link tokens, sessions and API tokens; benchmark stores hold only made-up people.
SECRET = "survey-load-benchmark-secret-not-for-production-use"
MANAGER_EMAIL = "voice.manager@bench.example"


def read_settings_once() -> None:
    """Set this process's environment for making links (the server's secret keys the
    tokens' hashes; the fatigue rule is off so a customer may hold many links), and let
    the surveys service read it once: `get_settings()` parses the environment on every
    call (about 5 ms here, four calls per invitation). Only this process: the measured
    server runs unchanged."""
    os.environ["CENTRICITY_SECRET_KEY"] = SECRET
    os.environ["CENTRICITY_SURVEY_FATIGUE_DAYS"] = "0"
    surveys.get_settings = functools.cache(config.get_settings)  # type: ignore[attr-defined]
