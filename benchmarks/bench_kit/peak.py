"""Run a command and write its own peak resident memory (KiB) to a file.

    python -m bench_kit.peak OUTFILE COMMAND [ARGS...]

Why a go-between: on Linux a child's `ru_maxrss` keeps the high-water mark of the memory it
replaced at `exec`, and a child forked (or vforked) from the benchmark process starts from
the benchmark's own, so a benchmark that had grown to 400 MB reported every command it
measured at 400 MB or more. This small process forks the command instead: what it passes on
is its own few megabytes.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    """Fork and exec the command, wait for it, write its peak KiB, exit with its code."""
    out, command = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:  # the child: become the command
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _pid, status, usage = os.wait4(pid, 0)
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(str(usage.ru_maxrss))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
