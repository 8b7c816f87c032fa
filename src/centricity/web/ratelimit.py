"""Failed-login throttling per client address, checked before the password hash runs."""

from __future__ import annotations

import threading
import time
from collections import deque


class LoginThrottle:
    """Count failed logins per address in a sliding window; block once the limit is hit."""

    def __init__(self, max_failures: int, window_seconds: int) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, address: str, now: float) -> deque[float]:
        failures = self._failures.get(address) or deque()
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        if failures:
            self._failures[address] = failures
        else:
            self._failures.pop(address, None)
        return failures

    def retry_after(self, address: str) -> int:
        """Seconds until the address may try again; 0 when it may try now."""
        now = time.monotonic()
        with self._lock:
            failures = self._prune(address, now)
            if len(failures) < self.max_failures:
                return 0
            return max(1, int(failures[0] + self.window_seconds - now) + 1)

    def record_failure(self, address: str) -> None:
        """Remember one failed login from the address (a later success does not erase it,
        so an insider cannot interleave logins to their own account with guesses)."""
        now = time.monotonic()
        with self._lock:
            failures = self._prune(address, now)
            failures.append(now)
            self._failures[address] = failures
