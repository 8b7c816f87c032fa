"""The ideas API as its contract reads: shapes, codes, ranking, merge redirect and undo,
and who may link what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.schemas import CaseCreate
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel, Direction
from centricity.interactions.schemas import InteractionCreate
from ideas_data import Shop, feedback_item


@pytest.fixture()
def api(
    app: FastAPI, personas: Any, token_for: Callable[..., dict[str, str]]
) -> dict[str, TestClient]:
    return {
        name: TestClient(app, headers=token_for(getattr(personas, name)))
        for name in ("admin", "alice", "bob", "charlie", "viewer")
    }


def _idea(client: TestClient, title: str) -> int:
    answer = client.post("/api/v1/ideas", json={"title": title, "description": "Asked often"})
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _ask(client: TestClient, idea_id: int, customer_id: int, **fields: Any) -> Any:
    body = {"customer_id": customer_id, **fields}
    return client.post(f"/api/v1/ideas/{idea_id}/requesters", json=body)


def test_it_files_ideas_links_customers_and_ranks_by_value(
    api: dict[str, TestClient], shop: Shop, db: Session, personas: Any
) -> None:
    small = _idea(api["bob"], "Invoices as PDF")
    big = _idea(api["bob"], "Dark mode")
    assert _ask(api["bob"], small, shop.bert.id).status_code == 201
    assert _ask(api["bob"], small, shop.dmitri.id, importance="nice_to_have").status_code == 201
    review = feedback_item(db, shop.anna.id, personas.bob)
    not_hers = feedback_item(db, shop.bert.id, personas.bob)
    wrong = _ask(api["bob"], big, shop.anna.id, feedback_id=not_hers)
    assert wrong.status_code == 422  # another customer's item
    answer = _ask(api["bob"], big, shop.anna.id, importance="dealbreaker", feedback_id=review)
    assert answer.status_code == 201, answer.text
    assert _ask(api["bob"], big, shop.anna.id).status_code == 201  # again: counted once
    listing = api["viewer"].get("/api/v1/ideas?sort=value").json()
    assert listing["total"] == 2
    first, second = listing["items"]
    assert (first["id"], first["title"], first["status"]) == (big, "Dark mode", "under_review")
    assert (first["customers"], first["value"], first["weighted_value"]) == (1, 1000.0, 2000.0)
    assert (second["customers"], second["value"]) == (2, 350.0)
    assert (second["weighted_customers"], second["weighted_value"]) == (1.5, 300.0)
    by_customers = api["viewer"].get("/api/v1/ideas?sort=customers").json()["items"]
    assert [i["id"] for i in by_customers] == [small, big]
    newest = api["viewer"].get("/api/v1/ideas").json()["items"]
    assert [i["id"] for i in newest] == [big, small]
    detail = api["viewer"].get(f"/api/v1/ideas/{big}").json()
    [anna] = detail["requesters"]
    assert (anna["importance"], anna["weight"], anna["value"]) == ("dealbreaker", 2.0, 1000.0)
    assert [r["feedback_id"] for r in anna["requests"]] == [review, None]
    assert detail["weights"] == {"nice_to_have": 0.5, "important": 1.0, "dealbreaker": 2.0}


def test_it_answers_a_merged_idea_with_its_survivor_and_undoes_the_merge(
    api: dict[str, TestClient], shop: Shop
) -> None:
    survivor, duplicate = _idea(api["bob"], "Dark mode"), _idea(api["bob"], "Night theme")
    _ask(api["bob"], survivor, shop.anna.id, importance="nice_to_have")
    _ask(api["bob"], duplicate, shop.anna.id, importance="dealbreaker")
    _ask(api["bob"], duplicate, shop.bert.id)
    path = f"/api/v1/ideas/{duplicate}/merge"
    assert api["bob"].post(path, json={"into_id": survivor}).status_code == 403
    merged = api["alice"].post(path, json={"into_id": survivor})
    assert merged.status_code == 200, merged.text
    assert (merged.json()["id"], merged.json()["customers"]) == (survivor, 2)
    old = api["viewer"].get(f"/api/v1/ideas/{duplicate}").json()
    assert (old["id"], old["merged_into"], old["customers"]) == (survivor, survivor, 2)
    assert old["requesters"][0]["importance"] == "dealbreaker"
    assert api["viewer"].get(f"/api/v1/ideas/{survivor}").json()["merged_into"] is None
    assert [i["id"] for i in api["viewer"].get("/api/v1/ideas").json()["items"]] == [survivor]
    undone = api["alice"].delete(path)
    assert undone.status_code == 200, undone.text
    assert (undone.json()["id"], undone.json()["customers"]) == (duplicate, 2)
    back = api["viewer"].get(f"/api/v1/ideas/{survivor}").json()
    assert [(r["customer_id"], r["importance"]) for r in back["requesters"]] == [
        (shop.anna.id, "nice_to_have")
    ]
    assert api["alice"].delete(path).status_code == 404


def test_it_records_status_changes_and_lets_only_managers_decide(
    api: dict[str, TestClient], shop: Shop
) -> None:
    idea = _idea(api["bob"], "Dark mode")
    assert api["bob"].patch(f"/api/v1/ideas/{idea}", json={"status": "done"}).status_code == 403
    assert api["bob"].patch(f"/api/v1/ideas/{idea}", json={"title": "Dark UI"}).status_code == 200
    answer = api["alice"].patch(f"/api/v1/ideas/{idea}", json={"status": "planned"})
    assert answer.status_code == 200
    [change] = answer.json()["status_history"]
    assert (change["from_status"], change["to_status"]) == ("under_review", "planned")
    assert answer.json()["title"] == "Dark UI"
    bad = api["alice"].patch(f"/api/v1/ideas/{idea}", json={"status": "shipped"})
    assert bad.status_code == 422
    assert api["viewer"].post("/api/v1/ideas", json={"title": "x"}).status_code == 403
    assert api["bob"].post("/api/v1/ideas", json={"title": "  "}).status_code == 422
    assert _ask(api["bob"], idea, 99_999_999).status_code == 404


@pytest.fixture()
def department_a_sources(db: Session, personas: Any, shop: Shop) -> dict[str, int]:
    """A case of department A and a confidential contact of A, both Anna's."""
    case = cases.create(
        db, data=CaseCreate(customer_id=shop.anna.id, subject="Wants dark mode"), actor=personas.bob
    )
    contact = interactions.create(
        db,
        data=InteractionCreate(
            customer_id=shop.anna.id,
            channel=Channel.PHONE,
            direction=Direction.INBOUND,
            note="Asked for dark mode",
            started_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
            confidential=True,
        ),
        actor=personas.bob,
    )
    db.commit()
    return {"case": case.id, "contact": contact.id}


def test_it_links_a_case_or_contact_only_for_who_may_see_it(
    api: dict[str, TestClient], shop: Shop, department_a_sources: dict[str, int]
) -> None:
    idea = _idea(api["bob"], "Dark mode")
    case_id, contact_id = department_a_sources["case"], department_a_sources["contact"]
    assert _ask(api["charlie"], idea, shop.anna.id, case_id=case_id).status_code == 404
    assert _ask(api["charlie"], idea, shop.anna.id, interaction_id=contact_id).status_code == 404
    assert _ask(api["bob"], idea, shop.bert.id, case_id=case_id).status_code == 422  # Anna's
    assert _ask(api["bob"], idea, shop.anna.id, case_id=case_id).status_code == 201
    assert _ask(api["bob"], idea, shop.anna.id, interaction_id=contact_id).status_code == 201
    seen_by_bob = api["bob"].get(f"/api/v1/ideas/{idea}").json()["requesters"][0]["requests"]
    assert [(r["case_id"], r["interaction_id"]) for r in seen_by_bob] == [
        (case_id, None),
        (None, contact_id),
    ]
    seen_by_charlie = api["charlie"].get(f"/api/v1/ideas/{idea}").json()
    assert seen_by_charlie["customers"] == 1  # the count is a company figure
    requests = seen_by_charlie["requesters"][0]["requests"]
    assert [(r["case_id"], r["interaction_id"]) for r in requests] == [(None, None), (None, None)]
    assert [r["source_hidden"] for r in requests] == [True, True]
    assert [r["source_hidden"] for r in seen_by_bob] == [False, False]
