"""What the benchmark scripts share: where they keep data and results (here), describing the
machine (`machine`), timing and percentiles (`timing`), serving the app (`serving`), making
stores (`stores`), staff users and signing them in (`staff`) and running `centricity` as a
measured process (`processes`).

The scripts run as `.venv/bin/python benchmarks/NAME.py`, so `benchmarks/` is on `sys.path`
and they import this package as `bench_kit`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"  # large stores and scratch files (gitignored)
RESULTS_DIR = BENCH_DIR / "results"  # raw results kept in git beside the README tables


def write_result(name: str, results: dict[str, Any]) -> Path:
    """Write `benchmarks/results/NAME.json` (kept in git) and return its path."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return path
