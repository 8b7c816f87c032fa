"""`centricity` commands run as their own processes, timed, with their peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from typing import IO, Any


def centricity_command(*args: str) -> list[str]:
    """`centricity ARGS…` run by this interpreter (`python -m centricity`)."""
    return [sys.executable, "-m", "centricity", *args]


def centricity_env(*, inherit: bool = True, **settings: str) -> dict[str, str]:
    """This process's environment plus `CENTRICITY_<NAME>` for each setting given; without
    `inherit`, the `CENTRICITY_*` variables set here are left out first."""
    env = {k: v for k, v in os.environ.items() if inherit or not k.startswith("CENTRICITY_")}
    env.update({f"CENTRICITY_{name.upper()}": value for name, value in settings.items()})
    return env


def run_measured(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a command to its end: wall seconds, its own peak resident memory (MB, from
    `wait4`), its output and its exit code."""
    began = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    errors: list[bytes] = []

    def drain(pipe: IO[bytes]) -> None:
        errors.append(pipe.read())

    # stderr is read beside stdout, so neither pipe can fill up and stall the child.
    reader = threading.Thread(target=drain, args=(process.stderr,))
    reader.start()
    out = process.stdout.read().decode()
    reader.join()
    process.stdout.close()
    process.stderr.close()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": time.perf_counter() - began,
        "peak_mb": usage.ru_maxrss / 1024,
        "stdout": out,
        "stderr": b"".join(errors).decode(),
        "returncode": process.returncode,
    }
