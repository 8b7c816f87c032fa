"""Fixtures of the feedback tests: API clients per persona and a customer with a case,
a contact and an order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from feedback_helpers import Arranged
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.schemas import CaseCreate, ReplyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel
from centricity.interactions.schemas import InteractionCreate
from centricity.orders import service as orders
from centricity.orders.schemas import OrderCreate


@pytest.fixture()
def api(
    app: FastAPI, personas: Any, token_for: Callable[..., dict[str, str]]
) -> dict[str, TestClient]:
    clients = {
        name: TestClient(app, headers=token_for(getattr(personas, name)))
        for name in ("admin", "alice", "bob", "charlie", "viewer")
    }
    clients["read_only"] = TestClient(app, headers=token_for(personas.admin, read_only=True))
    return clients


@pytest.fixture()
def arranged(db: Session, personas: Any) -> Arranged:
    bob = personas.bob
    data = CustomerCreate(name="Olof Berg", email="olof@example.se", external_id="C-1")
    customer = customers.create(db, data=data, actor=bob)
    other = customers.create(db, data=CustomerCreate(name="Eva", external_id="C-2"), actor=bob)
    case = cases.create(db, data=CaseCreate(customer_id=customer.id, subject="Late"), actor=bob)
    message = cases.reply(
        db,
        case=case,
        data=ReplyCreate(body="Paket kom tre dagar för sent, ingen ringde.", from_customer=True),
        actor=bob,
    )
    note = cases.reply(db, case=case, data=ReplyCreate(body="Call him", public=False), actor=bob)
    contact = interactions.create(
        db,
        data=InteractionCreate(
            customer_id=customer.id,
            channel=Channel.PHONE,
            note="Kunden är mycket nöjd med den nya tjänsten.",
        ),
        actor=bob,
    )
    order = orders.create(
        db,
        data=OrderCreate(
            customer_id=customer.id,
            ordered_at=datetime(2026, 5, 1, tzinfo=UTC),
            currency="EUR",
            total_amount=Decimal("12.50"),
        ),
        actor=bob,
    )
    db.commit()
    return Arranged(
        customer_id=customer.id,
        case_id=case.id,
        interaction_id=contact.id,
        order_id=order.id,
        message_id=message.id,
        note_id=note.id,
        other_customer_id=other.id,
    )
