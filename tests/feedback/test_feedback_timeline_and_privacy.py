"""Feedback on the customer 360 timeline (score, scale, source, the text untranslated in
its language), through `record` for system callers, and in a person's export and erasure:
the score stays for the figures, the person goes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from feedback_helpers import Arranged
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers import timeline
from centricity.feedback import marking, service
from centricity.feedback import timeline as _timeline  # noqa: F401  (registers the source)
from centricity.feedback.models import FeedbackItem
from centricity.kit.errors import Invalid
from centricity.privacy import service as privacy

AT = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
WORDS = "Доставка пришла вовремя, курьер позвонил заранее."


def _recorded(db: Session, arranged: Arranged, **fields: Any) -> FeedbackItem:
    values: dict[str, Any] = {
        "customer_id": arranged.customer_id,
        "source": "survey",
        "score": Decimal(9),
        "scale": "nps",
        "text": WORDS,
        "language": None,
        "received_at": AT,
        "case_id": arranged.case_id,
        "survey_response_id": 77,
    }
    item = service.record(db, **(values | fields))
    db.commit()
    return item


def test_record_stores_a_system_callers_answer_by_the_same_rules(
    db: Session, arranged: Arranged
) -> None:
    item = _recorded(db, arranged)
    assert (item.language, item.survey_response_id, item.recorded_by_user_id) == ("ru", 77, None)
    with pytest.raises(Invalid) as off_scale:
        _recorded(db, arranged, score=Decimal(8), scale="csat")
    assert off_scale.value.field == "score"
    with pytest.raises(Invalid) as foreign:
        _recorded(db, arranged, customer_id=arranged.other_customer_id)
    assert foreign.value.field == "case_id"
    with pytest.raises(Invalid) as source:
        _recorded(db, arranged, source="Survey")
    assert source.value.field == "source"


def test_the_timeline_shows_score_scale_source_and_the_words_in_their_language(
    db: Session, arranged: Arranged, personas: Any, browser_for: Callable[..., Any]
) -> None:
    item = _recorded(db, arranged)
    customer = customers.get(db, arranged.customer_id, actor=personas.bob)
    [entry] = [i for i in timeline.build(db, customer=customer, actor=personas.bob).items
               if i.kind == "feedback"]  # fmt: skip
    assert (entry.id, entry.at, entry.score, entry.scale, entry.source, entry.language) == (
        item.id, AT, 9.0, "nps", "survey", "ru"
    )  # fmt: skip
    assert entry.detail == WORDS
    # Charlie sees no case of department A, so nor the answer about it.
    others = timeline.build(db, customer=customer, actor=personas.charlie).items
    assert [i for i in others if i.kind == "feedback"] == []
    page = browser_for(personas.bob).client.get(f"/customers/{arranged.customer_id}").text
    assert f'<p class="note" translate="no" lang="ru">{WORDS}</p>' in page
    assert 'class="score">9</span> (NPS 0–10)' in page


def test_the_timeline_and_the_case_page_escape_the_customers_words(
    db: Session, arranged: Arranged, personas: Any, browser_for: Callable[..., Any]
) -> None:
    _recorded(db, arranged, text="<script>alert(1)</script> is what I typed", score=None,
              scale=None)  # fmt: skip
    bob = browser_for(personas.bob)
    for url in (f"/customers/{arranged.customer_id}", f"/cases/{arranged.case_id}"):
        page = bob.client.get(url).text
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; is what I typed" in page


def test_export_finds_the_items_and_erasure_keeps_the_score_without_the_person(
    db: Session, arranged: Arranged, personas: Any
) -> None:
    item = _recorded(db, arranged)
    marked = marking.mark_contact(db, interaction_id=arranged.interaction_id, actor=personas.bob)
    db.commit()
    exported = privacy.export_person(db, email="olof@example.se", actor_label="test")
    rows = exported["data"]["feedback_items"]
    assert {r["id"] for r in rows} == {item.id, marked.id}
    assert WORDS in json.dumps(rows, ensure_ascii=False)
    report = privacy.erase_person(db, email="olof@example.se", actor_label="test")
    assert report.changed["feedback_items"] >= 1
    db.expire_all()
    kept = list(db.scalars(select(FeedbackItem).where(FeedbackItem.score.is_not(None))))
    assert [(k.score, k.scale, k.source, k.language, k.received_at) for k in kept] == [
        (Decimal(9), "nps", "survey", "ru", AT)
    ]
    [erased] = kept
    assert (erased.customer_id, erased.text, erased.case_id, erased.external_id) == (
        None, "", None, None
    )  # fmt: skip
    assert db.scalar(select(FeedbackItem.id).where(FeedbackItem.text != "")) is None
    again = privacy.export_person(db, email="olof@example.se", actor_label="test")
    assert again["data"].get("feedback_items", []) == []
