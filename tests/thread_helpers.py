"""Run test code on several threads so that a crashed thread fails the test.

A bare `threading.Thread` prints its exception and ends quietly: a race test that counts
"exactly one winner" would then pass when the other racer crashed instead of losing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any


class CallThread(threading.Thread):
    """A daemon thread that keeps its target's result or exception for the main thread."""

    def __init__(
        self, target: Callable[..., Any], args: Sequence[Any] = (), name: str = ""
    ) -> None:
        super().__init__(daemon=True, name=name or None)
        self._call = target
        self._call_args = tuple(args)
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        """Run the target, keeping what it returned or raised."""
        try:
            self.result = self._call(*self._call_args)
        except BaseException as exc:  # re-raised in the main thread by `raise_error`
            self.error = exc

    def raise_error(self) -> None:
        """Re-raise, in the calling thread, the exception the target raised (if any)."""
        if self.error is not None:
            raise self.error


def run_in_threads(
    target: Callable[..., Any], calls: Sequence[Sequence[Any]], *, timeout: float = 30.0
) -> list[Any]:
    """Run `target(*args)` for each args on its own thread, all at once; return the results.

    Re-raises the first exception a thread raised (a `BrokenBarrierError` only if nothing
    else went wrong, since it is the echo of another thread's failure) and fails if a
    thread is still running after `timeout` seconds.
    """
    threads = [CallThread(target, args, name=f"racer-{i}") for i, args in enumerate(calls)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    errors = [thread.error for thread in threads if thread.error is not None]
    errors.sort(key=lambda exc: isinstance(exc, threading.BrokenBarrierError))
    if errors:
        for other in errors[1:]:
            errors[0].add_note(f"another thread also raised {other!r}")
        raise errors[0]
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"threads still running after {timeout} s: {stuck}"
    return [thread.result for thread in threads]
