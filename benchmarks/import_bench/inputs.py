"""The input: a Czech ERP export (`;`, Czech headers, decimal commas, `31.12.2024 10:05`
dates) of orders for N customers, and the same orders pre-parsed for the baseline."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

HEADER = "Číslo objednávky;Zákazník;Datum;Celkem;Měna;Náklady\n"


def write_inputs(folder: Path, rows: int, customers: int) -> tuple[Path, Path]:
    """The customers file and an orders file of `rows` rows (reused when present)."""
    folder.mkdir(parents=True, exist_ok=True)
    customer_file = folder / f"customers_{customers}.csv"
    if not customer_file.exists():
        with customer_file.open("w", encoding="utf-8") as handle:
            handle.write("Číslo zákazníka;Jméno;E-mail\n")
            handle.writelines(f"C{i:07d};Zákazník {i};c{i}@example.cz\n" for i in range(customers))
    order_file = folder / f"orders_{rows}.csv"
    if not order_file.exists():
        with order_file.open("w", encoding="utf-8") as handle:
            handle.write(HEADER)
            for start in range(0, rows, 1_000_000):
                handle.writelines(
                    _order_line(i, customers) for i in range(start, min(rows, start + 1_000_000))
                )
    return customer_file, order_file


def _order_line(i: int, customers: int) -> str:
    day, month, minute = i % 28 + 1, i % 12 + 1, i % 60
    return (
        f"O{i:09d};C{i % customers:07d};{day:02d}.{month:02d}.2024 10:{minute:02d};"
        f"{i % 1000} {i % 1000:03d},{i % 100:02d};CZK;{i % 500},50\n"
    )


def baseline_tuples(rows: int, customers: int, start: int, count: int) -> list[tuple[Any, ...]]:
    """Pre-parsed orders, as the import stores them (customer ids = 1..customers)."""
    batch = []
    for i in range(start, min(rows, start + count)):
        day, month, minute = i % 28 + 1, i % 12 + 1, i % 60
        batch.append(
            (
                f"O{i:09d}",
                i % customers + 1,
                datetime(2024, month, day, 10, minute, tzinfo=UTC),
                "CZK",
                Decimal(f"{i % 1000}{i % 1000:03d}.{i % 100:02d}"),
                Decimal(f"{i % 500}.50"),
                "completed",
            )
        )
    return batch
