"""`analyze`: a resumable run that scores every buyer, keeps history, and survives thin data."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.analytics.models import AnalyticsRun
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.orders.models import Order
from centricity.privacy import service as privacy
from centricity.value import service
from centricity.value.models import CustomerValue
from centricity.value.scoring import ValueConfig, contact_costs
from value_data import AS_OF, seed_history


def _scores(db: Session, run_id: int) -> pl.DataFrame:
    rows = db.execute(select(CustomerValue.__table__).where(CustomerValue.run_id == run_id))
    return pl.DataFrame([dict(r._mapping) for r in rows])


def test_it_scores_every_buyer_once(db: Session, settings: Settings) -> None:
    seeded = seed_history(db)
    run = service.analyze(db, as_of=AS_OF, settings=settings)
    assert (run.status, run.kind, run.as_of_date) == ("done", "value", AS_OF)
    scores = _scores(db, run.id)
    buyers = {o["customer_id"] for o in seeded.orders if o["status"] == "completed"}
    assert set(scores["customer_id"]) == buyers
    assert scores["probability_alive"].is_between(0, 1).all()
    assert (scores["expected_purchases_90d"] >= 0).all() and (scores["clv"] >= 0).all()
    assert set(scores["tier"]) <= {"Platinum", "Gold", "Silver", "Bronze"}
    assert set(scores["r_score"]) <= {1, 2, 3, 4, 5}
    assert run.stats["bgnbd"]["params"]["r"] > 0
    assert {"aggregate_seconds", "model_seconds", "write_seconds"} <= set(run.stats)


def test_it_gives_the_best_tier_to_the_most_valuable(db: Session, settings: Settings) -> None:
    seed_history(db)
    scores = _scores(db, service.analyze(db, as_of=AS_OF, settings=settings).id)
    mean_clv = scores.group_by("tier").agg(pl.col("clv").mean()).sort("clv", descending=True)
    assert mean_clv["tier"].to_list()[0] == "Platinum"
    assert mean_clv["tier"].to_list()[-1] == "Bronze"


def test_it_reuses_a_finished_run_and_keeps_history(db: Session, settings: Settings) -> None:
    seed_history(db)
    first = service.analyze(db, as_of=AS_OF, settings=settings)
    again = service.analyze(db, as_of=AS_OF, settings=settings)
    later = service.analyze(db, as_of=date(2026, 7, 31), settings=settings)
    assert again.id == first.id and later.id != first.id
    grouped = select(CustomerValue.run_id, func.count()).group_by(CustomerValue.run_id)
    counts = dict(db.execute(grouped).all())
    assert set(counts) == {first.id, later.id}


def test_it_replaces_the_partial_output_of_an_interrupted_run(
    db: Session, settings: Settings
) -> None:
    seed_history(db)
    done = service.analyze(db, as_of=AS_OF, settings=settings)
    full = _scores(db, done.id).height
    done.status = "started"  # as if the process died before `finish`
    db.execute(CustomerValue.__table__.delete().where(CustomerValue.customer_id % 2 == 0))
    db.flush()
    resumed = service.analyze(db, as_of=AS_OF, settings=settings)
    assert resumed.id == done.id and resumed.status == "done"
    scores = _scores(db, resumed.id)
    assert scores.height == full and scores["customer_id"].is_unique().all()


def test_it_survives_too_little_history_to_fit(db: Session, settings: Settings) -> None:
    customer = Customer(name="Only Buyer", search_key="only buyer", attributes={})
    db.add(customer)
    db.flush()
    db.add(
        Order(
            customer_id=customer.id,
            ordered_at=datetime(2026, 1, 5, 10, tzinfo=UTC),
            currency="EUR",
            total_amount=Decimal(10),
            status="completed",
        )
    )
    db.flush()
    run = service.analyze(db, as_of=AS_OF, settings=settings)
    scores = _scores(db, run.id)
    assert scores.height == 1 and scores["tier"].to_list() == ["Platinum"]
    assert scores["clv"].to_list() == [None]
    assert "value models" in run.stats["model_note"]


def test_it_prices_contacts_by_channel() -> None:
    contacts = pl.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "channel": ["phone", "email", "pigeon"],
            "contacts": [2, 1, 3],
            "minutes": [10.0, None, 4.0],
        }
    )
    config = ValueConfig(
        contact_costs={"phone": (2.0, 0.5), "email": (1.0, 0.0), "other": (1.5, 0.25)}
    )
    costs = contact_costs(contacts, config).sort("customer_id")
    assert costs["contacts_count"].to_list() == [3, 3]
    # customer 1: 2 calls (2×2 + 10 min × 0.5) + 1 e-mail (1); customer 2: priced as "other"
    assert np.allclose(costs["cost_to_serve"].to_list(), [10.0, 3 * 1.5 + 4 * 0.25])


def test_it_discounts_more_at_a_higher_rate(db: Session, settings: Settings) -> None:
    seed_history(db)
    totals = []
    for rate in (0.0, 0.25):
        settings.value_discount_rate = rate
        run = service.analyze(db, as_of=AS_OF, settings=settings)
        assert run.params["discount_rate"] == rate
        totals.append(_scores(db, run.id)["clv"].sum())
    assert totals[0] > totals[1] > 0


def test_it_counts_the_run_in_analytics_runs(db: Session, settings: Settings) -> None:
    seed_history(db)
    service.analyze(db, as_of=AS_OF, settings=settings)
    assert db.scalar(select(func.count()).select_from(AnalyticsRun)) == 1


def test_it_exports_and_erases_a_persons_scores(db: Session, settings: Settings) -> None:
    seeded = seed_history(db)
    run = service.analyze(db, as_of=AS_OF, settings=settings)
    person_id = next(o["customer_id"] for o in seeded.orders if o["status"] == "completed")
    customer = db.get(Customer, person_id)
    assert customer is not None
    customer.email = "value.person@example.cz"
    db.flush()
    exported = privacy.export_person(db, email="value.person@example.cz", actor_label="test")
    assert json.dumps(exported, default=str).count('"tier"') >= 1
    privacy.erase_person(db, email="value.person@example.cz", actor_label="test")
    left = db.scalars(select(CustomerValue).where(CustomerValue.customer_id == person_id)).all()
    assert left == []
    assert (
        _scores(db, run.id).height
        == len({o["customer_id"] for o in seeded.orders if o["status"] == "completed"}) - 1
    )
