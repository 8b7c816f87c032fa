"""The parts of `import_calls.py`: the seeded store with its customers (`store`) and the
Asterisk `Master.csv` of their calls (`records`); here, what they share: the seed, the
department that owns the calls, the customers' phone numbers and `centricity` run as a
process on a store of its own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from bench_kit.processes import centricity_env

SEED = 20261206
STORE_NAME = "import_calls"  # import_calls.db, or PostgreSQL centricity_import_calls_*
DEPARTMENT = "Zákaznická linka"  # owns every call (CENTRICITY_PHONE_DEPARTMENT)
UNKNOWN_NUMBERS = 30_000  # callers who are nobody's customer
SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
# Czech mobile ranges that libphonenumber 9.0 reads as valid mobiles (+420 6xx / 7xx).
MOBILE_PREFIXES = (
    [601, 602, 603, 604, 605, 606, 607, 608] * 4  # the old 60x ranges, most common
    + [702, 703, 704, 705]
    + list(range(720, 740))
    + list(range(770, 780))
    + list(range(790, 800))
)


def calls_env(url: str, folder: Path) -> dict[str, str]:
    """Environment of a `centricity` process on this store (phone settings included)."""
    return centricity_env(
        inherit=False,
        database_url=url,
        data_dir=str(folder / "data"),
        secret_key=SECRET,
        phone_region="CZ",
        phone_department=DEPARTMENT,
    )


def phone_numbers(customers: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct national 9-digit Czech mobile numbers: one per customer (customer id i+1
    has `[i]`), and `UNKNOWN_NUMBERS` more that no customer has. Seeded, so the store and
    the call records agree."""
    rng = np.random.default_rng(SEED)
    wanted = customers + UNKNOWN_NUMBERS
    found = np.empty(0, dtype=np.int64)
    while found.size < wanted:
        prefixes = np.asarray(MOBILE_PREFIXES, dtype=np.int64)[
            rng.integers(0, len(MOBILE_PREFIXES), 2 * wanted)
        ]
        drawn = prefixes * 1_000_000 + rng.integers(0, 1_000_000, 2 * wanted)
        found = np.unique(np.concatenate([found, drawn]))
    rng.shuffle(found)
    return found[:customers], found[customers:wanted]
