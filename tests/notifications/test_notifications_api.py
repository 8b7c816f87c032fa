"""Notices through the API: yours only, unread counts, read marks, e-mail choices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.cases import breach  # noqa: F401  (registers the SLA notice kinds)
from centricity.notifications import service
from centricity.notifications.models import OutboxMessage


def _notify(db: Session, user: Any, key: str) -> Any:
    notice = service.notify(
        db,
        user=user,
        kind="sla.breach",
        params={
            "case_id": 7,
            "target": {"label": ["target", "first_response"]},
            "priority": {"label": ["priority", "high"]},
            "due_at": {"at": "2026-03-02T10:00:00+00:00"},
        },
        dedupe_key=key,
        link="/cases/7",
    )
    db.commit()
    return notice


def test_it_lists_your_notices_with_titles_and_marks_them_read(
    app: FastAPI, db: Session, personas: Any, token_for: Callable[..., dict[str, str]]
) -> None:
    first = _notify(db, personas.bob, "a")
    _notify(db, personas.bob, "b")
    assert _notify(db, personas.bob, "a") is None  # the same key never notifies twice
    other = _notify(db, personas.charlie, "c")
    bob = TestClient(app, headers=token_for(personas.bob))
    page = bob.get("/api/v1/notifications").json()
    assert page["unread"] == 2 and len(page["items"]) == 2
    assert page["items"][0]["title"] == "Case #7: first response target missed"
    assert bob.post(f"/api/v1/notifications/{first.id}/read").status_code == 204
    assert bob.get("/api/v1/notifications", params={"unread": True}).json()["unread"] == 1
    assert bob.post(f"/api/v1/notifications/{other.id}/read").status_code == 404
    assert bob.post("/api/v1/notifications/read-all").json() == {"read": 1}


def test_it_keeps_each_persons_email_choices(
    app: FastAPI, db: Session, personas: Any, token_for: Callable[..., dict[str, str]]
) -> None:
    bob = TestClient(app, headers=token_for(personas.bob))
    assert bob.get("/api/v1/notifications/settings").json()["email"] == {
        "mail.failing": True,
        "sla.breach": True,
        "sla.warning": True,
        "voice.spike": True,
    }
    chosen = bob.put("/api/v1/notifications/settings", json={"email": {"sla.warning": False}})
    assert chosen.status_code == 200 and chosen.json()["email"]["sla.warning"] is False
    bad = bob.put("/api/v1/notifications/settings", json={"email": {"party": True}})
    assert bad.status_code == 422
    _notify(db, personas.bob, "breach-mail")
    warning = service.notify(
        db, user=personas.bob, kind="sla.warning", params={}, dedupe_key="warn-no-mail"
    )
    db.commit()
    keys = set(db.scalars(select(OutboxMessage.dedupe_key)))
    assert "notice:breach-mail" in keys and "notice:warn-no-mail" not in keys
    assert warning is not None
