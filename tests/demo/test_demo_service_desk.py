"""The demo's service desk: calendars, tier policies and cases played through the services."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, User
from centricity.calendars.models import ROUND_THE_CLOCK, Calendar
from centricity.cases import breach
from centricity.cases import service as case_service
from centricity.cases.models import Case, CaseEvent, CaseMessage, CaseTarget, SlaPolicy
from centricity.cases.schemas import CaseCreate
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.db import make_engine
from centricity.demo import case_texts, generator, people, service_desk
from centricity.migrations import runner
from centricity.surveys.campaign_models import SurveyCampaign
from centricity.surveys.follow_up import unhappy
from centricity.surveys.models import SurveyInvitation, SurveyResponse, SurveySkip
from centricity.value import service as value_service
from demo_letters import NATIVE
from store_helpers import TEST_SECRET, create_pg_database, drop_pg_database, pg_or_skip

CUSTOMERS = 400
OPTIONS = generator.DemoOptions(42, CUSTOMERS)
END = service_desk.history_end(OPTIONS)
DESK_TABLES = (Calendar, SlaPolicy, Case, CaseMessage, CaseEvent, CaseTarget)


def _settings(url: str, data_dir: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        data_dir=data_dir,
        secret_key=TEST_SECRET,
        scheduler_enabled=False,
    )


def _build_with_desk(folder: Path, url: str | None = None) -> str:
    """Build the workspace, analyse its value, then add the service desk, as `demo` does
    (into a SQLite store in `folder` unless a store's `url` is given)."""
    url = url or f"sqlite:///{folder / 'centricity.db'}"
    engine = make_engine(url)
    runner.upgrade(engine)
    try:
        with Session(engine) as session:
            generator.build(session, OPTIONS)
            session.commit()
        with Session(engine) as session:
            value_service.analyze(
                session, as_of=OPTIONS.as_of, settings=_settings(url, folder / "data")
            )
        with Session(engine) as session:
            assert service_desk.build(session, OPTIONS) > 0
            session.commit()
    finally:
        engine.dispose()
    return url


def _desk_checksum(url: str) -> str:
    """A digest of every row of the service desk (times in UTC, JSON with sorted keys)."""
    digest = hashlib.sha256()
    engine = make_engine(url)
    with Session(engine) as session:
        for model in DESK_TABLES:
            rows = select(model.__table__).order_by(model.id)
            if model is Calendar:  # the 24/7 calendar is the migration's, stamped when run
                rows = rows.where(Calendar.name != ROUND_THE_CLOCK)
            for row in session.execute(rows):
                plain = (
                    v.astimezone(UTC).isoformat()
                    if isinstance(v, datetime)
                    else json.dumps(v, sort_keys=True)
                    if isinstance(v, dict | list)
                    else repr(v)
                    for v in row
                )
                digest.update("|".join(plain).encode())
    engine.dispose()
    return digest.hexdigest()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store holding the seed-42 workspace of 400 customers with its desk."""
    return _build_with_desk(tmp_path_factory.mktemp("desk42"))


@pytest.fixture()
def session(store: str) -> Iterator[Session]:
    engine = make_engine(store)
    with Session(engine) as db:
        yield db
    engine.dispose()


@pytest.fixture()
def copy(store: str, tmp_path: Path) -> Iterator[str]:
    """A copy of the store for tests that change it."""
    target = tmp_path / "copy.db"
    shutil.copy(store.removeprefix("sqlite:///"), target)
    url = f"sqlite:///{target}"
    yield url


def test_it_scales_the_cases_with_the_customers_within_bounds() -> None:
    assert service_desk.case_count(5000) == 400
    assert service_desk.case_count(2000) == 200
    assert service_desk.case_count(10) == service_desk.MIN_CASES
    assert service_desk.case_count(10**6) == service_desk.MAX_CASES


def test_it_opens_cases_in_every_customer_language(session: Session) -> None:
    rows = session.execute(
        select(Customer.preferred_language, Case.subject, Case.description).join(
            Case, Case.customer_id == Customer.id
        )
    ).all()
    assert {language for language, _, _ in rows} == set(case_texts.LANGUAGES)
    for language, letters in NATIVE.items():
        written = "".join(s + d for lang, s, d in rows if lang == language).casefold()
        assert letters & set(written), language
    planned = select(func.count()).select_from(Case).where(Case.external_id.is_not(None))
    assert session.scalar(planned) == 40
    # The demo's phone line left call-back tasks (phone tasks without an external id) and
    # its unhappy survey answers follow-up tasks (channel "other", tagged follow-up).
    kinds = session.execute(
        select(Case.kind, Case.channel).where(Case.external_id.is_(None)).distinct()
    ).all()
    assert sorted(tuple(k) for k in kinds) == [("task", "other"), ("task", "phone")]


def test_it_writes_every_message_in_the_language_of_the_customer(session: Session) -> None:
    openings = {
        language: {_opening(line) for topic in topics for line in topic[1:5]}
        for language, topics in case_texts.TEXTS.items()
    }
    rows = session.execute(
        select(Customer.preferred_language, CaseMessage.body)
        .join(Case, Case.id == CaseMessage.case_id)
        .join(Customer, Customer.id == Case.customer_id)
        .where(Case.kind == "case", CaseMessage.public.is_(True))
    ).all()
    assert rows and all(_opening(body) in openings[language] for language, body in rows)


def _opening(text: str) -> str:
    """The first two words: every template opens without a placeholder."""
    return " ".join(text.split()[:2])


def test_staff_write_internal_notes_in_their_own_language(session: Session) -> None:
    notes = {
        language: {topic[case_texts.NOTE] for topic in topics}
        for language, topics in case_texts.TEXTS.items()
    }
    rows = session.execute(
        select(User.language, CaseMessage.body)
        .join(User, User.id == CaseMessage.author_user_id)
        .where(CaseMessage.public.is_(False))
    ).all()
    assert rows
    assert all(body in notes[language or "en"] for language, body in rows)


def test_it_serves_platinum_customers_sooner_than_bronze_ones(session: Session) -> None:
    names = list(session.scalars(select(SlaPolicy.name).order_by(SlaPolicy.position)))
    assert names[0] == "Urgent" and names[-1] == "Standard"
    assert {"Platinum", "Gold", "Silver", "Bronze", "Internal requests"} <= set(names)
    first_response = dict(
        session.execute(
            select(Case.tier, func.min(CaseTarget.minutes))
            .join(CaseTarget, CaseTarget.case_id == Case.id)
            .join(SlaPolicy, SlaPolicy.id == Case.policy_id)
            .where(CaseTarget.kind == "first_response", SlaPolicy.name == Case.tier)
            .group_by(Case.tier)
        ).all()
    )
    assert first_response["Platinum"] < first_response["Bronze"]


def test_it_meets_some_targets_and_misses_others(session: Session) -> None:
    states = Counter(session.execute(select(CaseTarget.kind, CaseTarget.state)).all())
    assert states["first_response", "achieved"] > states["first_response", "breached"] > 0
    assert states["waiting", "achieved"] > 0


def test_it_mixes_solved_history_with_open_cases(session: Session) -> None:
    statuses = Counter(session.scalars(select(Case.status)))
    assert statuses["closed"] and statuses["solved"]
    assert statuses["new"] + statuses["open"] + statuses["waiting_on_customer"] > 0
    assert session.scalar(select(func.count()).where(Case.reopened_count > 0))
    opened = session.scalars(select(Case.opened_at)).all()
    assert END - timedelta(days=service_desk.WINDOW_DAYS) <= min(opened) <= max(opened) < END


def test_it_has_internal_requests_and_call_back_tasks(session: Session) -> None:
    internal = session.scalars(select(Case).where(Case.requesting_department_id.is_not(None)))
    requests = list(internal)
    assert len(requests) >= 3
    assert all(c.department_id != c.requesting_department_id for c in requests)
    assert all(c.customer_id is None for c in requests)
    policy = session.scalar(select(SlaPolicy).where(SlaPolicy.name == "Internal requests"))
    assert policy is not None and {c.policy_id for c in requests} <= {policy.id}
    tasks = session.scalar(select(func.count()).where(Case.kind == "task"))
    assert tasks and tasks >= 3


def test_it_keeps_every_step_inside_the_history(session: Session) -> None:
    for model, column in ((CaseMessage, CaseMessage.created_at), (CaseEvent, CaseEvent.at)):
        assert session.scalar(select(func.max(column))) < END, model
    late = session.scalar(
        select(func.count())
        .select_from(Case)
        .join(CaseMessage, CaseMessage.case_id == Case.id)
        .where(CaseMessage.created_at < Case.opened_at)
    )
    assert late == 0
    answered = session.execute(
        select(Case.first_responded_at, func.min(CaseMessage.created_at))
        .join(CaseMessage, CaseMessage.case_id == Case.id)
        .where(CaseMessage.public.is_(True), CaseMessage.from_customer.is_(False))
        .group_by(Case.id)
    ).all()
    assert answered and all(first == reply for first, reply in answered)
    for model, column in ((CaseMessage, CaseMessage.created_at), (CaseEvent, CaseEvent.at)):
        steps: dict[int, list[datetime]] = {}
        for case_id, at in session.execute(select(model.case_id, column).order_by(model.id)):
            steps.setdefault(case_id, []).append(at)
        assert all(times == sorted(times) for times in steps.values()), model


def test_it_gives_staff_their_office_calendar(session: Session) -> None:
    offices = dict(session.execute(select(Calendar.id, Calendar.name)).all())
    staff = dict(session.execute(select(User.email, User.calendar_id)).all())
    assert offices[staff[people.staff_email("Bob Lindqvist")]] == service_desk.STOCKHOLM
    assert offices[staff[people.staff_email("Jana Horáková")]] == service_desk.PRAGUE


def test_it_builds_the_same_cases_for_the_same_seed(
    store: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = _build_with_desk(tmp_path_factory.mktemp("again-desk42"))
    assert _desk_checksum(again) == _desk_checksum(store)


@pytest.mark.postgres
def test_it_builds_the_same_cases_on_postgresql(store: str, tmp_path: Path) -> None:
    pg_or_skip()
    url = _build_with_desk(tmp_path, create_pg_database("centricity_demo_desk"))
    try:
        assert _desk_checksum(url) == _desk_checksum(store)
    finally:
        drop_pg_database(url)


def test_it_adds_the_service_desk_only_once(store: str) -> None:
    engine = make_engine(store)
    try:
        with Session(engine) as session:
            before = generator.counts(session)
            assert service_desk.build(session, OPTIONS) == 0
            assert generator.counts(session) == before
            assert not generator.changed_since_build(session, OPTIONS)
    finally:
        engine.dispose()


def test_the_breach_check_marks_the_open_cases_past_due(copy: str, tmp_path: Path) -> None:
    engine = make_engine(copy)
    try:
        with Session(engine) as session:
            report = breach.check(
                session, now=END + timedelta(days=7), settings=_settings(copy, tmp_path)
            )
        assert report.breached > 0
    finally:
        engine.dispose()


def test_a_case_someone_added_counts_as_a_change(copy: str) -> None:
    engine = make_engine(copy)
    try:
        with Session(engine) as session:
            admin = session.scalar(select(User).where(User.email == people.ADMIN_EMAIL))
            customer_id = session.scalar(select(Customer.id).limit(1))
            department_id = session.scalar(select(Department.id).limit(1))
            assert admin is not None and customer_id and department_id
            data = CaseCreate(customer_id=customer_id, subject="Hello", department_id=department_id)
            case_service.create(session, data=data, actor=admin, now=END)
            assert generator.changed_since_build(session, OPTIONS)
    finally:
        engine.dispose()


def test_it_answers_surveys_in_the_customers_languages(session: Session) -> None:
    """About half of the customers asked after a solved case answer, in their own
    languages; every unhappy answer has its follow-up task, and no happy one has."""
    answers = session.scalars(select(SurveyResponse)).all()
    assert len(answers) >= 5
    assert len({a.language for a in answers}) >= 3
    assert all((a.follow_up_case_id is not None) == unhappy("nps", a.score) for a in answers)
    assert any(a.follow_up_case_id for a in answers) and any((a.score or 0) >= 9 for a in answers)
    # A customer with several solved cases is asked once (cadence 90 days); the other
    # invitations are logged as skipped with their reason.
    invited = session.scalars(select(SurveyInvitation.customer_id)).all()
    assert len(invited) == len(set(invited))
    reasons = set(session.scalars(select(SurveySkip.reason)))
    assert reasons <= {"fatigue", "cadence"}


def test_its_survey_invitations_belong_to_a_case_solved_campaign(session: Session) -> None:
    """The survey page shows a campaign's figures: every demo invitation is its campaign's,
    and Key Accounts' CSAT campaign waits for the next case a person solves."""
    found = session.scalars(select(SurveyCampaign)).all()
    assert {c.trigger for c in found} == {"case_solved"} and len(found) == 2
    campaign_ids = set(session.scalars(select(SurveyInvitation.campaign_id)))
    assert len(campaign_ids) == 1 and None not in campaign_ids
