"""Benchmark: the insight statistics (driver analysis, spike alerts, theme trends) at scale.

    python benchmarks/insights_stats.py            # 1,000,000 items: drivers 50 themes × 6
                                                   # channels, spikes 200 themes, weekly trends
    python benchmarks/insights_stats.py --quick    # 100,000 items

Each case runs in its own process (through `bench_kit.processes.run_measured`, so its peak
resident memory is its own): the process makes the seeded items, notes its memory, then
times the call (median of `--repeats` runs). Printed per case: items, themes, median
seconds, items per second, peak memory of the whole process and before the timed call (the
difference is what the statistics themselves needed). Raw results:
`benchmarks/results/insights_stats.json` (full-size runs only).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from datetime import UTC, datetime
from typing import Any

import numpy as np
from bench_kit import REPO_DIR, write_result
from bench_kit.machine import cpu_model, load_average, memory_gib
from bench_kit.processes import run_measured
from bench_kit.timing import timed

sys.path.insert(0, str(REPO_DIR / "src"))

from centricity.insights import driver_analysis, spike_alerts, theme_trends  # noqa: E402

AS_OF = datetime(2026, 3, 30, tzinfo=UTC)
CASES = {"drivers": 50, "spikes": 200, "trends": 200}  # case -> themes


def themes_for(rng: np.random.Generator, n: int, themes: int) -> np.ndarray:
    """Zipf-like theme sizes (theme k about 1/(k+1) of the first), 20% of items in none."""
    weights = 1.0 / np.arange(1, themes + 1)
    ids = rng.choice(themes, n, p=weights / weights.sum())
    return np.where(rng.uniform(size=n) < 0.2, -1, ids)


def drivers_case(n: int, themes: int, repeats: int) -> dict[str, Any]:
    """NPS 0-10 scores with theme and channel effects; the full driver analysis."""
    rng = np.random.default_rng(1)
    ids = themes_for(rng, n, themes)
    channel = rng.choice(np.array(["web", "mail", "phone", "chat", "shop", "app"]), n)
    effect = rng.normal(0, 1, themes)
    latent = 7.5 + np.where(ids >= 0, effect[np.clip(ids, 0, None)], 0) + rng.normal(0, 2, n)
    scores = np.clip(np.rint(latent), 0, 10)
    before = _rss_mb()
    seconds, result = timed(lambda: driver_analysis(scores, ids, channel, metric="nps"), repeats)
    return {
        "seconds": seconds,
        "before_mb": before,
        "r_squared": round(result.r_squared, 4),
        "shapley": result.shapley_method,
    }


def _events(n: int, themes: int) -> tuple[np.ndarray, np.ndarray]:
    """Items over the 35 days before AS_OF (the spike windows' span), uniform in time."""
    rng = np.random.default_rng(2)
    ids = themes_for(rng, n, themes)
    end = np.datetime64(AS_OF.replace(tzinfo=None), "us")
    offsets = rng.integers(1, 35 * 86_400_000_000, n).astype("timedelta64[us]")
    return ids, end - offsets


def spikes_case(n: int, themes: int, repeats: int) -> dict[str, Any]:
    """Both windows (day vs 7 days, week vs 28 days), share-based test, all themes."""
    ids, times = _events(n, themes)
    before = _rss_mb()
    seconds, table = timed(lambda: spike_alerts(ids, times, as_of=AS_OF), repeats)
    return {"seconds": seconds, "before_mb": before, "alerts": int(table["alert"].sum())}


def trends_case(n: int, themes: int, repeats: int) -> dict[str, Any]:
    """Weekly counts, shares and mean scores with intervals, every theme."""
    ids, times = _events(n, themes)
    scores = np.random.default_rng(3).integers(0, 11, n).astype(float)
    before = _rss_mb()
    seconds, table = timed(lambda: theme_trends(ids, times, scores, period="week"), repeats)
    return {"seconds": seconds, "before_mb": before, "rows": table.height}


def _rss_mb() -> float:
    """This process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(case: str, n: int, repeats: int) -> None:
    """Child process: run one case and print its figures as one JSON line."""
    runner = {"drivers": drivers_case, "spikes": spikes_case, "trends": trends_case}[case]
    print(json.dumps(runner(n, CASES[case], repeats)))


def main() -> None:
    """Run each case in its own measured process and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 items instead of 1M")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--items", type=int, default=1_000_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = 100_000 if args.quick else args.items
    if args.case:
        run_case(args.case, n, args.repeats)
        return
    print(f"machine: {cpu_model()}, {memory_gib():.1f} GiB, load {load_average()}")
    print(f"numpy {np.__version__}; items {n:,}; median of {args.repeats} runs")
    results: dict[str, Any] = {"items": n, "load_before": load_average(), "cases": {}}
    for case, themes in CASES.items():
        command = [sys.executable, __file__, "--case", case, "--items", str(n)]
        measured = run_measured([*command, "--repeats", str(args.repeats)], env=_env())
        if measured["returncode"] != 0:
            print(f"{case}: failed\n{measured['stderr'][-2000:]}")
            continue
        figures = json.loads(measured["stdout"].strip().splitlines()[-1])
        figures.update(themes=themes, peak_mb=round(measured["peak_mb"]))
        results["cases"][case] = figures
        print(
            f"{case:8} themes {themes:4}  {figures['seconds']:7.2f} s  "
            f"{n / figures['seconds']:>12,.0f} items/s  peak {figures['peak_mb']:5} MB "
            f"(before the call {figures['before_mb']:.0f} MB)  "
            + "  ".join(f"{k}={v}" for k, v in figures.items() if k not in _SHOWN)
        )
    results["load_after"] = load_average()
    print(f"load after: {results['load_after']}")
    if n >= 1_000_000:
        print(f"written: {write_result('insights_stats', results)}")


_SHOWN = {"seconds", "before_mb", "themes", "peak_mb"}


def _env() -> dict[str, str]:
    """This environment (the child imports the same `centricity`)."""
    import os

    return dict(os.environ)


if __name__ == "__main__":
    main()
