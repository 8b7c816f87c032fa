"""Which of several app workers on one machine runs the in-process job scheduler.

`centricity serve --workers N` starts N processes from one command; each would otherwise
start its own scheduler thread. Job claims are safe to race (a conditional UPDATE), but
exactly one scheduler per server keeps the load and the logs what an operator expects.
The lease is an exclusive lock on a file in the data folder: the kernel releases it when
its process ends, so a crashed worker never leaves a stale lease behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from centricity.config import Settings
from centricity.kit.files import private_dir

LEASE_FILE = "scheduler.lock"


class SchedulerLease:
    """An exclusive, non-blocking lock on `<data_dir>/scheduler.lock` held while a worker
    runs the scheduler."""

    def __init__(self, settings: Settings) -> None:
        """Prepare the lease for the installation's data folder; nothing is locked yet."""
        self.path = Path(settings.data_dir) / LEASE_FILE
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lease if no other process holds it; True when this process now does."""
        private_dir(self.path.parent)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        """Give the lease back (also done by the kernel when the process ends)."""
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
