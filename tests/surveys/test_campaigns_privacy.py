"""A campaign's audience names people: export lists the person's place in every
campaign, erasure removes it, and the campaign keeps working for everybody else."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign_helpers import make_campaign
from centricity.privacy import service as privacy
from centricity.surveys.campaign_models import SurveyCampaignRecipient
from survey_helpers import make_customer, make_survey


def test_it_exports_and_forgets_a_person_in_a_campaign_audience(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    anna = make_customer(db, "Anna", email="anna@example.pl")
    petr = make_customer(db, "Petr", email="petr@example.cz")
    campaign = make_campaign(
        anon,
        alice,
        make_survey(anon, alice),
        trigger="audience",
        customers="anna@example.pl\npetr@example.cz",
    )
    exported = privacy.export_person(db, email="anna@example.pl", actor_label="test")
    rows = exported["data"]["survey_campaign_recipients"]
    assert [(r["campaign_id"], r["customer_id"]) for r in rows] == [(campaign["id"], anna)]
    privacy.erase_person(db, email="anna@example.pl", actor_label="test")
    db.commit()
    left = db.scalars(select(SurveyCampaignRecipient.customer_id)).all()
    assert left == [petr]
