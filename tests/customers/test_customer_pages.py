"""Customer pages: list and search, the 360 page, logging a contact, the profile form."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, event, func, select
from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel, Interaction
from centricity.interactions.schemas import InteractionCreate
from centricity.orders import service as orders
from centricity.orders.schemas import OrderCreate


@pytest.fixture()
def customer(db: Session, personas: Any) -> Any:
    created = customers.create(
        db,
        data=CustomerCreate(
            name="Birutė Kazlauskienė",
            email="birute@example.lt",
            phone="+370 612 34567",
            preferred_language="lt",
            country="LT",
            external_id="LT-42",
        ),
        actor=personas.bob,
    )
    orders.create(
        db,
        data=OrderCreate(
            customer_id=created.id,
            currency="EUR",
            ordered_at=datetime(2026, 1, 10, tzinfo=UTC),
            total_amount=Decimal("59.90"),
        ),
        actor=personas.bob,
    )
    db.commit()
    return created


@contextmanager
def count_queries(connection: Connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_it_finds_a_customer_without_diacritics(
    customer: Any, personas: Any, browser_for: Any
) -> None:
    page = browser_for(personas.viewer).client.get("/customers", params={"q": "kazlauskiene"})
    assert page.status_code == 200
    assert "Birutė Kazlauskienė" in page.text
    assert "1 customer matching" in page.text


def test_it_returns_only_the_results_to_htmx(
    customer: Any, personas: Any, browser_for: Any
) -> None:
    page = browser_for(personas.viewer).client.get(
        "/customers", params={"q": "LT-42"}, headers={"HX-Request": "true"}
    )
    assert "Birutė Kazlauskienė" in page.text
    assert "<html" not in page.text


def test_it_lists_customers_in_a_constant_number_of_queries(
    db: Session, personas: Any, browser_for: Any, connection: Connection
) -> None:
    client = browser_for(personas.viewer).client
    for i in range(3):
        customers.create(db, data=CustomerCreate(name=f"Query Count {i}"), actor=personas.bob)
    db.commit()
    with count_queries(connection) as few:
        first = client.get("/customers")
    assert first.status_code == 200 and "Query Count 2" in first.text
    for i in range(3, 30):
        customers.create(db, data=CustomerCreate(name=f"Query Count {i}"), actor=personas.bob)
    db.commit()
    with count_queries(connection) as many:
        second = client.get("/customers")
    assert second.status_code == 200 and second.text.count("Query Count") > 3
    assert len(many) == len(few) <= 9  # 9th: the header's count of unread notices


def test_it_shows_the_customer_360(customer: Any, personas: Any, browser_for: Any) -> None:
    page = browser_for(personas.viewer).client.get(f"/customers/{customer.id}")
    assert page.status_code == 200
    for text in ("birute@example.lt", "+370 612 34567", "LT-42", "59.90", "Timeline"):
        assert text in page.text
    assert "Log a contact" not in page.text  # viewers read only


def test_it_logs_a_contact_from_the_360_page(
    customer: Any, personas: Any, browser_for: Any, db: Session
) -> None:
    bob = browser_for(personas.bob)
    response = bob.client.post(
        f"/customers/{customer.id}/interactions",
        data={
            "csrf_token": bob.csrf,
            "channel": "visit",
            "direction": "inbound",
            "note": "Klientė teiravosi dėl pristatymo",
            "duration_minutes": "2,5",
            "waiting_seconds": "40",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/customers/{customer.id}#timeline"
    page = bob.client.get(f"/customers/{customer.id}")
    assert "Klientė teiravosi dėl pristatymo" in page.text
    logged = db.scalars(select(Interaction).where(Interaction.customer_id == customer.id)).one()
    assert (logged.channel, logged.duration_seconds, logged.waiting_seconds) == ("visit", 150, 40)
    assert logged.user_id == personas.bob.id
    assert logged.department_id == personas.bob.department_id


def test_it_rerenders_an_invalid_contact_and_stores_nothing(
    customer: Any, personas: Any, browser_for: Any, db: Session
) -> None:
    bob = browser_for(personas.bob)
    response = bob.client.post(
        f"/customers/{customer.id}/interactions",
        data={"csrf_token": bob.csrf, "channel": "telepathy", "note": "kept in the form"},
    )
    assert response.status_code == 422
    assert "channel" in response.text and "kept in the form" in response.text
    count = db.scalar(
        select(func.count()).select_from(Interaction).where(Interaction.customer_id == customer.id)
    )
    assert count == 0


def test_it_creates_and_edits_a_customer_with_field_errors(personas: Any, browser_for: Any) -> None:
    bob = browser_for(personas.bob)
    bad = bob.client.post(
        "/customers/new", data={"csrf_token": bob.csrf, "name": "Ewa Nowak", "email": "ewa@"}
    )
    assert bad.status_code == 422
    assert "not a valid e-mail address" in bad.text and "Ewa Nowak" in bad.text
    good = bob.client.post(
        "/customers/new",
        data={
            "csrf_token": bob.csrf,
            "name": "Ewa Nowak",
            "email": "ewa@example.pl",
            "country": "pl",
        },
    )
    assert good.status_code == 303
    url = good.headers["location"]
    edited = bob.client.post(
        f"{url}/edit", data={"csrf_token": bob.csrf, "name": "Ewa Kowalska", "kind": "person"}
    )
    assert edited.status_code == 303
    page = bob.client.get(url)
    assert "Ewa Kowalska" in page.text
    assert "ewa@example.pl" not in page.text  # an emptied field is cleared


def test_it_pages_older_timeline_entries(
    customer: Any, personas: Any, browser_for: Any, db: Session
) -> None:
    for day in range(1, 29):
        orders.create(
            db,
            data=OrderCreate(
                customer_id=customer.id,
                currency="EUR",
                ordered_at=datetime(2025, 6, day, tzinfo=UTC),
                total_amount=Decimal(day),
            ),
            actor=personas.bob,
        )
    for day in range(1, 10):
        orders.create(
            db,
            data=OrderCreate(
                customer_id=customer.id,
                currency="EUR",
                ordered_at=datetime(2025, 5, day, tzinfo=UTC),
                total_amount=Decimal(day),
            ),
            actor=personas.bob,
        )
    db.commit()
    client = browser_for(personas.viewer).client
    first = client.get(f"/customers/{customer.id}")
    assert "Show older" in first.text
    older = client.get(
        f"/customers/{customer.id}/timeline", params={"before": "2025-05-10T00:00:00+00:00"}
    )
    assert older.text.count('data-kind="order"') == 9


def test_it_adds_a_person_to_a_business_customer(
    db: Session, personas: Any, browser_for: Any
) -> None:
    firm = customers.create(
        db, data=CustomerCreate(name="Nordic Tools AB", kind="business"), actor=personas.bob
    )
    db.commit()
    bob = browser_for(personas.bob)
    bad = bob.client.post(
        f"/customers/{firm.id}/people",
        data={"csrf_token": bob.csrf, "name": "Lars", "email": "lars@"},
    )
    assert bad.status_code == 422 and "not a valid e-mail address" in bad.text
    good = bob.client.post(
        f"/customers/{firm.id}/people",
        data={
            "csrf_token": bob.csrf,
            "name": "Lars Nilsson",
            "job_title": "Inköpare",
            "email": "lars@nordictools.se",
        },
    )
    assert good.status_code == 303
    page = bob.client.get(f"/customers/{firm.id}")
    assert "Lars Nilsson" in page.text and "Inköpare" in page.text


def test_it_pages_the_timeline_without_skipping_ties(
    customer: Any, personas: Any, anon: Any, token_for: Any, db: Session
) -> None:
    tie = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
    for _ in range(5):
        orders.create(
            db,
            data=OrderCreate(
                customer_id=customer.id, currency="EUR", ordered_at=tie, total_amount=Decimal(1)
            ),
            actor=personas.bob,
        )
        interactions.create(
            db,
            data=InteractionCreate(customer_id=customer.id, channel=Channel.PHONE, started_at=tie),
            actor=personas.bob,
        )
    db.commit()
    headers = token_for(personas.viewer)
    url = f"/api/v1/customers/{customer.id}/timeline"
    everything = anon.get(url, params={"limit": 200}, headers=headers).json()["items"]
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = anon.get(url, params=params, headers=headers).json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    key = [(i["kind"], i["id"]) for i in seen]
    assert key == [(i["kind"], i["id"]) for i in everything] and len(set(key)) == len(key) == 11
    bad = anon.get(url, params={"cursor": "yesterday"}, headers=headers)
    assert bad.status_code == 422 and "cursor" in bad.text
