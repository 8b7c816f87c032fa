"""Verbatims: survey answers and feedback from other sources together, each once, filtered
by score band or range, scale, language and source, and only those the viewer may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from centricity.surveys import verbatims
from centricity.surveys.verbatims import VerbatimFilters
from voice_data import VoiceStore, fill


@pytest.fixture()
def store(db: Session, personas: Any) -> VoiceStore:
    return fill(
        db, department_a=personas.bob.department_id, department_b=personas.charlie.department_id
    )


def _seen(db: Session, actor: Any, **filters: Any) -> list[tuple[str, int]]:
    found = verbatims.latest(db, actor=actor, filters=VerbatimFilters(**filters))
    return [(v.origin, v.id) for v in found]


def test_it_lists_answers_and_feedback_once_newest_first(
    db: Session, store: VoiceStore, personas: Any
) -> None:
    found = verbatims.latest(db, actor=personas.admin)
    r, i = store.responses, store.items
    # Erased answers (6, 9) have no customer and are not verbatims; answer 1's feedback
    # copy is listed once, as the answer.
    assert [(v.origin, v.id) for v in found] == [
        ("feedback", i["chat"]),
        ("feedback", i["email"]),
        ("feedback", i["review"]),
        *(("survey", r[n]) for n in (8, 7, 5, 12, 11, 10, 4, 3, 2, 1)),
    ]
    chat = found[0]
    assert (chat.source, chat.scale, chat.score, chat.text, chat.language) == (
        "chat",
        "stars",
        4.5,
        "Rychlá pomoc",
        "cs",
    )
    first = found[-1]
    assert (first.survey_name, first.text, first.language, first.scale) == (
        "Dostawa",
        "Szybko",
        "pl",
        "nps",
    )


def test_it_filters_by_source(db: Session, store: VoiceStore, personas: Any) -> None:
    admin = personas.admin
    assert _seen(db, admin, source="review") == [("feedback", store.items["review"])]
    survey_only = _seen(db, admin, source="survey")
    assert {origin for origin, _ in survey_only} == {"survey"} and len(survey_only) == 10
    assert _seen(db, admin, survey_id=store.surveys["csat"]) == [
        ("survey", store.responses[8]),
        ("survey", store.responses[7]),
    ]


def test_it_filters_by_band_on_each_scale(db: Session, store: VoiceStore, personas: Any) -> None:
    r, i = store.responses, store.items
    # Unhappy: NPS 3 (answer 3), CES 6 (12), 2 stars (the review); not CSAT 4 or 4.5 stars.
    assert _seen(db, personas.admin, band="unhappy") == [
        ("feedback", i["review"]),
        ("survey", r[12]),
        ("survey", r[3]),
    ]
    # Happy: NPS 10 and 9 (5, 2, 1), CSAT 5 and 4 (8, 7), CES 2 (10), 4.5 stars.
    assert _seen(db, personas.admin, band="happy") == [
        ("feedback", i["chat"]),
        *(("survey", r[n]) for n in (8, 7, 5, 10, 2, 1)),
    ]
    # Neutral: NPS 7 (4) and CES 4 (11).
    assert _seen(db, personas.admin, band="neutral") == [("survey", r[11]), ("survey", r[4])]
    assert verbatims.band_code("detractor") == "unhappy"


def test_it_filters_by_score_range_scale_and_language(
    db: Session, store: VoiceStore, personas: Any
) -> None:
    r, i = store.responses, store.items
    admin = personas.admin
    stars = _seen(db, admin, scale="stars", min_score=Decimal("2"), max_score=Decimal("4.5"))
    assert stars == [("feedback", i["chat"]), ("feedback", i["review"])]
    nps_low = _seen(db, admin, scale="nps", max_score=Decimal(7))
    assert nps_low == [("survey", r[4]), ("survey", r[3])]
    assert _seen(db, admin, language="ru") == [("survey", r[12])]
    assert _seen(db, admin, language="cs") == [("feedback", i["chat"])]


def test_another_department_sees_neither_its_answers_nor_its_items(
    db: Session, store: VoiceStore, personas: Any
) -> None:
    """Answer 3 and the e-mail item are about case2 of department B: Charlie (B) sees
    them, Bob (A) and Vera (viewer, A) do not; both see everything not about B's work."""
    about_b = {("survey", store.responses[3]), ("feedback", store.items["email"])}
    charlie = set(_seen(db, personas.charlie))
    assert about_b <= charlie
    for person in (personas.bob, personas.viewer):
        seen = set(_seen(db, person))
        assert not about_b & seen
        about_a = {("survey", store.responses[8]), ("survey", store.responses[1])}
        assert seen == (charlie - about_b) | about_a
    # Answers 1 and 8 are about cases of department A: Charlie does not see them.
    assert not {("survey", store.responses[n]) for n in (1, 8)} & charlie


@pytest.mark.parametrize("rounds", [1, 2, 20])
@pytest.mark.parametrize("who", ["admin", "alice", "charlie"])
def test_it_finds_the_same_answers_reading_candidates_in_rounds(
    db: Session,
    store: VoiceStore,
    personas: Any,
    who: str,
    rounds: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    actor = getattr(personas, who)

    def answers() -> list[tuple[str, int]]:
        found = _seen(db, actor, band="unhappy") + _seen(db, actor, language="pl")
        return [pair for pair in found + _seen(db, actor) if pair[0] == "survey"]

    whole = answers()
    # Two candidates a round: hidden answers and the rounds' end are passed step by step
    # (the feedback items' own rounds end without a last query, so only answers compare).
    monkeypatch.setattr(verbatims, "CANDIDATES", 2)
    monkeypatch.setattr(verbatims, "MAX_ROUNDS", rounds)
    assert answers() == whole
