"""Schemathesis on the OpenAPI document: generated requests with an admin token (≥1,000),
an agent of another department and a read-only token; 0 server errors, 0 schema
violations, and the department and read-only rules hold under fuzzing.

Half the generated ids are pointed at a seeded customer whose contact is confidential to
department A, so the agent of department B keeps asking for it; its note must never
appear in an answer to B. The read-only token must change nothing. The timeline is also
fuzzed with requests that break the schema (negative mode: malformed cursors among them),
which must be refused with a 4xx.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.customers.schemas import CustomerCreate
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel, Interaction
from centricity.interactions.schemas import InteractionCreate
from centricity.kit.validation import MAX_ID
from centricity.orders import service as orders
from centricity.orders.models import Order
from centricity.orders.schemas import OrderCreate

MIN_REQUESTS = 1000  # with the admin token


@st.composite
def _raw_mail(draw: st.DrawFn) -> bytes:
    """Bodies for `message/rfc822` (the mail webhook): arbitrary bytes, or messages with
    arbitrary names, subjects, charset labels and bodies, raw 8-bit headers among them."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
    charset = draw(st.sampled_from(["utf-8", "windows-1250", "koi8-r", "x-bogus", ""]))
    number = draw(st.integers(0, 50))
    head = (
        f"From: {draw(text)} <fuzz{number}@example.cz>\r\nSubject: {draw(text)}\r\n"
        f"Message-ID: <fuzz-{number}@example.cz>\r\nIn-Reply-To: {draw(text)}\r\n"
        f"Content-Type: text/plain; charset={charset}\r\n\r\n"
    )
    return head.encode("utf-8") + draw(st.binary(max_size=200))


schemathesis.openapi.media_type("message/rfc822", _raw_mail())
EXAMPLES = {"admin": 75, "agent": 25, "read_only": 25}
SECRET = "confidential-note-3f9c1e"  # department A's note; B must never read it
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Seeded:
    """Records the fuzzer's ids are aimed at."""

    customer_id: int
    interaction_id: int
    order_id: int


@pytest.fixture()
def seeded(db: Session, personas: Any) -> Seeded:
    """A customer with an order and a contact confidential to department A."""
    customer = customers.create(db, data=CustomerCreate(name="Fuzz Target"), actor=personas.bob)
    order = orders.create(
        db,
        data=OrderCreate(
            customer_id=customer.id,
            currency="EUR",
            ordered_at=datetime(2025, 3, 1, tzinfo=UTC),
            total_amount=Decimal("10.00"),
        ),
        actor=personas.bob,
    )
    hidden = interactions.create(
        db,
        data=InteractionCreate(
            customer_id=customer.id, channel=Channel.EMAIL, confidential=True, note=SECRET
        ),
        actor=personas.bob,
    )
    db.commit()
    return Seeded(customer.id, hidden.id, order.id)


def _aim(case: Any, data: Any, seeded: Seeded) -> None:
    """Point about half the generated ids at the seeded records (only ids that are valid,
    so a request made to break the schema still breaks it)."""
    targets = {
        "customer_id": seeded.customer_id,
        "interaction_id": seeded.interaction_id,
        "order_id": seeded.order_id,
    }
    for params in (case.path_parameters, case.query):
        for name, value in targets.items():
            if not params or not _valid_id(params.get(name)):
                continue
            if data.draw(st.booleans(), label=name):
                params[name] = value


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _counts(db: Session) -> tuple[int, ...]:
    db.expire_all()
    return tuple(
        int(db.scalar(select(func.count()).select_from(model)) or 0)
        for model in (Customer, Interaction, Order)
    )


def _fuzz(app: FastAPI, headers: dict[str, str], examples: int, seeded: Seeded) -> list[Any]:
    """Run every operation; returns (method, status, body bytes) of each answer."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    answers: list[Any] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), data=st.data())
        def run(case: Any, data: Any) -> None:
            _aim(case, data, seeded)
            # Business rules stricter than the schema (a contact cannot start next year, the
            # customer must exist) rightly reject some schema-valid data: that check is off.
            response = case.call_and_validate(
                headers=headers, excluded_checks=[positive_data_acceptance]
            )
            answers.append((case.method.upper(), response.status_code, response.content))

        run()
    return answers


@pytest.mark.slow
def test_an_admin_token_survives_generated_requests(
    app: FastAPI, personas: Any, token_for: Any, seeded: Seeded
) -> None:
    answers = _fuzz(app, token_for(personas.admin), EXAMPLES["admin"], seeded)
    assert len(answers) >= MIN_REQUESTS, f"only {len(answers)} requests were generated"
    assert any(SECRET.encode() in body for _m, _s, body in answers)  # the aim hits the note


@pytest.mark.slow
def test_an_agent_of_another_department_never_reads_the_confidential_note(
    app: FastAPI, personas: Any, token_for: Any, seeded: Seeded, db: Session
) -> None:
    answers = _fuzz(app, token_for(personas.charlie), EXAMPLES["agent"], seeded)
    assert not [a for a in answers if SECRET.encode() in a[2]]
    assert {s for _m, s, _b in answers} & {200, 201}  # the agent got real answers too
    assert any(s == 404 for _m, s, _b in answers)  # ... and the seeded note was asked for
    hidden = db.get(Interaction, seeded.interaction_id)
    db.refresh(hidden)
    assert hidden is not None and hidden.note == SECRET and hidden.confidential


@pytest.mark.slow
def test_a_read_only_token_changes_nothing(
    app: FastAPI, personas: Any, token_for: Any, seeded: Seeded, db: Session
) -> None:
    before = _counts(db)
    headers = token_for(personas.alice, read_only=True)
    answers = _fuzz(app, headers, EXAMPLES["read_only"], seeded)
    written = [(m, s) for m, s, _b in answers if m in UNSAFE and s < 400]
    assert not written
    assert any(m in UNSAFE and s == 403 for m, s, _b in answers)
    assert _counts(db) == before


@pytest.mark.slow
def test_schema_breaking_timeline_requests_are_refused(
    app: FastAPI, personas: Any, token_for: Any, seeded: Seeded
) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operation = schema["/api/v1/customers/{customer_id}/timeline"]["GET"]
    headers = token_for(personas.viewer)
    cursors: list[Any] = []

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), data=st.data())
    def run(case: Any, data: Any) -> None:
        _aim(case, data, seeded)
        # `negative_data_rejection` (on by default here) wants a 4xx for data that breaks
        # the schema; unknown extra parameters, which the API ignores, are exempt.
        response = case.call_and_validate(headers=headers)
        assert response.status_code < 500
        cursors.append((case.query or {}).get("cursor"))

    run()
    assert len([c for c in cursors if c is not None]) >= 20  # the cursor was fuzzed
