"""`centricity` commands run as their own processes, timed, with their peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
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
    peak_file = tempfile.NamedTemporaryFile(prefix="peak-", suffix=".kib", delete=False)
    peak_file.close()
    # Measured through bench_kit.peak: a child of this (large) process would report this
    # process's memory as its own (see peak.py).
    measured = [sys.executable, str(Path(__file__).with_name("peak.py")), peak_file.name, *args]
    began = time.perf_counter()
    process = subprocess.Popen(measured, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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
    _pid, status, _usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - began
    peak = Path(peak_file.name)
    peak_kib = int(peak.read_text(encoding="utf-8") or 0)
    peak.unlink()
    return {
        "seconds": seconds,
        "peak_mb": peak_kib / 1024,
        "stdout": out,
        "stderr": b"".join(errors).decode(),
        "returncode": process.returncode,
    }
