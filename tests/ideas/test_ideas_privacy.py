"""A customer's idea requests are theirs: export lists them with their sources, erasure
removes the links (the ideas stay and no longer count the person)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.ideas import merges, requesters, service
from centricity.ideas.models import Idea, IdeaMergeMove, IdeaRequest, IdeaRequester
from centricity.ideas.schemas import IdeaCreate, RequesterCreate
from centricity.privacy.service import erase_person, export_person
from ideas_data import Shop, feedback_item


def _asked(db: Session, personas: Any, shop: Shop) -> tuple[Idea, Idea]:
    idea = service.create(db, data=IdeaCreate(title="Dark mode"), actor=personas.bob)
    twin = service.create(db, data=IdeaCreate(title="Night theme"), actor=personas.bob)
    first, second = (feedback_item(db, shop.anna.id, personas.bob, text) for text in "AB")
    for target, customer_id, feedback_id in (
        (idea, shop.anna.id, first),
        (idea, shop.bert.id, None),
        (twin, shop.anna.id, second),
    ):
        data = RequesterCreate(customer_id=customer_id, feedback_id=feedback_id)
        requesters.add(db, idea=target, data=data, actor=personas.bob)
    return idea, twin


def test_it_exports_a_customers_requests_with_their_sources(
    db: Session, personas: Any, shop: Shop
) -> None:
    idea, twin = _asked(db, personas, shop)
    data = export_person(db, email="anna@example.se", actor_label="test")["data"]
    assert sorted(r["idea_id"] for r in data["idea_requesters"]) == sorted([idea.id, twin.id])
    assert {r["customer_id"] for r in data["idea_requesters"]} == {shop.anna.id}
    found = sorted(r["feedback_id"] for r in data["idea_requests"])
    assert len(found) == 2 and None not in found


def test_it_erases_the_links_keeps_the_ideas_and_an_undo_still_works(
    db: Session, personas: Any, shop: Shop
) -> None:
    idea, twin = _asked(db, personas, shop)
    merges.merge(db, duplicate=twin, survivor=idea, actor=personas.alice)
    report = erase_person(db, email="anna@example.se", actor_label="test")
    assert report.changed["idea_requesters"] == 1  # her one row on the survivor, both asks
    assert db.scalars(select(IdeaRequester.customer_id)).all() == [shop.bert.id]
    assert len(db.scalars(select(IdeaRequest.id)).all()) == 1
    assert db.scalars(select(IdeaMergeMove.id)).all() == []
    assert db.get(Idea, idea.id) is not None and db.get(Idea, twin.id) is not None
    assert service.demand_of(db, idea).customers == 1
    merges.undo(db, duplicate=twin, actor=personas.alice)
    assert service.demand_of(db, twin).customers == 0
    assert service.demand_of(db, idea).value == 250.0
