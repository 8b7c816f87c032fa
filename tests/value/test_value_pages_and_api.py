"""The Value page, the 360 value panel, the value API and the segment/tier filters."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.jobs.models import Job
from centricity.value import service
from centricity.value.models import CustomerValue
from value_data import AS_OF, seed_history


@pytest.fixture()
def scored(db: Session, settings: Settings, personas: Any) -> dict[str, Any]:
    """A seeded history analysed once; returns the run and one scored row."""
    seed_history(db)
    run = service.analyze(db, as_of=AS_OF, settings=settings)
    db.commit()
    top = db.scalars(
        select(CustomerValue)
        .where(CustomerValue.run_id == run.id)
        .order_by(CustomerValue.clv.desc())
    ).first()
    return {"run": run, "top": top}


def test_it_reads_a_customers_value(
    scored: dict[str, Any], anon: Any, token_for: Any, personas: Any
) -> None:
    top = scored["top"]
    body = anon.get(
        f"/api/v1/customers/{top.customer_id}/value", headers=token_for(personas.viewer)
    ).json()
    assert body["scored"] is True and body["run_id"] == scored["run"].id
    assert body["tier"] == top.tier and body["segment"] == top.segment
    assert body["clv"] == pytest.approx(top.clv)
    assert 0 <= body["probability_alive"] <= 1


def test_it_says_when_a_customer_is_not_scored(anon: Any, token_for: Any, personas: Any) -> None:
    headers = token_for(personas.bob)
    created = anon.post("/api/v1/customers", json={"name": "No Orders Yet"}, headers=headers)
    body = anon.get(f"/api/v1/customers/{created.json()['id']}/value", headers=headers).json()
    assert body == {**body, "scored": False, "clv": None, "tier": None}
    assert anon.get("/api/v1/customers/999999/value", headers=headers).status_code == 404


def test_it_lists_segments_and_tiers(
    scored: dict[str, Any], anon: Any, token_for: Any, personas: Any
) -> None:
    headers = token_for(personas.viewer)
    segments = anon.get("/api/v1/value/segments", headers=headers).json()
    tiers = anon.get("/api/v1/value/tiers", headers=headers).json()
    customers = sum(s["customers"] for s in segments["items"])
    assert (
        customers == sum(t["customers"] for t in tiers["items"]) == scored["run"].stats["customers"]
    )
    assert segments["total"] == len(segments["items"]) and segments["as_of_date"] == "2026-06-30"
    assert [t["name"] for t in tiers["items"]] == ["Platinum", "Gold", "Silver", "Bronze"]


def test_it_answers_empty_lists_before_any_run(anon: Any, token_for: Any, personas: Any) -> None:
    headers = token_for(personas.viewer)
    for path in ("/api/v1/value/segments", "/api/v1/value/tiers", "/api/v1/value/at-risk"):
        assert anon.get(path, headers=headers).json() == {
            "items": [],
            "total": 0,
            "run_id": None,
            "as_of_date": None,
        }


def test_it_lists_valuable_customers_at_risk(
    scored: dict[str, Any], anon: Any, token_for: Any, personas: Any
) -> None:
    body = anon.get("/api/v1/value/at-risk?limit=20", headers=token_for(personas.viewer)).json()
    assert body["items"], "the seeded history has churned big spenders"
    for item in body["items"]:
        assert item["probability_alive"] < 0.5
    at_risk = [i["revenue"] * (1 - i["probability_alive"]) for i in body["items"]]
    assert at_risk == sorted(at_risk, reverse=True)


def test_it_filters_customers_by_segment_and_tier(
    scored: dict[str, Any], anon: Any, token_for: Any, personas: Any, db: Session
) -> None:
    headers = token_for(personas.viewer)
    run_id = scored["run"].id
    gold = set(
        db.scalars(
            select(CustomerValue.customer_id).where(
                CustomerValue.run_id == run_id, CustomerValue.tier == "Gold"
            )
        )
    )
    listed = anon.get("/api/v1/customers?tier=Gold&limit=200", headers=headers).json()
    assert listed["total"] == len(gold) and {c["id"] for c in listed["items"]} == gold
    segment = scored["top"].segment
    both = anon.get(
        f"/api/v1/customers?tier={scored['top'].tier}&segment={segment}", headers=headers
    ).json()
    assert scored["top"].customer_id in {c["id"] for c in both["items"]}
    assert anon.get("/api/v1/customers?tier=Unobtainium", headers=headers).json()["total"] == 0


def test_it_shows_the_value_page(scored: dict[str, Any], personas: Any, browser_for: Any) -> None:
    page = browser_for(personas.viewer).client.get("/value")
    assert page.status_code == 200
    for text in (
        "Segments",
        "Predicted lifetime value",
        "Service tiers",
        "Valuable customers at risk",
        'id="chart-segments"',
        "Platinum",
    ):
        assert text in page.text
    assert "Run the analysis now" not in page.text  # viewers cannot start it


def test_it_explains_the_value_on_the_360_page(
    scored: dict[str, Any], personas: Any, browser_for: Any
) -> None:
    top = scored["top"]
    page = browser_for(personas.viewer).client.get(f"/customers/{top.customer_id}")
    for text in (
        top.segment,
        top.tier,
        "Lifetime value",
        "Still active",
        "Cost to serve",
        "Next 90 days",
    ):
        assert text in page.text


def test_it_lets_a_manager_queue_the_analysis(personas: Any, browser_for: Any, db: Session) -> None:
    alice = browser_for(personas.alice)
    response = alice.client.post("/value/analyze", data={"csrf_token": alice.csrf})
    assert response.status_code == 303
    job = db.scalars(select(Job).where(Job.kind == "value.analyze")).one()
    assert job.status == "queued" and set(job.payload) == {"as_of", "requested_by"}
    assert "queued" in alice.client.get("/value?queued=1").text


def test_an_export_of_a_filtered_list_holds_exactly_the_listed_customers(
    scored: dict[str, Any], browser_for: Any, personas: Any, db: Session
) -> None:
    manager = browser_for(personas.alice)
    gold = set(
        db.scalars(
            select(Customer.id)
            .join(CustomerValue, Customer.id == CustomerValue.customer_id)
            .where(CustomerValue.run_id == scored["run"].id, CustomerValue.tier == "Gold")
        )
    )
    listed = manager.client.get("/customers?tier=Gold").text
    assert "/customers/export?format=csv&q=&tier=Gold" in listed
    answer = manager.client.get("/customers/export?format=csv&q=&tier=Gold")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert gold and {int(r["id"]) for r in rows} == gold
    assert "/customers/export" not in browser_for(personas.bob).client.get("/customers").text
