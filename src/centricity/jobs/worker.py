"""`centricity worker`: a separate process that runs jobs, for teams on PostgreSQL."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from centricity.config import Settings
from centricity.jobs.registry import load_handlers
from centricity.jobs.scheduler import make_worker_id, run_cycle

logger = logging.getLogger(__name__)


def run_worker(
    settings: Settings, *, once: bool = False, stop: threading.Event | None = None
) -> int:
    """Poll for due jobs until stopped (or, with `once`, until none is due); return the count.

    Without a `stop` event (the CLI), SIGTERM and SIGINT finish the current job and exit.
    """
    load_handlers()
    if stop is not None:
        return _loop(settings, once=once, stop=stop)
    own_stop = threading.Event()
    with _stop_on_signals(own_stop):
        return _loop(settings, once=once, stop=own_stop)


def _loop(settings: Settings, *, once: bool, stop: threading.Event) -> int:
    worker_id = make_worker_id()
    logger.info("job worker %s started", worker_id)
    processed = 0
    while not stop.is_set():
        processed += run_cycle(settings, worker_id, stop)
        if once:
            break
        stop.wait(settings.scheduler_interval_seconds)
    logger.info("job worker %s stopped after %d job(s)", worker_id, processed)
    return processed


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    # Signal handlers can only be set from the main thread; elsewhere rely on `stop`.
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("%s received: finishing the current job", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
