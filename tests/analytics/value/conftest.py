"""Fixtures for the customer-value models: the CDNOW sample and seeded, vectorised simulators.

The public CDNOW sample (2,357 customers) is kept in `tests/data/cdnow` (source named in its
README), so the known-answer tests never skip in a fresh clone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest

FloatArray = npt.NDArray[np.float64]
Simulated = tuple[FloatArray, FloatArray, FloatArray]

CDNOW_DIR = Path(__file__).resolve().parents[2] / "data" / "cdnow"


@pytest.fixture(scope="session")
def cdnow_dir() -> Path:
    """The CDNOW folder in the repository (a missing file is a failure, not a skip)."""
    assert (CDNOW_DIR / "CDNOW_sample.txt").is_file(), f"missing {CDNOW_DIR}/CDNOW_sample.txt"
    return CDNOW_DIR


@pytest.fixture(scope="session")
def cdnow_transactions(cdnow_dir: Path) -> pl.DataFrame:
    """Raw CDNOW transactions: `master_id sample_id YYYYMMDD cds dollars` per line."""
    rows = [line.split() for line in (cdnow_dir / "CDNOW_sample.txt").read_text().splitlines()]
    return pl.DataFrame(
        {
            "customer_id": [int(row[1]) for row in rows],
            "date": [datetime.strptime(row[2], "%Y%m%d").date() for row in rows],
            "amount": [float(row[4]) for row in rows],
        }
    )


@pytest.fixture(scope="session")
def cdnow_reference(cdnow_dir: Path) -> pl.DataFrame:
    """The ready-made calibration summary (x, t_x, T, zbar), rounded to 2 decimals."""
    return pl.read_csv(cdnow_dir / "cdnow_customers_summary_with_transactions.csv")


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, seed: int) -> Simulated:
    """Draw (x, t_x, T) from the BG/NBD process (Fader, Hardie & Lee 2005), vectorised.

    A customer dies at the K-th repeat purchase, K ~ Geometric(p); with N ~ Poisson(lambda T)
    arrivals in (0, T], x = min(N, K) and t_x is the x-th of N uniform arrival times.
    """
    rng = np.random.default_rng(seed)
    T = rng.uniform(20.0, 52.0, n)
    rate, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    arrivals = rng.poisson(rate * T)
    x = np.minimum(arrivals, rng.geometric(p))
    safe = np.maximum(x, 1)
    t_x = np.where(x > 0, T * rng.beta(safe, np.maximum(arrivals - safe + 1, 1)), 0.0)
    return x.astype(np.float64), t_x, T


def on_daily_grid(x: FloatArray, t_x: FloatArray, T: FloatArray) -> Simulated:
    """Round ages to whole days (in weeks), as a transaction log dated by day gives them."""
    return x, np.round(t_x * 7) / 7, np.round(T * 7) / 7


def simulate_pareto_nbd(
    n: int, r: float, alpha: float, s: float, beta: float, seed: int
) -> Simulated:
    """Draw (x, t_x, T) from the Pareto/NBD process: Poisson purchases until an exponential death.

    Ages are rounded to whole days: real logs are dated by day, and the likelihood then needs
    the tail integral at far fewer distinct (x, t) points.
    """
    rng = np.random.default_rng(seed)
    T = rng.integers(140, 365, n) / 7.0
    rate, death_rate = rng.gamma(r, 1 / alpha, n), rng.gamma(s, 1 / beta, n)
    alive_for = np.minimum(rng.exponential(1 / death_rate), T)
    x = rng.poisson(rate * alive_for)
    t_x = np.where(x > 0, alive_for * rng.beta(np.maximum(x, 1), 1), 0.0)
    return on_daily_grid(x.astype(np.float64), t_x, T)


def simulate_gamma_gamma(
    n: int, p: float, q: float, gamma: float, seed: int
) -> tuple[FloatArray, FloatArray]:
    """Draw (x, mean spend) from Gamma-Gamma: spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 10, n).astype(np.float64)
    nu = rng.gamma(q, 1 / gamma, n)
    return x, rng.gamma(p * x, 1 / nu) / x


@pytest.fixture(scope="session")
def simulators() -> dict[str, Callable[..., tuple[FloatArray, ...]]]:
    """The simulators, as a fixture so test modules need no imports from conftest."""
    return {
        "bgnbd": simulate_bgnbd,
        "pareto_nbd": simulate_pareto_nbd,
        "gamma_gamma": simulate_gamma_gamma,
        "daily": on_daily_grid,
    }
