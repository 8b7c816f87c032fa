"""Adding a customer's request to an idea from the case page, the customer 360 page and
the feedback list: the customer comes from the source, the request keeps it, viewers get
no form, and another department's case (or an item about it) links nobody."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.schemas import CaseCreate
from centricity.feedback import service as feedback
from centricity.feedback.schemas import FeedbackCreate
from centricity.ideas import attach
from centricity.ideas import service as ideas
from centricity.ideas.models import IdeaRequest, IdeaRequester
from centricity.ideas.schemas import IdeaCreate
from centricity.kit.errors import NotFound
from ideas_data import Shop


@dataclass
class Heard:
    """Department A's case of Anna, a review of hers about it, and an open idea."""

    case_id: int
    feedback_id: int
    idea_id: int


def _heard(db: Session, personas: Any, shop: Shop) -> Heard:
    bob = personas.bob
    case = cases.create(
        db, data=CaseCreate(customer_id=shop.anna.id, subject="Dark screens"), actor=bob
    )
    item = feedback.create(
        db,
        data=FeedbackCreate(
            customer_id=shop.anna.id, source="review", score=Decimal(2), scale="stars",
            text="Jag vill ha mörkt läge.", case_id=case.id,
        ),
        actor=bob,
    )  # fmt: skip
    idea = ideas.create(db, data=IdeaCreate(title="Dark mode"), actor=bob)
    db.commit()
    return Heard(case_id=case.id, feedback_id=item.id, idea_id=idea.id)


def _post(browser: Any, data: dict[str, Any]) -> Any:
    return browser.client.post("/ideas/add", data={"csrf_token": browser.csrf, **data})


def _requests(db: Session) -> list[IdeaRequest]:
    db.expire_all()
    return list(db.scalars(select(IdeaRequest).order_by(IdeaRequest.id)))


def test_it_adds_from_the_case_page_to_a_new_idea_and_goes_back(
    db: Session, personas: Any, shop: Shop, browser_for: Any
) -> None:
    heard = _heard(db, personas, shop)
    bob = browser_for(personas.bob)
    page = bob.client.get(f"/cases/{heard.case_id}").text
    assert 'action="/ideas/add"' in page and f'name="case_id" value="{heard.case_id}"' in page
    assert "Dark mode" in page  # the open ideas to choose from
    viewer_page = browser_for(personas.viewer).client.get(f"/cases/{heard.case_id}").text
    assert 'action="/ideas/add"' not in viewer_page
    answer = _post(
        bob,
        {
            "case_id": heard.case_id,
            "title": "Offline mode",
            "importance": "dealbreaker",
            "next": f"/cases/{heard.case_id}#ideas",
        },
    )
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        f"/cases/{heard.case_id}#ideas",
    )
    [request] = _requests(db)
    assert (request.case_id, request.importance) == (heard.case_id, "dealbreaker")
    requester = db.get(IdeaRequester, request.requester_id)
    assert requester is not None and requester.customer_id == shop.anna.id
    assert "Offline mode" in bob.client.get(f"/cases/{heard.case_id}").text


def test_it_adds_from_the_360_page_and_the_feedback_list(
    db: Session, personas: Any, shop: Shop, browser_for: Any
) -> None:
    heard = _heard(db, personas, shop)
    bob = browser_for(personas.bob)
    page = bob.client.get(f"/customers/{shop.bert.id}").text
    assert f'name="customer_id" value="{shop.bert.id}"' in page
    assert (
        'action="/ideas/add"'
        not in browser_for(personas.viewer).client.get(f"/customers/{shop.bert.id}").text
    )
    added = _post(
        bob,
        {
            "customer_id": shop.bert.id,
            "idea_id": heard.idea_id,
            "next": f"/customers/{shop.bert.id}#ideas",
        },
    )
    assert added.status_code == 303
    assert "Dark mode" in bob.client.get(f"/customers/{shop.bert.id}").text
    form = bob.client.get(f"/ideas/add?feedback_id={heard.feedback_id}")
    assert form.status_code == 200 and "Jag vill ha mörkt läge." in form.text
    from_item = _post(bob, {"feedback_id": heard.feedback_id, "idea_id": heard.idea_id})
    assert from_item.status_code == 303
    last = _requests(db)[-1]
    assert (last.feedback_id, last.case_id) == (heard.feedback_id, None)
    requester = db.get(IdeaRequester, last.requester_id)
    assert requester is not None and requester.customer_id == shop.anna.id  # the item's
    nothing = _post(bob, {"customer_id": shop.bert.id})
    assert nothing.status_code == 422 and "Choose an idea" in nothing.text


def test_another_department_links_nobody_from_a_case_or_an_item_it_cannot_see(
    db: Session, personas: Any, shop: Shop, browser_for: Any, token_for: Any, anon: Any
) -> None:
    heard = _heard(db, personas, shop)
    charlie = browser_for(personas.charlie)
    by_case = _post(charlie, {"case_id": heard.case_id, "idea_id": heard.idea_id})
    assert by_case.status_code == 404
    by_item = _post(charlie, {"feedback_id": heard.feedback_id, "idea_id": heard.idea_id})
    assert by_item.status_code == 404
    assert charlie.client.get(f"/ideas/add?feedback_id={heard.feedback_id}").status_code == 404
    api = anon.post(
        f"/api/v1/ideas/{heard.idea_id}/requesters",
        json={"customer_id": shop.anna.id, "feedback_id": heard.feedback_id},
        headers=token_for(personas.charlie),
    )
    assert api.status_code == 404  # the item is about a case Charlie may not see
    viewer = browser_for(personas.viewer)
    assert _post(viewer, {"case_id": heard.case_id, "idea_id": heard.idea_id}).status_code == 403
    assert db.scalar(select(func.count()).select_from(IdeaRequest)) == 0


def test_the_source_is_resolved_through_the_actors_visibility(
    db: Session, personas: Any, shop: Shop
) -> None:
    heard = _heard(db, personas, shop)
    found = attach.source(db, actor=personas.bob, feedback_id=heard.feedback_id)
    assert (found.customer.id, found.feedback_id) == (shop.anna.id, heard.feedback_id)
    for hidden in ({"case_id": heard.case_id}, {"feedback_id": heard.feedback_id}):
        with pytest.raises(NotFound):  # department A's case, and the item about it
            attach.source(db, actor=personas.charlie, **hidden)
