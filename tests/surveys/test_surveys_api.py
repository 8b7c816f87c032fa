"""Surveys through the API: the contract, the fatigue rule across surveys, one survey per
case, e-mailed invitations with one-click scores and the unsubscribe headers, refusals
logged with their reason, and who may do what."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.schemas import CaseCreate
from centricity.notifications import unsubscribe
from centricity.notifications.models import OutboxMessage
from centricity.surveys.models import SurveyInvitation, SurveySkip
from survey_helpers import invite, make_customer, make_survey


def _skips(db: Session, customer_id: int) -> list[str]:
    query = select(SurveySkip.reason).where(SurveySkip.customer_id == customer_id)
    return list(db.scalars(query.order_by(SurveySkip.id)))


def test_it_creates_surveys_and_invites_with_a_link(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    shown = anon.get(f"/api/v1/surveys/{survey_id}", headers=alice).json()
    assert shown["kind"] == "nps" and shown["languages"] == ["en", "pl", "cs"]
    customer_id = make_customer(db)
    response = invite(anon, token_for(personas.bob), survey_id, customer_id)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "url"}
    token = body["url"].rsplit("/s/", 1)[1]
    assert body["url"].startswith("http") and len(token) >= 22  # ≥ 128 bits
    stored = db.scalar(select(SurveyInvitation).where(SurveyInvitation.id == body["id"]))
    assert stored is not None and token not in stored.token_hash  # only a keyed hash


def test_it_refuses_a_customer_inside_the_fatigue_period_across_surveys(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    nps, csat = make_survey(anon, alice), make_survey(anon, alice, kind="csat", name="CSAT")
    customer_id = make_customer(db)
    assert invite(anon, alice, nps, customer_id).status_code == 201
    refused = invite(anon, alice, csat, customer_id)
    assert refused.status_code == 409
    assert refused.json()["reason"] == "fatigue"
    assert _skips(db, customer_id) == ["fatigue"]  # logged, not dropped


def test_it_gives_one_survey_per_case(
    db: Session, anon: TestClient, personas: Any, token_for: Any, settings: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("CENTRICITY_SURVEY_FATIGUE_DAYS", "0")
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    customer_id = make_customer(db)
    case = cases.create(
        db, data=CaseCreate(customer_id=customer_id, subject="Late parcel"), actor=personas.bob
    )
    db.commit()
    assert invite(anon, alice, survey_id, customer_id, case_id=case.id).status_code == 201
    again = invite(anon, alice, survey_id, customer_id, case_id=case.id)
    assert again.status_code == 409 and again.json()["reason"] == "duplicate"
    other = make_customer(db, "Petr Novák")
    wrong = invite(anon, alice, survey_id, other, case_id=case.id)
    assert wrong.status_code == 422
    # Charlie (department B) cannot see department A's case: not found, nothing invited.
    charlie = token_for(personas.charlie)
    hidden = invite(anon, charlie, survey_id, make_customer(db, "Eva Malá"), case_id=case.id)
    assert hidden.status_code in (404, 422)


def test_it_emails_one_click_scores_and_unsubscribe_headers_in_the_customer_language(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    customer_id = make_customer(db, email="anna@example.pl", preferred_language="pl")
    response = invite(anon, alice, survey_id, customer_id, send=True)
    assert response.status_code == 201
    mail = db.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "anna@example.pl"))
    assert mail is not None
    url = response.json()["url"]
    assert f"{url}?score=0" in mail.body and f"{url}?score=10" in mail.body
    assert "Anna" in mail.body and "Kowalska" not in mail.body
    assert mail.subject != "How did we do?"  # Polish, not English
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        mail.headers["List-Unsubscribe"].startswith("<http")
        and "/u/" in mail.headers["List-Unsubscribe"]
    )
    assert mail.headers["Auto-Submitted"] == "auto-generated"


def test_it_does_not_email_customers_who_unsubscribed_or_have_no_address(
    db: Session, anon: TestClient, personas: Any, token_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("CENTRICITY_SURVEY_FATIGUE_DAYS", "0")
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    left = make_customer(db, email="left@example.cz")
    unsubscribe.unsubscribe(db, customer_id=left, topic="surveys")
    db.commit()
    nobody = make_customer(db, "Bez Adresy")
    assert invite(anon, alice, survey_id, left, send=True).json()["reason"] == "unsubscribed"
    assert invite(anon, alice, survey_id, nobody, send=True).json()["reason"] == "no_email"
    assert _skips(db, left) == ["unsubscribed"] and _skips(db, nobody) == ["no_email"]
    # A link handed out by hand is no e-mail: the refusal of mail does not stop it.
    assert invite(anon, alice, survey_id, left).status_code == 201


def test_it_honours_a_survey_cadence(
    db: Session, anon: TestClient, personas: Any, token_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("CENTRICITY_SURVEY_FATIGUE_DAYS", "0")
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice, cadence_days=90)
    customer_id = make_customer(db)
    assert invite(anon, alice, survey_id, customer_id).status_code == 201
    assert invite(anon, alice, survey_id, customer_id).json()["reason"] == "cadence"
    other = make_survey(anon, alice, name="Other")
    assert invite(anon, alice, other, customer_id).status_code == 201


def test_it_refuses_bad_surveys(anon: TestClient, personas: Any, token_for: Any) -> None:
    alice = token_for(personas.alice)
    bad = [
        {"name": "x", "kind": "nps", "languages": ["xx"]},
        {"name": "x", "kind": "stars", "languages": ["en"]},
        {"name": "x", "kind": "custom", "languages": ["en"]},
        {
            "name": "x",
            "kind": "custom",
            "languages": ["en", "cs"],
            "questions": [{"kind": "text", "texts": {"en": "Why?"}}],  # no Czech text
        },
    ]
    # Each refusal names its field, so a caller knows what to fix.
    fields = ["languages", "kind", "questions", "questions"]
    for body, field in zip(bad, fields, strict=True):
        answer = anon.post("/api/v1/surveys", json=body, headers=alice)
        assert answer.status_code == 422
        assert [e["field"] for e in answer.json()["errors"]] == [field], answer.json()


def test_only_managers_create_surveys(anon: TestClient, personas: Any, token_for: Any) -> None:
    body = {"name": "x", "kind": "nps", "languages": ["en"]}
    bob = token_for(personas.bob)
    assert anon.post("/api/v1/surveys", json=body, headers=bob).status_code == 403
    assert anon.post("/api/v1/surveys", json=body).status_code == 401


def test_it_invites_no_erased_customer(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    from centricity.privacy import service as privacy

    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    customer_id = make_customer(db, email="gone@example.cz")
    privacy.erase_person(db, email="gone@example.cz", actor_label="test")
    db.commit()
    assert invite(anon, alice, survey_id, customer_id).status_code == 404
    assert db.scalar(select(SurveyInvitation.id)) is None
