"""Facts about the machine a benchmark ran on, read from /proc where Linux has them."""

from __future__ import annotations

from pathlib import Path


def cpu_model(default: str = "unknown") -> str:
    """The CPU's model name from /proc/cpuinfo, or `default`."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return default
    for line in lines:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return default


def memory_gib() -> float | None:
    """Total memory (GiB) from /proc/meminfo, or None where it cannot be read."""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith("MemTotal"):
            return int(line.split()[1]) / 1024 / 1024
    return None


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages, as /proc/loadavg writes them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"
