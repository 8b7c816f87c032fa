"""The follow-up record is about a person: export finds it, erasure empties staff's note
about the customer and keeps the outcome and times in the figures."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.privacy import service as privacy
from centricity.surveys.loop.models import FollowUp
from closed_loop_helpers import cause_id, unhappy_task


def test_it_exports_and_erases_the_follow_up_note(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    task, _ = unhappy_task(
        db,
        anon,
        token_for(personas.alice),
        department_id=personas.bob.department_id,
        email="jana@example.cz",
    )
    body = {"outcome": "not_reached", "root_cause_id": cause_id(db), "note": "Jana je v nemocnici"}
    bob = token_for(personas.bob)
    closed = anon.post(f"/api/v1/follow-ups/{task}/close", json=body, headers=bob)
    assert closed.status_code == 200
    exported = privacy.export_person(db, email="jana@example.cz", actor_label="test")
    rows = exported["data"]["follow_ups"]
    assert [(row["case_id"], row["note"], row["outcome"]) for row in rows] == [
        (task, "Jana je v nemocnici", "not_reached")
    ]
    privacy.erase_person(db, email="jana@example.cz", actor_label="test")
    db.commit()
    db.expire_all()
    record = db.scalars(select(FollowUp).where(FollowUp.case_id == task)).one()
    assert record.note is None
    assert record.outcome == "not_reached" and record.first_closed_at is not None
