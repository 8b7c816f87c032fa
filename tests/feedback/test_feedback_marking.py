"""Marking a contact note or a case message as feedback (API and page buttons): one item
per note however often it is marked, its text and language, unmarking, what may not be
marked, and who may mark."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from feedback_helpers import Arranged
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.feedback import marking
from centricity.feedback.models import FeedbackItem
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel
from centricity.interactions.schemas import InteractionCreate


def _count(db: Session) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(FeedbackItem)) or 0)


def test_marking_a_contact_note_twice_makes_one_item_with_its_text(
    api: dict[str, TestClient], arranged: Arranged, db: Session
) -> None:
    url = f"/api/v1/interactions/{arranged.interaction_id}/feedback"
    first = api["bob"].put(url)
    second = api["alice"].put(url)
    assert first.status_code == second.status_code == 200, first.text
    assert first.json()["id"] == second.json()["id"] and _count(db) == 1
    item = first.json()
    assert (item["source"], item["text"], item["language"]) == (
        "contact", "Kunden är mycket nöjd med den nya tjänsten.", "sv"
    )  # fmt: skip
    assert item["interaction_id"] == item["marked_interaction_id"] == arranged.interaction_id
    assert api["bob"].delete(url).status_code == 204
    assert _count(db) == 0
    assert api["bob"].delete(url).status_code == 204  # unmarking an unmarked note: no-op


def test_marking_a_case_message_links_the_case_and_the_case_shows_it(
    api: dict[str, TestClient], arranged: Arranged, db: Session
) -> None:
    url = f"/api/v1/case-messages/{arranged.message_id}/feedback"
    item = api["bob"].put(url).json()
    assert (item["source"], item["case_id"], item["customer_id"]) == (
        "case", arranged.case_id, arranged.customer_id
    )  # fmt: skip
    assert (
        item["text"] == "Paket kom tre dagar för sent, ingen ringde." and item["language"] == "sv"
    )
    assert api["bob"].put(url).json()["id"] == item["id"] and _count(db) == 1
    on_case = api["bob"].get(f"/api/v1/feedback?case_id={arranged.case_id}").json()
    assert [i["id"] for i in on_case["items"]] == [item["id"]]
    assert api["bob"].delete(url).status_code == 204 and _count(db) == 0


def test_an_internal_note_an_empty_note_and_another_departments_case_cannot_be_marked(
    api: dict[str, TestClient], arranged: Arranged, db: Session, personas: Any
) -> None:
    note = api["bob"].put(f"/api/v1/case-messages/{arranged.note_id}/feedback")
    assert note.status_code == 422 and "internal notes" in note.json()["detail"]
    empty = interactions.create(
        db, data=InteractionCreate(customer_id=arranged.customer_id, channel=Channel.CHAT),
        actor=personas.bob,
    )  # fmt: skip
    db.commit()
    assert api["bob"].put(f"/api/v1/interactions/{empty.id}/feedback").status_code == 422
    other = api["charlie"].put(f"/api/v1/case-messages/{arranged.message_id}/feedback")
    assert other.status_code == 404
    assert (
        api["viewer"].put(f"/api/v1/interactions/{arranged.interaction_id}/feedback").status_code
        == 403
    )
    assert _count(db) == 0


def test_a_marked_confidential_note_stays_inside_its_department(
    api: dict[str, TestClient], arranged: Arranged, db: Session, personas: Any
) -> None:
    secret = interactions.create(
        db,
        data=InteractionCreate(
            customer_id=arranged.customer_id,
            channel=Channel.PHONE,
            note="Complained about the manager, very upset.",
            confidential=True,
        ),
        actor=personas.bob,
    )
    db.commit()
    item = marking.mark_contact(db, interaction_id=secret.id, actor=personas.bob)
    db.commit()
    assert api["alice"].get(f"/api/v1/feedback/{item.id}").status_code == 200
    assert api["charlie"].get(f"/api/v1/feedback/{item.id}").status_code == 404
    listed = api["charlie"].get(f"/api/v1/feedback?customer_id={arranged.customer_id}").json()
    assert listed == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert api["charlie"].put(f"/api/v1/interactions/{secret.id}/feedback").status_code == 404


def test_the_buttons_mark_and_unmark_from_the_customer_and_case_pages(
    browser_for: Callable[..., Any], personas: Any, arranged: Arranged, db: Session
) -> None:
    bob = browser_for(personas.bob)
    customer_page = bob.client.get(f"/customers/{arranged.customer_id}").text
    assert f'action="/feedback/contacts/{arranged.interaction_id}"' in customer_page
    marked = bob.client.post(
        f"/feedback/contacts/{arranged.interaction_id}", data={"csrf_token": bob.csrf}
    )
    assert marked.status_code == 303
    assert marked.headers["location"] == f"/customers/{arranged.customer_id}#timeline"
    assert _count(db) == 1
    page = bob.client.get(f"/customers/{arranged.customer_id}").text
    assert f'action="/feedback/contacts/{arranged.interaction_id}/unmark"' in page
    case_page = bob.client.get(f"/cases/{arranged.case_id}").text
    assert f'action="/feedback/case-messages/{arranged.message_id}"' in case_page
    assert f'action="/feedback/case-messages/{arranged.note_id}"' not in case_page
    answer = bob.client.post(
        f"/feedback/case-messages/{arranged.message_id}", data={"csrf_token": bob.csrf}
    )
    assert answer.headers["location"] == f"/cases/{arranged.case_id}#feedback"
    case_page = bob.client.get(f"/cases/{arranged.case_id}").text
    assert 'id="feedback-h"' in case_page
    assert f'action="/feedback/case-messages/{arranged.message_id}/unmark"' in case_page
    assert "Paket kom tre dagar för sent" in case_page.split('id="feedback-h"')[1]
    for url in (
        f"/feedback/case-messages/{arranged.message_id}/unmark",
        f"/feedback/contacts/{arranged.interaction_id}/unmark",
    ):
        assert bob.client.post(url, data={"csrf_token": bob.csrf}).status_code == 303
    assert _count(db) == 0


def test_the_mark_buttons_refuse_a_form_without_its_csrf_token_and_viewers(
    browser_for: Callable[..., Any], personas: Any, arranged: Arranged, db: Session
) -> None:
    bob = browser_for(personas.bob)
    forged = bob.client.post(f"/feedback/contacts/{arranged.interaction_id}", data={})
    assert forged.status_code == 403
    viewer = browser_for(personas.viewer)
    page = viewer.client.get(f"/customers/{arranged.customer_id}").text
    assert "/feedback/contacts/" not in page
    answer = viewer.client.post(
        f"/feedback/contacts/{arranged.interaction_id}", data={"csrf_token": viewer.csrf}
    )
    assert answer.status_code == 403 and _count(db) == 0


def test_a_mark_that_loses_a_race_returns_the_winners_item(
    arranged: Arranged, db: Session, personas: Any, monkeypatch: Any
) -> None:
    winner = marking.mark_contact(db, interaction_id=arranged.interaction_id, actor=personas.bob)
    db.commit()
    found = marking._marked
    calls: list[int] = []

    def late(session: Session, column: str, record_id: int) -> FeedbackItem | None:
        calls.append(record_id)  # the first look happens before the winner committed
        return None if len(calls) == 1 else found(session, column, record_id)

    monkeypatch.setattr(marking, "_marked", late)
    loser = marking.mark_contact(db, interaction_id=arranged.interaction_id, actor=personas.alice)
    db.commit()
    assert loser.id == winner.id and len(calls) == 2 and _count(db) == 1
