"""Timing: repeated runs, latency percentiles and the stages of a long build."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def timed(run: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Median wall time (seconds) of `repeats` runs, and the last run's result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def latency(values: Sequence[float]) -> dict[str, float]:
    """Count, median, p95, p99 and max of a list of milliseconds."""
    arr = np.asarray(values, dtype=float)
    return {
        "n": int(arr.size),
        "median": float(np.median(arr)),
        "p95": float(np.percentile(arr, 95)),
        "p99": float(np.percentile(arr, 99)),
        "max": float(arr.max()),
    }


@contextmanager
def stage(stages: dict[str, float], name: str) -> Iterator[None]:
    """Time one stage of a build, print it and record its seconds in `stages`."""
    print(f"  {name} ...", flush=True)
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    stages[name] = round(elapsed, 1)
    print(f"  {name}: {elapsed:.1f} s", flush=True)
