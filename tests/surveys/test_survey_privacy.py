"""Survey answers are personal data: export finds them; erasure empties the words and
detaches the score, which stays in the figures without the person, and closes the links."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.privacy import service as privacy
from centricity.surveys import metrics
from centricity.surveys.models import SurveyResponse
from survey_helpers import link_path, make_customer, make_survey


def test_it_exports_and_erases_answers_keeping_the_score(
    db: Session, anon: TestClient, personas: Any, token_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("CENTRICITY_SURVEY_FATIGUE_DAYS", "0")
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    customer_id = make_customer(db, email="anna@example.pl", preferred_language="pl")
    link = link_path(anon, alice, survey_id, customer_id)
    other = link_path(anon, alice, make_survey(anon, alice, name="Second"), customer_id)
    assert anon.post(link, data={"score": "4", "comment": "Paczka zaginęła"}).status_code == 200
    exported = privacy.export_person(db, email="anna@example.pl", actor_label="test")
    rows = exported["data"]["survey_responses"]
    assert [row["comment"] for row in rows] == ["Paczka zaginęła"]
    assert len(exported["data"]["survey_invitations"]) == 2
    assert "token_hash" not in exported["data"]["survey_invitations"][0]  # never exported
    privacy.erase_person(db, email="anna@example.pl", actor_label="test")
    db.commit()
    db.expire_all()
    response = db.scalars(select(SurveyResponse)).one()
    assert response.comment is None and response.customer_id is None
    assert response.score == 4.0
    figures = metrics.figures(db, survey_id=survey_id)
    assert figures.responses == 1 and figures.nps is not None and figures.nps.value == -100
    assert anon.get(other).status_code == 410  # an unanswered link closes with erasure
    answered = anon.get(link)  # names nobody and offers no fresh survey
    assert "Anna" not in answered.text and 'name="score"' not in answered.text
