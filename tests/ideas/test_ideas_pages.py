"""Idea pages, HTML first: file an idea, link customers, rank, change the status, merge
(the old page redirects) and undo, each a plain form with CSRF that answers 303."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.ideas.models import Idea, IdeaRequester
from ideas_data import Shop


def _post(browser: Any, url: str, data: dict[str, Any]) -> Any:
    return browser.client.post(url, data={"csrf_token": browser.csrf, **data})


def _file(browser: Any, title: str) -> int:
    answer = _post(browser, "/ideas/new", {"title": title, "description": "Often asked"})
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/ideas/(\d+)", answer.headers["location"])
    assert found is not None
    return int(found.group(1))


def test_it_files_an_idea_links_customers_and_ranks_the_board(
    browser_for: Callable[..., Any], personas: Any, shop: Shop, db: Session
) -> None:
    bob = browser_for(personas.bob)
    assert bob.client.get("/ideas/new").status_code == 200
    refused = _post(bob, "/ideas/new", {"title": " "})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    small, big = _file(bob, "Invoices as PDF"), _file(bob, "Dark mode")
    for customer, importance in ((shop.bert, "important"), (shop.dmitri, "nice_to_have")):
        linked = _post(
            bob,
            f"/ideas/{small}/requesters",
            {"customer": str(customer.id), "importance": importance},
        )
        assert linked.status_code == 303
    by_email = _post(bob, f"/ideas/{big}/requesters", {"customer": "ANNA@example.se"})
    assert by_email.headers["location"] == f"/ideas/{big}#requesters"
    nobody = _post(bob, f"/ideas/{big}/requesters", {"customer": "nobody@example.com"})
    assert nobody.status_code == 422 and 'id="e-customer"' in nobody.text
    board = bob.client.get("/ideas?sort=value").text
    assert board.index("Dark mode") < board.index("Invoices as PDF")
    assert "1,000.00" in board and "350.00" in board
    by_customers = bob.client.get("/ideas?sort=customers").text
    assert by_customers.index("Invoices as PDF") < by_customers.index("Dark mode")
    page = bob.client.get(f"/ideas/{big}").text
    assert "Anna Svensson" in page and 'translate="no"' in page
    assert db.scalar(select(func.count()).select_from(IdeaRequester)) == 3


def test_it_changes_the_status_merges_redirects_and_undoes_from_the_pages(
    browser_for: Callable[..., Any], personas: Any, shop: Shop, db: Session
) -> None:
    bob, alice = browser_for(personas.bob), browser_for(personas.alice)
    survivor, duplicate = _file(bob, "Dark mode"), _file(bob, "Night theme")
    _post(bob, f"/ideas/{duplicate}/requesters", {"customer": str(shop.anna.id)})
    assert _post(bob, f"/ideas/{survivor}/status", {"status": "planned"}).status_code == 403
    changed = _post(alice, f"/ideas/{survivor}/status", {"status": "planned"})
    assert changed.status_code == 303
    assert "planned" in alice.client.get(f"/ideas/{survivor}").text
    merged = _post(alice, f"/ideas/{duplicate}/merge", {"into_id": f"#{survivor}"})
    assert (merged.status_code, merged.headers["location"]) == (303, f"/ideas/{survivor}")
    old = bob.client.get(f"/ideas/{duplicate}")
    assert (old.status_code, old.headers["location"]) == (303, f"/ideas/{survivor}")
    page = alice.client.get(f"/ideas/{survivor}").text
    assert f'action="/ideas/{duplicate}/unmerge"' in page and "Anna Svensson" in page
    undone = _post(alice, f"/ideas/{duplicate}/unmerge", {})
    assert (undone.status_code, undone.headers["location"]) == (303, f"/ideas/{duplicate}")
    assert bob.client.get(f"/ideas/{duplicate}").status_code == 200
    itself = _post(alice, f"/ideas/{survivor}/merge", {"into_id": str(survivor)})
    assert itself.status_code == 422
    assert db.get(Idea, duplicate).merged_into_id is None  # type: ignore[union-attr]


def test_it_refuses_a_form_without_its_csrf_token_and_viewers_writing(
    browser_for: Callable[..., Any], personas: Any, shop: Shop
) -> None:
    bob, vera = browser_for(personas.bob), browser_for(personas.viewer)
    idea = _file(bob, "Dark mode")
    forged = bob.client.post(f"/ideas/{idea}/requesters", data={"customer": str(shop.anna.id)})
    assert forged.status_code == 403
    assert vera.client.get("/ideas").status_code == 200
    assert "File an idea" not in vera.client.get("/ideas").text
    assert _post(vera, f"/ideas/{idea}/requesters", {"customer": "1"}).status_code == 403
    assert vera.client.get("/ideas/new").status_code == 403
