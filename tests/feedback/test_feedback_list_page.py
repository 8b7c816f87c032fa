"""The feedback list page: every item the viewer may see (an item about another
department's case stays hidden), newest first, filtered by source, language, score band or
range, customer and period, the customers' words escaped, paged."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from feedback_helpers import Arranged
from sqlalchemy.orm import Session

from centricity.feedback import service
from centricity.feedback.schemas import FeedbackCreate

SWEDISH = "Leveransen var sen."
POLISH = "Świetna obsługa!"
HOSTILE = "<script>alert(1)</script> Skvělé"


def _items(db: Session, personas: Any, arranged: Arranged) -> None:
    bob = personas.bob
    for data in (
        FeedbackCreate(
            customer_id=arranged.customer_id, source="review", score=Decimal(2), scale="stars",
            text=SWEDISH, language="sv", received_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
            order_id=arranged.order_id,
        ),
        FeedbackCreate(
            customer_id=arranged.customer_id, source="survey", score=Decimal(10), scale="nps",
            text=POLISH, language="pl", received_at=datetime(2026, 4, 1, 10, tzinfo=UTC),
            case_id=arranged.case_id,  # department A's case: Charlie may not see it
        ),
        FeedbackCreate(
            customer_id=arranged.other_customer_id, source="email", score=Decimal(5),
            scale="csat", text=HOSTILE, language="cs",
            received_at=datetime(2026, 5, 1, 10, tzinfo=UTC),
        ),
    ):  # fmt: skip
        service.create(db, data=data, actor=bob)
    db.commit()


def _shown(browser: Any, query: str = "") -> set[str]:
    page = browser.client.get(f"/feedback{query}")
    assert page.status_code == 200
    return {text for text in (SWEDISH, POLISH, "Skvělé") if text in page.text}


def test_it_lists_what_each_viewer_may_see_newest_first_and_escaped(
    db: Session, personas: Any, arranged: Arranged, browser_for: Any
) -> None:
    _items(db, personas, arranged)
    bob, charlie = browser_for(personas.bob), browser_for(personas.charlie)
    page = bob.client.get("/feedback").text
    assert page.index("Skvělé") < page.index(POLISH) < page.index(SWEDISH)  # newest first
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert f'href="/customers/{arranged.customer_id}"' in page and "Olof Berg" in page
    assert f'href="/cases/{arranged.case_id}"' in page
    assert 'lang="pl"' in page and "/ideas/add?feedback_id=" in page
    assert _shown(charlie) == {SWEDISH, "Skvělé"}  # the item about A's case is hidden
    viewer = browser_for(personas.viewer).client.get("/feedback").text
    assert POLISH in viewer and "/ideas/add?feedback_id=" not in viewer  # no action
    assert '<a href="/feedback"' in viewer  # in the navigation


def test_it_filters_by_source_language_score_customer_and_period(
    db: Session, personas: Any, arranged: Arranged, browser_for: Any
) -> None:
    _items(db, personas, arranged)
    bob = browser_for(personas.bob)
    assert _shown(bob, "?source=review") == {SWEDISH}
    assert _shown(bob, "?language=pl") == {POLISH}
    assert _shown(bob, "?band=unhappy") == {SWEDISH}  # 2 stars
    assert _shown(bob, "?band=happy") == {POLISH, "Skvělé"}  # NPS 10, CSAT 5
    assert _shown(bob, "?scale=nps&min=9&max=10") == {POLISH}
    assert _shown(bob, "?scale=stars&max=1.5") == set()
    assert _shown(bob, "?customer=olof@example.se") == {SWEDISH, POLISH}
    assert _shown(bob, "?customer=Olof") == {SWEDISH, POLISH}
    assert _shown(bob, "?from=2026-04-15") == {"Skvělé"}
    assert _shown(bob, "?to=2026-03-31") == {SWEDISH}
    assert _shown(bob, "?band=nonsense&from=soon&min=x") == {SWEDISH, POLISH, "Skvělé"}
    second = bob.client.get("/feedback?offset=2").text
    assert SWEDISH in second and POLISH not in second and "offset=0" in second
