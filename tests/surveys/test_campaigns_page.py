"""The survey's own page: settings and campaigns with their figures, forms for managers
only, pause and send from the page, and the page in Czech without English left over."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign_helpers import make_campaign, run_survey_jobs
from centricity.surveys.campaign_models import SurveyCampaign
from centricity.surveys.models import Survey
from survey_helpers import make_customer, make_survey


def test_a_manager_adds_pauses_and_sends_a_campaign_from_the_survey_page(
    db: Session, anon: Any, browser_for: Any, personas: Any, token_for: Any
) -> None:
    survey_id = make_survey(anon, token_for(personas.alice), name="Po nákupu")
    customer = make_customer(db, "Jana Nová", email="jana@example.cz")
    lead = browser_for(personas.alice)
    page = lead.client.get(f"/voice/surveys/{survey_id}")
    assert page.status_code == 200
    assert f'href="/voice/surveys/{survey_id}/questions"' in page.text
    form = {
        "csrf_token": lead.csrf,
        "name": "Seznam",
        "trigger": "audience",
        "customers": f"{customer}\nnikdo@example.cz",
        "send": "link",
    }
    shown = lead.client.post(f"/voice/surveys/{survey_id}/campaigns", data=form)
    assert shown.status_code == 200 and "nikdo@example.cz" in shown.text  # reported
    campaign = db.scalar(select(SurveyCampaign).where(SurveyCampaign.survey_id == survey_id))
    assert campaign is not None and campaign.trigger == "audience"
    sent = lead.client.post(f"/voice/campaigns/{campaign.id}/send", data={"csrf_token": lead.csrf})
    assert sent.status_code == 303
    run_survey_jobs(db)
    page = lead.client.get(f"/voice/surveys/{survey_id}")
    row = page.text.split(">Seznam</td>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">1</td>' in row  # one invited
    paused = lead.client.post(
        f"/voice/campaigns/{campaign.id}/active", data={"csrf_token": lead.csrf, "active": "0"}
    )
    assert paused.status_code == 303
    db.refresh(campaign)
    assert campaign.active is False
    bad = lead.client.post(
        f"/voice/surveys/{survey_id}/campaigns",
        data={"csrf_token": lead.csrf, "name": "Bez dnů", "trigger": "days_after_first_purchase"},
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    saved = lead.client.post(
        f"/voice/surveys/{survey_id}/settings",
        data={"csrf_token": lead.csrf, "name": "Po nákupu 2", "cadence_days": "90"},
    )
    assert saved.status_code == 303
    survey = db.get(Survey, survey_id)
    assert survey is not None
    db.refresh(survey)
    assert (survey.name, survey.cadence_days, survey.active) == ("Po nákupu 2", 90, False)


def test_agents_and_viewers_see_the_figures_but_no_forms(
    db: Session, anon: Any, browser_for: Any, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    make_campaign(anon, alice, survey_id, name="Po případu")
    for persona in (personas.bob, personas.viewer):
        browser = browser_for(persona)
        page = browser.client.get(f"/voice/surveys/{survey_id}")
        assert page.status_code == 200 and "Po případu" in page.text
        assert f'action="/voice/surveys/{survey_id}/campaigns"' not in page.text
        denied = browser.client.post(
            f"/voice/surveys/{survey_id}/campaigns",
            data={"csrf_token": browser.csrf, "name": "X", "trigger": "case_solved"},
        )
        assert denied.status_code == 403
    assert db.scalars(select(SurveyCampaign.name)).all() == ["Po případu"]


ENGLISH = (
    "Campaigns",
    "Settings",
    "New campaign",
    "Trigger",
    "Response rate",
    "case solved by a person",
    "Send now",
    "Pause",
    "Questions",
    "Save settings",
    "links only",
    "Days after the first purchase",
)


def test_it_shows_the_survey_page_in_czech_without_english_left_over(
    db: Session, anon: Any, browser_for: Any, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice, name="Spokojenost")
    make_campaign(anon, alice, survey_id, name="Po řešení")
    make_campaign(anon, alice, survey_id, name="Seznam", trigger="audience", customers="1")
    lead = browser_for(personas.alice)
    lead.client.post(
        "/settings/language", data={"csrf_token": lead.csrf, "language": "cs", "next": "/"}
    )
    page = lead.client.get(f"/voice/surveys/{survey_id}")
    assert page.status_code == 200 and 'lang="cs"' in page.text
    left = [word for word in ENGLISH if f">{word}<" in page.text or f"{word}</" in page.text]
    assert not left, left
    assert "Kampaně" in page.text
