"""The Voice page: survey figures, the latest answers with their filters, creating a
survey and inviting a customer from the page (the link shown once, a refusal explained)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.surveys.models import Survey
from survey_helpers import link_path, make_customer, make_survey


def test_it_shows_figures_and_answers_in_their_own_words(
    db: Session, anon: TestClient, personas: Any, token_for: Any, browser_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice, name="Po dostawie")
    for name, score, comment in (("Anna A", "3", "Kurier się spóźnił"), ("Jan B", "10", "Super")):
        link = link_path(anon, alice, survey_id, make_customer(db, name, preferred_language="pl"))
        assert anon.post(link, data={"score": score, "comment": comment}).status_code == 200
    page = browser_for(personas.viewer).client.get("/voice")
    assert page.status_code == 200
    assert "Kurier się spóźnił" in page.text and "Super" in page.text
    assert 'lang="pl"' in page.text
    # One detractor, one promoter: NPS 0; two invited, two answered: 100 %.
    row = page.text.split("Po dostawie</a>", 1)[1].split("</tr>", 1)[0]
    assert ">0 <small" in row and "100" in row
    unhappy = browser_for(personas.viewer).client.get("/voice?band=unhappy")
    assert "Kurier się spóźnił" in unhappy.text and "Super" not in unhappy.text
    czech = browser_for(personas.viewer).client.get("/voice?language=cs&band=nonsense")
    assert czech.status_code == 200 and "Super" not in czech.text


def test_a_manager_creates_a_survey_and_an_agent_invites_from_the_page(
    db: Session, browser_for: Any, personas: Any
) -> None:
    lead = browser_for(personas.alice)
    form = {"csrf_token": lead.csrf, "name": "Kontakt", "kind": "csat", "languages": ["cs", "en"]}
    created = lead.client.post("/voice/surveys", data=form)
    assert created.status_code == 303
    survey = db.scalars(select(Survey).where(Survey.name == "Kontakt")).one()
    assert survey.kind == "csat" and survey.languages == ["cs", "en"]
    bad = lead.client.post("/voice/surveys", data={**form, "kind": "stars", "languages": []})
    assert bad.status_code == 422
    assert 'id="s-kind-error"' in bad.text and 'id="s-languages-error"' in bad.text
    # A custom survey has questions only through the API: the page says why it refuses one.
    custom = lead.client.post("/voice/surveys", data={**form, "kind": "custom"})
    assert custom.status_code == 422
    assert "a custom survey needs at least one question" in custom.text
    agent = browser_for(personas.bob)
    customer_id = make_customer(db)
    path = f"/voice/surveys/{survey.id}/invitations"
    shown = agent.client.post(path, data={"csrf_token": agent.csrf, "customer_id": customer_id})
    assert shown.status_code == 200 and "/s/" in shown.text
    again = agent.client.post(path, data={"csrf_token": agent.csrf, "customer_id": customer_id})
    assert again.status_code == 409 and "asked recently" in again.text
    missing = agent.client.post(path, data={"csrf_token": agent.csrf, "customer_id": "99999999"})
    assert missing.status_code == 404
    viewer = browser_for(personas.viewer)
    denied = viewer.client.post(path, data={"csrf_token": viewer.csrf, "customer_id": customer_id})
    assert denied.status_code == 403
