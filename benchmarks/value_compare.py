"""Compare two `centricity analyze` results to the cent: same customers, same tiers.

    .venv/bin/python benchmarks/value_compare.py dump [--store PATH] OUT.parquet
    .venv/bin/python benchmarks/value_compare.py diff BEFORE.parquet AFTER.parquet

`dump` writes the latest finished value run's `customer_values` rows (without the run's own
id and the row id), `diff` checks every customer: integers, segments and tiers equal, money
equal to the cent, probabilities and expected purchases within 1e-9. A speed change to the
analysis must leave `diff` silent.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

import polars as pl
from customers_bench import FULL_CUSTOMERS, FULL_ORDERS, store_paths

MONEY = (
    "revenue",
    "margin",
    "monetary_value",
    "expected_spend",
    "clv",
    "cost_to_serve",
    "historic_profit",
    "predicted_profit",
)
RATES = ("probability_alive", "expected_purchases_90d")
SKIPPED = ("id", "run_id")


def dump(store: Path, out: Path) -> None:
    """Write the latest finished value run's scores, ordered by customer."""
    with sqlite3.connect(store) as conn:
        run = conn.execute(
            "SELECT id FROM analytics_runs WHERE kind = 'value' AND status = 'done' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if run is None:
            sys.exit("no finished value run")
        cursor = conn.execute(
            "SELECT * FROM customer_values WHERE run_id = ? ORDER BY customer_id", run
        )
        names = [d[0] for d in cursor.description]
        frame = pl.DataFrame(
            cursor.fetchall(), schema=names, orient="row", infer_schema_length=None
        )
    frame.drop(*SKIPPED).write_parquet(out)
    print(f"{frame.height:,} customers of run {run[0]} written to {out}")


def differences(before: pl.DataFrame, after: pl.DataFrame) -> list[str]:
    """What differs between two dumps (empty when they agree)."""
    if before.columns != after.columns:
        return [f"columns differ: {before.columns} != {after.columns}"]
    if before.height != after.height or not before["customer_id"].equals(after["customer_id"]):
        return [f"customers differ: {before.height:,} != {after.height:,}"]
    found = []
    for column in before.columns:
        a, b = before[column], after[column]
        if a.null_count() != b.null_count() or not a.is_null().equals(b.is_null()):
            found.append(f"{column}: nulls differ")
            continue
        if column in MONEY:
            changed = int(((a - b).abs() >= 0.005).sum())
        elif column in RATES:
            changed = int(((a - b).abs() > 1e-9).sum())
        else:
            changed = int((a != b).sum())
        if changed:
            found.append(f"{column}: {changed:,} customers differ")
    return found


def main() -> None:
    """Dump or compare."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dumping = sub.add_parser("dump")
    dumping.add_argument("--store", type=Path, default=store_paths(FULL_CUSTOMERS, FULL_ORDERS)[0])
    dumping.add_argument("out", type=Path)
    diffing = sub.add_parser("diff")
    diffing.add_argument("before", type=Path)
    diffing.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.store, args.out)
        return
    before, after = pl.read_parquet(args.before), pl.read_parquet(args.after)
    found = differences(before, after)
    for line in found:
        print(line)
    largest = max(float((before[c] - after[c]).abs().max() or 0.0) for c in (*MONEY, *RATES))
    print(f"{before.height:,} customers compared; largest difference {largest:.3g}")
    if found:
        sys.exit(1)
    print("identical to the cent: same customers, segments and tiers")


if __name__ == "__main__":
    main()
