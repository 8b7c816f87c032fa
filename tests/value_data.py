"""Seeded purchase histories for value tests, written through the store's own tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.interactions.models import Interaction
from centricity.orders.models import Order

AS_OF = date(2026, 6, 30)


@dataclass(frozen=True)
class Seeded:
    """The ids and raw rows of a seeded history."""

    customer_ids: list[int]
    orders: list[dict[str, object]]
    contacts: list[dict[str, object]]


def seed_history(db: Session, customers: int = 300, seed: int = 7) -> Seeded:
    """Customers with BG/NBD-like buying (gamma rates, geometric drop-out) and some contacts."""
    rng = np.random.default_rng(seed)
    ids = [
        db.execute(
            insert(Customer).values(
                name=f"Value Customer {i}", search_key=f"value {i}", attributes={}
            )
        ).inserted_primary_key[0]
        for i in range(customers)
    ]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    orders: list[dict[str, object]] = []
    for customer_id in ids:
        rate, drop, day = rng.gamma(0.8, 0.05), rng.beta(1.0, 4.0), rng.integers(0, 300)
        while day < 545:
            amount = Decimal(str(round(float(rng.gamma(4.0, 12.0)), 2)))
            cost = (
                None if rng.random() < 0.3 else (amount * Decimal("0.6")).quantize(Decimal("0.01"))
            )
            at = start + timedelta(days=int(day), hours=int(rng.integers(8, 20)))
            status = "cancelled" if rng.random() < 0.05 else "completed"
            orders.append(
                {
                    "customer_id": customer_id,
                    "ordered_at": at,
                    "currency": "EUR",
                    "total_amount": amount,
                    "cost": cost,
                    "status": status,
                }
            )
            if rng.random() < drop:
                break
            day += int(rng.exponential(1 / max(rate, 1e-3))) + 1
    contacts = [
        {
            "customer_id": int(rng.choice(ids)),
            "channel": str(rng.choice(["phone", "email", "chat", "visit"])),
            "direction": "inbound",
            "started_at": start + timedelta(days=int(rng.integers(0, 540))),
            "duration_seconds": None if rng.random() < 0.1 else int(rng.integers(30, 1200)),
            "note": "",
            "confidential": False,
        }
        for _ in range(customers)
    ]
    db.execute(insert(Order), orders)
    db.execute(insert(Interaction), contacts)
    db.flush()
    return Seeded(ids, orders, contacts)
