"""Shared setup of the campaign tests: a campaign through the API, the survey jobs run
in the test's own transaction, and a value run to pick audiences from."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.analytics.models import AnalyticsRun
from centricity.jobs.models import Job
from centricity.jobs.registry import get_handler
from centricity.surveys import jobs as _survey_jobs  # noqa: F401  (registers the handlers)
from centricity.surveys.models import SurveyInvitation, SurveySkip
from centricity.value.models import CustomerValue


def make_campaign(
    client: TestClient, headers: dict[str, str], survey_id: int, **fields: Any
) -> dict[str, Any]:
    """Create a campaign through the API; its JSON (with `unknown`)."""
    body = {"name": "After the case", "trigger": "case_solved", **fields}
    response = client.post(f"/api/v1/surveys/{survey_id}/campaigns", json=body, headers=headers)
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def run_survey_jobs(db: Session) -> list[str]:
    """Run every queued survey job (delays ignored) as the worker would; their kinds."""
    kinds: list[str] = []
    while True:
        query = select(Job).where(Job.status == "queued", Job.kind.like("surveys.%"))
        job = db.scalar(query.order_by(Job.id))
        if job is None:
            break
        job.status = "done"
        get_handler(job.kind)(db, dict(job.payload))
        db.flush()
        kinds.append(job.kind)
    db.commit()
    return kinds


def invitations(db: Session, campaign_id: int) -> list[SurveyInvitation]:
    """The campaign's invitations, oldest first."""
    query = select(SurveyInvitation).where(SurveyInvitation.campaign_id == campaign_id)
    return list(db.scalars(query.order_by(SurveyInvitation.id)))


def skips(db: Session, campaign_id: int) -> list[str]:
    """The campaign's skip reasons, oldest first."""
    query = select(SurveySkip.reason).where(SurveySkip.campaign_id == campaign_id)
    return list(db.scalars(query.order_by(SurveySkip.id)))


def value_run(db: Session, members: dict[int, tuple[str, str]]) -> None:
    """A finished value run giving each customer id its (segment, tier)."""
    run = AnalyticsRun(
        kind="value", as_of_date=date(2026, 3, 1), params_key="campaigns", status="done"
    )
    run.params = {"tiers": [["gold", 0.2], ["silver", 0.5], ["bronze", 1.0]]}
    db.add(run)
    db.flush()
    ones = dict.fromkeys(
        ("orders_count", "frequency", "recency_days", "tenure_days", "days_since_last_order"), 1
    )
    ones |= dict.fromkeys(("r_score", "f_score", "m_score", "contacts_count"), 1)
    money = dict.fromkeys(("revenue", "margin", "monetary_value", "cost_to_serve"), 1.0)
    for customer_id, (segment, tier) in members.items():
        db.add(
            CustomerValue(
                run_id=run.id,
                customer_id=customer_id,
                as_of_date=date(2026, 3, 1),
                segment=segment,
                tier=tier,
                historic_profit=0.0,
                **ones,
                **money,
            )
        )
    db.commit()
