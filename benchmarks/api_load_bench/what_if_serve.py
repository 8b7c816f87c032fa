"""`centricity serve` with a larger connection pool: a what-if run, no change to src/.

`api_load.py --what-if-pool N` serves through this module: every engine the app makes gets
`pool_size=N, max_overflow=N` (the default QueuePool lends 5 + 10 connections to AnyIO's 40
worker threads). Arguments are those of `centricity serve`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import sqlalchemy

import centricity.db

size = int(os.environ["BENCH_POOL_SIZE"])
plain_create_engine = sqlalchemy.create_engine


def create_engine(url: Any, **kwargs: Any) -> sqlalchemy.Engine:
    """SQLAlchemy's `create_engine` with the what-if pool size."""
    return plain_create_engine(url, pool_size=size, max_overflow=size, **kwargs)


centricity.db.create_engine = create_engine  # type: ignore[assignment]

if __name__ == "__main__":
    from centricity.cli import main

    sys.argv[0] = "centricity"
    main()
