"""The themes' example quotes, found for every theme together (`analysis.examples`), are
the ones the per-theme search finds: the newest item the viewer may see in each ranked
language, then the theme's newest others; also when the first candidates are hidden from
the viewer and the search has to read on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases import service as cases
from centricity.cases.schemas import CaseCreate
from centricity.customers.models import Customer
from centricity.feedback import service as feedback
from centricity.feedback.analysis import examples
from centricity.feedback.analysis.models import Theme
from centricity.feedback.models import FeedbackItem

LANGUAGES = ("cs", "en", "pl", None)


def _reference(
    session: Session, theme_id: int, actor: User, language: str | None, languages: list[str]
) -> list[int]:
    """The per-theme search the Voice page made before: one query per language with the
    viewer's rule, newest first, then the newest others."""
    ranked = examples.ranked_languages(language, languages)
    visible = feedback.visible_items(actor).where(
        FeedbackItem.theme_id == theme_id, FeedbackItem.text != ""
    )
    newest = visible.order_by(FeedbackItem.received_at.desc(), FeedbackItem.id.desc())
    chosen: list[int] = []
    for code in ranked:
        condition = (
            FeedbackItem.language.is_(None) if code == "und" else FeedbackItem.language == code
        )
        found = session.scalar(newest.where(condition).limit(1))
        if found is not None:
            chosen.append(found.id)
        if len(chosen) == examples.EXAMPLES:
            break
    if len(chosen) < examples.EXAMPLES:
        more = newest.where(FeedbackItem.id.not_in(chosen)) if chosen else newest
        chosen.extend(item.id for item in session.scalars(more.limit(3 - len(chosen))))
    return chosen


@pytest.fixture()
def themed(db: Session, personas: Any) -> dict[int, list[str]]:
    """Three themes; in each, items in three languages and none, the newest of every
    language about a case of department A (hidden from Charlie), one theme with no words."""
    customer = Customer(name="Zákazník", email="z@example.cz", preferred_language="cs")
    db.add(customer)
    db.flush()
    case_id = cases.create(
        db,
        data=CaseCreate(
            customer_id=customer.id, subject="Stížnost", department_id=personas.bob.department_id
        ),
        actor=personas.bob,
    ).id
    themes = [Theme(label=f"theme {k}", labels={}, keywords=[]) for k in range(3)]
    db.add_all(themes)
    db.flush()
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for k in range(120):
        theme = themes[k % 3]
        db.add(
            FeedbackItem(
                customer_id=customer.id,
                source="review",
                text="" if theme is themes[2] and k % 2 else f"slovo {k}",
                language=LANGUAGES[k % 4],
                received_at=start + timedelta(hours=k // 5),  # ties broken by id
                case_id=case_id if k >= 90 else None,
                theme_id=theme.id,
            )
        )
    db.flush()
    return {theme.id: ["en", "cs", "und", "pl"] for theme in themes}


@pytest.mark.parametrize("language", [None, "cs", "en", "sv"])
@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_it_finds_the_examples_the_per_theme_search_finds(
    db: Session, personas: Any, themed: dict[int, list[str]], language: str | None, who: str
) -> None:
    actor = getattr(personas, who)
    found = examples.examples_of(db, themed, actor=actor, language=language)
    for theme_id, languages in themed.items():
        expected = _reference(db, theme_id, actor, language, languages)
        assert [quote.id for quote in found[theme_id]] == expected


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_it_reads_on_when_the_first_candidates_are_hidden(
    db: Session,
    personas: Any,
    themed: dict[int, list[str]],
    who: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Tiny steps make Charlie's search pass the hidden newest items step by step.
    monkeypatch.setattr(examples, "FIRST", 1)
    monkeypatch.setattr(examples, "CANDIDATES", 2)
    monkeypatch.setattr(examples, "VISIBLE_CHUNK", 2)
    actor = getattr(personas, who)
    found = examples.examples_of(db, themed, actor=actor, language="cs")
    for theme_id, languages in themed.items():
        expected = _reference(db, theme_id, actor, "cs", languages)
        assert [quote.id for quote in found[theme_id]] == expected
        assert all(quote.text for quote in found[theme_id])


def test_it_gives_no_examples_to_a_theme_without_items(db: Session, personas: Any) -> None:
    theme = Theme(label="empty", labels={}, keywords=[])
    db.add(theme)
    db.flush()
    found = examples.examples_of(db, {theme.id: []}, actor=personas.alice, language="en")
    assert found == {theme.id: []}
