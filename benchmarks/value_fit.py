"""Benchmark: centricity.analytics.value fits against lifetimes 0.11.3, in the same run.

    python benchmarks/value_fit.py            # CDNOW and 1,000,000 simulated customers
    python benchmarks/value_fit.py --quick    # CDNOW and 100,000 simulated customers

Prints the machine, then per case our time, lifetimes' time, the ratio and how closely the
parameter estimates agree. lifetimes (and pandas) are only for comparing: never dependencies
of the package. If they are missing, the script installs them into the running interpreter's
environment with pip; if that or the import fails (lifetimes is unmaintained and may break on
new NumPy/SciPy/pandas), it says so and prints our figures alone.

CDNOW comes from tests/data/cdnow (see its README). The simulated customers follow
the BG/NBD process at the CDNOW estimates, with first purchases spread over a year and ages
in whole days expressed in weeks, as a daily-dated transaction log gives them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import subprocess
import sys
import warnings
from datetime import date, datetime
from types import ModuleType
from typing import Any

import numpy as np
import polars as pl
from bench_kit import REPO_DIR
from bench_kit.machine import cpu_model
from bench_kit.timing import timed

sys.path.insert(0, str(REPO_DIR / "src"))

from centricity.analytics.value import (  # noqa: E402
    BGNBDModel,
    GammaGammaModel,
    ParetoNBDModel,
    summary_from_transactions,
)

CDNOW = REPO_DIR / "tests" / "data" / "cdnow"
CDNOW_BGNBD = {"r": 0.2426, "alpha": 4.414, "a": 0.7929, "b": 2.426}
NAMES = {"bgnbd": ("r", "alpha", "a", "b"), "pareto": ("r", "alpha", "s", "beta")}


def machine() -> str:
    """nproc, CPU model, Python and library versions."""
    import scipy

    return (
        f"nproc={os.cpu_count()}  cpu={cpu_model('unknown CPU')}  "
        f"python={platform.python_version()}  numpy={np.__version__}  "
        f"scipy={scipy.__version__}  polars={pl.__version__}"
    )


def load_lifetimes() -> tuple[ModuleType | None, str]:
    """Import lifetimes, installing it (and pandas) with pip first if it is missing."""
    try:
        return importlib.import_module("lifetimes"), "lifetimes already installed"
    except ImportError:
        pass
    command = [sys.executable, "-m", "pip", "install", "--quiet", "lifetimes", "pandas"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return None, f"pip install lifetimes pandas failed: {done.stderr.strip()[-300:]}"
    try:
        return importlib.import_module("lifetimes"), "lifetimes installed by this script"
    except Exception as exc:  # lifetimes may fail to import on new NumPy/SciPy/pandas
        return None, f"lifetimes installed but does not import: {exc!r}"


def agreement(ours: dict[str, float], theirs: dict[str, float]) -> str:
    """Largest relative difference and the significant digits on which all parameters agree."""
    worst = max(abs(ours[k] - theirs[k]) / abs(theirs[k]) for k in ours)
    digits = int(np.floor(-np.log10(worst))) if worst > 0 else 16
    return f"max rel diff {worst:.1e} (agree to {digits} significant digits)"


def cdnow_summary() -> pl.DataFrame:
    """The 2,357-customer, 39-week calibration summary built from the raw transactions."""
    rows = [line.split() for line in (CDNOW / "CDNOW_sample.txt").read_text().splitlines()]
    transactions = pl.DataFrame(
        {
            "customer_id": [int(row[1]) for row in rows],
            "date": [datetime.strptime(row[2], "%Y%m%d").date() for row in rows],
            "amount": [float(row[4]) for row in rows],
        }
    )
    return summary_from_transactions(transactions, calibration_end=date(1997, 9, 30))


def simulate(n: int, seed: int = 42) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BG/NBD customers at the CDNOW estimates, ages in whole days expressed in weeks."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = CDNOW_BGNBD.values()
    T = rng.integers(7, 365, n) / 7.0
    rate, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    arrivals = rng.poisson(rate * T)
    x = np.minimum(arrivals, rng.geometric(p))
    safe = np.maximum(x, 1)
    t_x = np.where(x > 0, T * rng.beta(safe, np.maximum(arrivals - safe + 1, 1)), 0.0)
    return x.astype(np.float64), np.minimum(np.round(t_x * 7) / 7, T), T


class Table:
    """Rows of figures, printed aligned."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, case: str, ours: float, theirs: float | None, note: str) -> None:
        ratio = f"{theirs / ours:7.1f}x" if theirs else "      -"
        their_text = f"{theirs:9.4f}" if theirs else "        -"
        self.rows.append((case, f"{ours:9.4f}", their_text, ratio, note))

    def print(self) -> None:
        header = ("case", "ours (s)", "lifetimes (s)", "ratio", "parameters")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(5)]
        for row in [header, *self.rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def lifetimes_params(fitter: Any, names: tuple[str, ...]) -> dict[str, float]:
    """lifetimes' params_ (a pandas Series) as a dict with our names."""
    values = fitter.params_
    return {ours: float(values[theirs]) for ours, theirs in zip(names, values.index, strict=True)}


def bench_cdnow(table: Table, lifetimes: ModuleType | None) -> None:
    """BG/NBD, Gamma-Gamma (and the two together) and Pareto/NBD on CDNOW."""
    data = cdnow_summary()
    x, t_x, T = (data[c].to_numpy() for c in ("frequency", "recency", "T"))
    m = data["monetary_value"].to_numpy()
    ours = {
        "bgnbd": timed(lambda: BGNBDModel().fit(x, t_x, T), 50),
        "gg": timed(lambda: GammaGammaModel().fit(x, m), 50),
        "pareto": timed(lambda: ParetoNBDModel().fit(x, t_x, T), 10),
    }
    theirs = cdnow_lifetimes(lifetimes, x, t_x, T, m)
    labels = {"bgnbd": "CDNOW BG/NBD (2,357)", "gg": "CDNOW Gamma-Gamma (946)"}
    labels["pareto"] = "CDNOW Pareto/NBD (2,357)"
    names = {"bgnbd": NAMES["bgnbd"], "gg": ("p", "q", "gamma"), "pareto": NAMES["pareto"]}
    for key, (seconds, model) in ours.items():
        if key not in theirs:
            table.add(labels[key], seconds, None, str(model))
            continue
        their_seconds, fitter = theirs[key]
        fitter = theirs.get(f"{key} reference", (0.0, fitter))[1]
        note = agreement(model.params_, lifetimes_params(fitter, names[key]))
        table.add(labels[key], seconds, their_seconds, note)
    both = ours["bgnbd"][0] + ours["gg"][0]
    their_both = theirs["bgnbd"][0] + theirs["gg"][0] if theirs else None
    table.add("CDNOW BG/NBD + Gamma-Gamma", both, their_both, "sum of the two rows above")


def cdnow_lifetimes(
    lifetimes: ModuleType | None, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, m: np.ndarray
) -> dict[str, tuple[float, Any]]:
    """lifetimes' times and fitters on the same CDNOW arrays; empty without lifetimes."""
    if lifetimes is None:
        return {}
    import pandas as pd

    frame = pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "m": m})
    columns = (frame["frequency"], frame["recency"], frame["T"])
    repeat = frame[frame["frequency"] > 0]
    return {
        "bgnbd": timed(lambda: lifetimes.BetaGeoFitter().fit(*columns), 10),
        "gg": timed(lambda: lifetimes.GammaGammaFitter().fit(repeat["frequency"], repeat["m"]), 10),
        "pareto": timed(lambda: lifetimes.ParetoNBDFitter().fit(*columns), 3),
        # Parameters compared at a tight tolerance: at its default lifetimes' Pareto/NBD
        # estimates move in the 4th digit from run to run (its time is the default fit's).
        "pareto reference": (0.0, lifetimes.ParetoNBDFitter().fit(*columns, tol=1e-10)),
    }


def bench_simulated(table: Table, lifetimes: ModuleType | None, n: int) -> None:
    """BG/NBD on n simulated customers: raw rows, and rows collapsed into weights."""
    x, t_x, T = simulate(n)
    unique, counts = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    label = f"{n:,} simulated, raw rows"
    ours, model = timed(lambda: BGNBDModel().fit(x, t_x, T), 3)
    if lifetimes is None:
        table.add(label, ours, None, f"{model} ({len(counts):,} distinct rows)")
        return
    theirs, fitter = timed(lambda: lifetimes.BetaGeoFitter().fit(x, t_x, T), 1)
    table.add(
        label, ours, theirs, agreement(model.params_, lifetimes_params(fitter, NAMES["bgnbd"]))
    )
    collapsed, fitter = timed(lambda: lifetimes.BetaGeoFitter().fit(*unique.T, weights=counts), 3)
    note = (
        f"lifetimes given {len(counts):,} pre-collapsed rows; ours collapses the {n:,} rows itself"
    )
    table.add(f"{n:,} simulated, vs collapsed", ours, collapsed, note)


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 simulated customers")
    options = parser.parse_args()
    print(machine())
    lifetimes, status = load_lifetimes()
    print(status + (f" (version {lifetimes.__version__})" if lifetimes else "; our figures only"))
    table = Table()
    with warnings.catch_warnings():  # lifetimes and pandas warn about deprecated APIs
        warnings.simplefilter("ignore")
        bench_cdnow(table, lifetimes)
        bench_simulated(table, lifetimes, 100_000 if options.quick else 1_000_000)
    table.print()
    print("Times are medians of repeated fits (one run for lifetimes on the large cases).")
    print("Ours include input validation, collapsing identical rows and the standard errors.")


if __name__ == "__main__":
    main()
