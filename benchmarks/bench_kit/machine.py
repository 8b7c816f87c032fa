"""Facts about the machine a benchmark ran on, read from /proc where Linux has them."""

from __future__ import annotations

import os
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


def cpu_times() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine so far, all cores (from /proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants."""
    used: dict[int, float] = {}
    for child, fields in _process_stats():
        used[child] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return sum(used.get(p, 0.0) for p in {*descendants(pid), pid})


def descendants(pid: int) -> dict[int, float]:
    """The live processes started, directly or not, by `pid` (from /proc/*/stat), each with
    the CPU seconds (user + system) it has used so far."""
    stats = _process_stats()
    parents = {child: int(fields[1]) for child, fields in stats}
    ticks = os.sysconf("SC_CLK_TCK")
    used = {child: (int(fields[11]) + int(fields[12])) / ticks for child, fields in stats}
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return {p: used.get(p, 0.0) for p in tree - {pid}}


def proportional_kib(pid: int) -> int:
    """A process's proportional set size (KiB, /proc/PID/smaps_rollup): its resident memory
    with each page it shares divided among the processes sharing it, so the PSS of several
    processes adds up to the memory they really hold together. 0 once it has gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def _process_stats() -> list[tuple[int, list[str]]]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        found.append((int(stat.parent.name), text.rsplit(")", 1)[1].split()))
    return found


def describe(postgres: str) -> dict[str, object]:
    """The machine a result was measured on, as results files record it (`postgres`: the
    server's version, from `bench_kit.stores.postgres_version`)."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "load": load_average(),
        "postgres": postgres,
    }
