"""Keeps the Voice page's company figures computed in every app process, so no manager waits
for them after an analysis.

The figures are remembered per process and data version (`insights.remembered`). The
analysis jobs compute them as they end (`voice_section.prepare`), but only in the process
that ran the job; a second app worker (`centricity serve --workers 2`) or an app whose jobs
run in `centricity worker` would compute them at its first Voice page after each analysis:
2.2–2.7 s at 1,000,000 items (benchmarks/README.md, "Surveys"). A daemon thread in each
serving process looks at the data version every `INTERVAL` seconds (four index lookups)
and computes the figures when it has moved, off the request path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from centricity.db import unit_of_work
from centricity.feedback.analysis import insights, voice_section

logger = logging.getLogger(__name__)
INTERVAL = 30.0  # seconds between looks at the data version


class FigureWarmer:
    """A daemon thread that computes the Voice figures whenever an analysis (in any
    process) has changed them; `stop` ends it."""

    def __init__(self, sessions: Callable[[], Session], interval: float = INTERVAL) -> None:
        """Prepare a warmer reading through `sessions`; nothing runs before `start()`."""
        self.sessions = sessions
        self.interval = interval
        self.version: tuple[Any, ...] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Look now, then every `interval` seconds, on a daemon thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="voice-figures", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait up to `timeout` seconds for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_once(self, session: Session) -> bool:
        """Compute the figures if the data version moved since the last look; True when
        it did (nothing to do before the first analysis)."""
        version = insights.data_version(session)
        if version == self.version:
            return False
        voice_section.prepare(session)
        self.version = version
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                with unit_of_work(self.sessions) as session:
                    self.run_once(session)
            except Exception:  # a failed look must not end the thread; the page computes
                logger.exception("computing the Voice figures failed; retrying later")
            self._stop.wait(self.interval)
