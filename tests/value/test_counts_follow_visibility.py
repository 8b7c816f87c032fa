"""Counts shown to a user are counts of what that user may list.

The probe: a customer with two contacts, one of them confidential to department A. The
value API said `contacts_count: 2` and the 360 page "what their 2 contacts cost" to
Charlie (department B), who can list only one. Every count on the pages and API that
involves contacts is walked here for Bob (department A), Charlie (B), Vera (viewer, A)
and the admin; cost to serve stays a company figure and says so.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel
from centricity.interactions.schemas import InteractionCreate
from centricity.orders import service as orders
from centricity.orders.schemas import OrderCreate
from centricity.value import service as value_service


@pytest.fixture()
def customer(db: Session, personas: Any, settings: Settings) -> Any:
    """A scored customer with one open and one confidential contact of department A."""
    created = customers.create(db, data=CustomerCreate(name="Eglė Vaitkutė"), actor=personas.bob)
    now = datetime.now(UTC)
    for days in (200, 90, 10):
        orders.create(
            db,
            data=OrderCreate(
                customer_id=created.id,
                currency="EUR",
                ordered_at=now - timedelta(days=days),
                total_amount=Decimal("120.00"),
            ),
            actor=personas.bob,
        )
    for confidential in (False, True):
        interactions.create(
            db,
            data=InteractionCreate(
                customer_id=created.id,
                channel=Channel.PHONE,
                confidential=confidential,
                note="complaint about the invoice" if confidential else "asked for a catalogue",
                started_at=now - timedelta(hours=1),
            ),
            actor=personas.bob,
        )
    db.commit()
    value_service.analyze(db, as_of=now.date(), settings=settings)
    db.commit()
    return created


VISIBLE = {"bob": 2, "charlie": 1, "viewer": 2, "admin": 2}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_every_contact_count_matches_what_the_caller_can_list(
    who: str, customer: Any, personas: Any, anon: TestClient, token_for: Any
) -> None:
    headers = token_for(getattr(personas, who))
    listed = anon.get(f"/api/v1/interactions?customer_id={customer.id}", headers=headers).json()
    assert listed["total"] == len(listed["items"]) == VISIBLE[who]
    value = anon.get(f"/api/v1/customers/{customer.id}/value", headers=headers).json()
    assert value["scored"] is True
    assert value["contacts_count"] == listed["total"]
    timeline = anon.get(f"/api/v1/customers/{customer.id}/timeline", headers=headers).json()
    assert sum(i["kind"] == "interaction" for i in timeline["items"]) == listed["total"]
    recent = anon.get("/api/v1/interactions?since=2000-01-01T00:00:00Z", headers=headers).json()
    assert recent["total"] == listed["total"]


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_pages_count_only_what_the_user_may_see(
    who: str, customer: Any, personas: Any, browser_for: Any
) -> None:
    client = browser_for(getattr(personas, who)).client
    page = client.get(f"/customers/{customer.id}")
    assert page.status_code == 200
    assert page.text.count('data-kind="interaction"') == VISIBLE[who]
    assert not re.search(r"\d+ contacts? cost", page.text)  # no company count of contacts
    assert "company figure" in page.text
    dashboard = client.get("/")
    tile = re.search(r"<strong>(\d+)</strong><span>contacts? in the last 7 days", dashboard.text)
    assert tile is not None and int(tile.group(1)) == VISIBLE[who]
    assert dashboard.text.count(f"/customers/{customer.id}") == VISIBLE[who]
    assert "company figures" in client.get("/value").text


def test_only_the_contact_count_depends_on_the_caller(
    customer: Any, personas: Any, anon: TestClient, token_for: Any
) -> None:
    bob = anon.get(f"/api/v1/customers/{customer.id}/value", headers=token_for(personas.bob)).json()
    charlie = anon.get(
        f"/api/v1/customers/{customer.id}/value", headers=token_for(personas.charlie)
    ).json()
    differing = {k for k in bob if bob[k] != charlie[k]}
    assert differing == {"contacts_count"}  # everything else is a company figure
