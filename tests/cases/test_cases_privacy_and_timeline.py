"""Cases on the customer 360 timeline, and in a person's export and erasure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.cases import policies, service
from centricity.cases import timeline as _timeline  # noqa: F401  (registers the sources)
from centricity.cases.models import Case, CaseMessage, CaseTarget
from centricity.cases.schemas import CaseCreate, ReplyCreate, SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers import timeline
from centricity.customers.schemas import CustomerCreate
from centricity.privacy import service as privacy

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _case_with_conversation(db: Session, personas: Any) -> Case:
    policy = SlaPolicyCreate(name="Everyone", first_response_minutes=60, resolution_minutes=600)
    policies.create(db, data=policy, actor=personas.admin)
    customer = customers.create(
        db,
        data=CustomerCreate(name="Ingrid Holm", email="ingrid.holm@example.se"),
        actor=personas.bob,
    )
    case = service.create(
        db,
        data=CaseCreate(
            customer_id=customer.id, subject="Ingrid's broken sofa", description="Leg snapped"
        ),
        actor=personas.bob,
        now=T0,
    )
    for body, public, from_customer, minute in (
        ("We send a carpenter on Monday", True, False, 5),
        ("Supplier owes us one", False, False, 6),
        ("Monday suits me", True, True, 30),
    ):
        data = ReplyCreate(body=body, public=public, from_customer=from_customer)
        service.reply(db, case=case, data=data, actor=personas.bob, now=T0.replace(minute=minute))
    db.flush()
    return case


def test_the_timeline_shows_the_case_and_its_public_messages_to_whoever_sees_the_case(
    db: Session, personas: Any
) -> None:
    case = _case_with_conversation(db, personas)
    customer = customers.get(db, case.customer_id, actor=personas.bob)  # type: ignore[arg-type]
    items = timeline.build(db, customer=customer, actor=personas.bob).items
    shown = [(i.kind, i.detail) for i in items if i.kind.startswith("case")]
    assert shown == [
        ("case_message", "Monday suits me"),
        ("case_message", "We send a carpenter on Monday"),
        ("case", "open"),
    ]  # the internal note stays on the case
    assert str(items[0].title) == "Customer wrote on case: Ingrid's broken sofa"
    others = timeline.build(db, customer=customer, actor=personas.charlie).items
    assert [i for i in others if i.kind.startswith("case")] == []


def test_erasure_empties_what_the_cases_say_and_keeps_their_clocks(
    db: Session, personas: Any
) -> None:
    case = _case_with_conversation(db, personas)
    exported = privacy.export_person(db, email="ingrid.holm@example.se", actor_label="test")
    text = json.dumps(exported, default=str, ensure_ascii=False)
    assert "Ingrid's broken sofa" in text and "Supplier owes us one" in text
    targets_before = db.scalars(select(CaseTarget).where(CaseTarget.case_id == case.id)).all()
    privacy.erase_person(db, email="ingrid.holm@example.se", actor_label="test")
    db.expire_all()
    erased = db.get(Case, case.id)
    assert erased is not None
    assert (erased.subject, erased.description) == ("[erased]", "")
    bodies = db.scalars(select(CaseMessage.body).where(CaseMessage.case_id == case.id)).all()
    assert bodies == ["", "", ""]
    assert erased.first_responded_at == T0.replace(minute=5)  # statistics keep working
    targets_after = db.scalars(select(CaseTarget).where(CaseTarget.case_id == case.id)).all()
    assert len(targets_after) == len(targets_before) > 0
