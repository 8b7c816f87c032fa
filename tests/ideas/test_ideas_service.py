"""The idea board's rules: demand ranked with hand-worked figures, a customer counted once,
merges counted once and undone exactly, status history."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.ideas import merges, requesters, service
from centricity.ideas.models import Idea, IdeaRequest, IdeaRequester
from centricity.ideas.schemas import IdeaCreate, IdeaSort, IdeaUpdate, RequesterCreate
from centricity.kit.errors import Conflict, Invalid, PermissionDenied
from ideas_data import Shop


def _idea(db: Session, actor: Any, title: str) -> Idea:
    return service.create(db, data=IdeaCreate(title=title), actor=actor)


def _ask(db: Session, actor: Any, idea: Idea, customer_id: int, importance: str = "important"):
    data = RequesterCreate(customer_id=customer_id, importance=importance)
    return requesters.add(db, idea=idea, data=data, actor=actor)


def _board(db: Session, personas: Any, shop: Shop) -> tuple[Idea, Idea, Idea]:
    """X: Anna important, Bert nice then dealbreaker → 2 customers, 1000 + 250 = 1250,
    weighted 1 + 2 = 3 customers and 1000·1 + 250·2 = 1500.
    Y: Bert nice, Cecilie important → 2, 250 + 0 = 250, weighted 1.5 and 125.
    Z: Bert important, Cecilie nice, Dmitri dealbreaker → 3, 250 + 0 + 100 = 350,
    weighted 1 + 0.5 + 2 = 3.5 and 250 + 0 + 200 = 450."""
    bob = personas.bob
    x, y, z = (_idea(db, bob, t) for t in ("Dark mode", "Invoices as PDF", "Mobile app"))
    _ask(db, bob, x, shop.anna.id)
    _ask(db, bob, x, shop.bert.id, "nice_to_have")
    _ask(db, bob, x, shop.bert.id, "dealbreaker")
    _ask(db, bob, y, shop.bert.id, "nice_to_have")
    _ask(db, bob, y, shop.cecilie.id)
    _ask(db, bob, z, shop.bert.id)
    _ask(db, bob, z, shop.cecilie.id, "nice_to_have")
    _ask(db, bob, z, shop.dmitri.id, "dealbreaker")
    return x, y, z


def _figures(
    db: Session, personas: Any, sort: IdeaSort
) -> list[tuple[str, int, float, float, float]]:
    page = service.list(db, actor=personas.viewer, sort=sort)
    return [
        (i.title, d.customers, d.value, d.weighted_customers, d.weighted_value)
        for i, d in page.items
    ]


def test_it_ranks_ideas_by_value_and_by_customers_with_hand_worked_figures(
    db: Session, personas: Any, shop: Shop
) -> None:
    _board(db, personas, shop)
    assert _figures(db, personas, IdeaSort.VALUE) == [
        ("Dark mode", 2, 1250.0, 3.0, 1500.0),
        ("Mobile app", 3, 350.0, 3.5, 450.0),
        ("Invoices as PDF", 2, 250.0, 1.5, 125.0),
    ]
    by_customers = [row[0] for row in _figures(db, personas, IdeaSort.CUSTOMERS)]
    assert by_customers == ["Mobile app", "Dark mode", "Invoices as PDF"]
    newest = [row[0] for row in _figures(db, personas, IdeaSort.NEWEST)]
    assert newest == ["Mobile app", "Invoices as PDF", "Dark mode"]


def test_it_counts_a_customer_once_with_the_highest_importance_and_every_source(
    db: Session, personas: Any, shop: Shop
) -> None:
    idea = _idea(db, personas.bob, "Dark mode")
    for importance in ("important", "dealbreaker", "nice_to_have"):
        _ask(db, personas.bob, idea, shop.anna.id, importance)
    [requester] = db.scalars(select(IdeaRequester).where(IdeaRequester.idea_id == idea.id))
    assert requester.importance == "dealbreaker"
    requests = db.scalars(select(IdeaRequest).where(IdeaRequest.requester_id == requester.id))
    assert sorted(r.importance for r in requests) == ["dealbreaker", "important", "nice_to_have"]
    assert service.demand_of(db, idea).customers == 1


def _state(db: Session, *ideas: Idea) -> dict[int, list[tuple[int, str, list[int]]]]:
    """Each idea's requesters: (customer, importance, request ids)."""
    found: dict[int, list[tuple[int, str, list[int]]]] = {}
    for idea in ideas:
        rows = db.scalars(
            select(IdeaRequester)
            .where(IdeaRequester.idea_id == idea.id)
            .order_by(IdeaRequester.customer_id)
        )
        found[idea.id] = [
            (
                r.customer_id,
                r.importance,
                sorted(db.scalars(select(IdeaRequest.id).where(IdeaRequest.requester_id == r.id))),
            )
            for r in rows
        ]
    return found


def test_it_merges_a_customer_on_both_ideas_once_with_the_higher_importance(
    db: Session, personas: Any, shop: Shop
) -> None:
    x, y, _z = _board(db, personas, shop)
    merges.merge(db, duplicate=y, survivor=x, actor=personas.alice)
    after = _state(db, x)[x.id]
    assert [(c, imp) for c, imp, _ in after] == [
        (shop.anna.id, "important"),
        (shop.bert.id, "dealbreaker"),  # dealbreaker on X beats nice to have on Y
        (shop.cecilie.id, "important"),
    ]
    bert_requests = after[1][2]
    assert len(bert_requests) == 3  # both asks on X and the one on Y: every source kept
    assert service.demand_of(db, x).customers == 3
    assert service.demand_of(db, x).value == 1250.0
    assert y.merged_into_id == x.id
    assert [i.title for i, _ in service.list(db, actor=personas.viewer).items].count(y.title) == 0


def test_it_undoes_a_merge_exactly_also_after_new_requesters_joined_the_survivor(
    db: Session, personas: Any, shop: Shop
) -> None:
    x, y, z = _board(db, personas, shop)
    before = _state(db, x, y)
    merges.merge(db, duplicate=y, survivor=x, actor=personas.alice)
    _ask(db, personas.bob, x, shop.dmitri.id, "nice_to_have")  # a new requester meanwhile
    _ask(db, personas.bob, x, shop.cecilie.id, "dealbreaker")  # and Cecilie again, on X
    merges.undo(db, duplicate=y, actor=personas.alice)
    after = _state(db, x, y)
    assert after[y.id] == before[y.id]
    new_on_x = [row for row in after[x.id] if row not in before[x.id]]
    assert [(c, imp) for c, imp, _ in new_on_x] == [
        (shop.cecilie.id, "dealbreaker"),
        (shop.dmitri.id, "nice_to_have"),
    ]
    assert [row for row in after[x.id] if row in before[x.id]] == before[x.id]
    assert y.merged_into_id is None
    with pytest.raises(Exception):  # noqa: B017  (not merged any more: 404)
        merges.undo(db, duplicate=y, actor=personas.alice)
    assert z.merged_into_id is None


def test_it_refuses_merging_into_itself_into_a_merged_idea_and_by_agents(
    db: Session, personas: Any, shop: Shop
) -> None:
    x, y, z = _board(db, personas, shop)
    with pytest.raises(Invalid):
        merges.merge(db, duplicate=x, survivor=x, actor=personas.alice)
    with pytest.raises(PermissionDenied):
        merges.merge(db, duplicate=y, survivor=x, actor=personas.bob)
    merges.merge(db, duplicate=y, survivor=x, actor=personas.alice)
    with pytest.raises(Conflict):
        merges.merge(db, duplicate=z, survivor=y, actor=personas.alice)
    with pytest.raises(Conflict):
        _ask(db, personas.bob, y, shop.anna.id)
    merges.merge(db, duplicate=x, survivor=z, actor=personas.alice)
    with pytest.raises(Conflict):  # X was merged on since: undo that first
        merges.undo(db, duplicate=y, actor=personas.alice)
    assert service.survivor_of(db, y).id == z.id


def test_it_records_each_status_change_and_only_managers_make_them(
    db: Session, personas: Any, shop: Shop
) -> None:
    idea = _idea(db, personas.bob, "Dark mode")
    with pytest.raises(PermissionDenied):
        service.update(db, idea=idea, data=IdeaUpdate(status="planned"), actor=personas.bob)
    for status in ("planned", "done", "planned"):
        service.update(db, idea=idea, data=IdeaUpdate(status=status), actor=personas.alice)
    history = service.status_history(db, idea)
    assert [(c.from_status, c.to_status) for c in history] == [
        ("under_review", "planned"),
        ("planned", "done"),
        ("done", "planned"),
    ]
    assert {c.changed_by_user_id for c in history} == {personas.alice.id}
    assert idea.status == "planned"
