"""The demo's surveys: an NPS survey after solved cases, in all six languages, answered by
about half of the customers asked, in their own languages; unhappy answers open follow-up
tasks in Customer Care, so the Voice page, the queue and the customers' pages show the
closed loop at work.

Seeded: the same seed gives the same invitations, scores and comments. The fatigue rule
applies as in production, so a customer with several solved cases is asked once and the
other invitations are logged as skipped.

Campaigns: the NPS survey's invitations are those of its "solved cases" campaign (so the
survey page shows the campaign's figures and response rate), and Key Accounts has a
CSAT survey with an active "case solved" campaign that invites once somebody solves one
of its cases in the running demo.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.cases.models import Case, CaseKind
from centricity.customers.models import Customer
from centricity.demo import survey_texts
from centricity.demo.case_plans import Staff
from centricity.kit.i18n import LANGUAGES, supported
from centricity.surveys import campaigns, respond
from centricity.surveys import service as surveys
from centricity.surveys.campaign_schemas import CampaignCreate
from centricity.surveys.models import Survey
from centricity.surveys.schemas import InvitationCreate, SurveyCreate

DEPARTMENT = "Customer Care"
SURVEY_NAME = "After a solved case"
ASKED = 0.8  # share of solved cases whose customer is invited
ANSWERED = 0.5  # share of invitations answered
CSAT_DEPARTMENT = "Key Accounts"


def build(session: Session, seed: int, end: datetime, staff: Staff) -> int:
    """Invite customers after their solved cases and answer about half; returns how many
    answers (0 when the demo already has surveys)."""
    if session.scalar(select(Survey.id).limit(1)) is not None:
        return 0
    rng = random.Random(seed * 104729 + 7)
    lead = staff.manager(DEPARTMENT)
    survey = surveys.create(
        session,
        data=SurveyCreate(
            name=SURVEY_NAME,
            kind="nps",
            languages=list(LANGUAGES),
            cadence_days=90,
            department_id=staff.departments[DEPARTMENT],
        ),
        actor=lead,
    )
    campaign_id = _campaign(session, survey, DEPARTMENT, staff, "Solved cases")
    _csat_campaign(session, staff)
    answered = 0
    for case_id, customer_id, solved_at, language in _solved_cases(session):
        if rng.random() >= ASKED or solved_at >= end:
            continue
        data = InvitationCreate(customer_id=customer_id, case_id=case_id)
        invited = surveys.invite(
            session, survey=survey, data=data, actor=None, now=solved_at, campaign_id=campaign_id
        )
        if isinstance(invited, surveys.Skipped) or rng.random() >= ANSWERED:
            continue
        at = solved_at + timedelta(hours=rng.uniform(1, 40))
        if at < end:
            answered += _answer(session, rng, invited.url, language, at)
    return answered


def _campaign(session: Session, survey: Survey, department: str, staff: Staff, name: str) -> int:
    """A "case solved" campaign of the survey for the department's cases; its id."""
    data = CampaignCreate(
        name=name, trigger="case_solved", department_id=staff.departments[department]
    )
    campaign, _unknown = campaigns.create(
        session, survey=survey, data=data, actor=staff.manager(department)
    )
    return campaign.id


def _csat_campaign(session: Session, staff: Staff) -> None:
    """Key Accounts' CSAT survey and its campaign, waiting for the next solved case."""
    survey = surveys.create(
        session,
        data=SurveyCreate(
            name="Key Accounts satisfaction",
            kind="csat",
            languages=list(LANGUAGES),
            department_id=staff.departments[CSAT_DEPARTMENT],
        ),
        actor=staff.manager(CSAT_DEPARTMENT),
    )
    _campaign(session, survey, CSAT_DEPARTMENT, staff, "Key Accounts: solved cases")


def _solved_cases(session: Session) -> list[tuple[int, int, datetime, str]]:
    """Solved customer cases, oldest first, with their customer's language."""
    rows = session.execute(
        select(Case.id, Case.customer_id, Case.updated_at, Customer.preferred_language)
        .join(Customer, Customer.id == Case.customer_id)
        .where(Case.kind == CaseKind.CASE.value, Case.status.in_(("solved", "closed")))
        .order_by(Case.updated_at, Case.id)
    )
    return [(c, p, at, supported(lang) or "en") for c, p, at, lang in rows if p is not None]


def _score(rng: random.Random) -> int:
    """An NPS answer: about a third promoters, a third passives, a third detractors."""
    draw = rng.random()
    if draw < 0.38:
        return rng.choice((9, 10, 10))
    if draw < 0.68:
        return rng.choice((7, 8))
    return rng.choice((0, 2, 3, 4, 5, 5, 6, 6))


def _answer(session: Session, rng: random.Random, url: str, language: str, at: datetime) -> int:
    """Answer through the survey page's own checks and save."""
    link = respond.open_link(session, url.rsplit("/s/", 1)[1], now=at)
    score = _score(rng)
    bank = (
        survey_texts.HAPPY
        if score >= 9
        else survey_texts.LUKEWARM
        if score >= 7
        else survey_texts.UNHAPPY
    )
    comment = rng.choice(bank[language]) if rng.random() < 0.85 else ""
    form = {"score": [str(score)], "comment": [comment]}
    checked = respond.check(link, respond.MAIN, form)
    outcome = respond.save(session, link, respond.MAIN, checked, language=language, now=at)
    return 1 if outcome == "finished" else 0
