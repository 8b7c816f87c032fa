"""Migration 0023 gives follow-up tasks opened before it their record, with the first
close from the case history, and seeds the root causes in six languages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from centricity.accounts.service import get_or_create_department
from centricity.cases import service as cases
from centricity.cases.models import Case, Status
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.db import make_engine, session_factory
from centricity.kit.i18n import LANGUAGES
from centricity.migrations import runner
from centricity.surveys import follow_up
from centricity.surveys.loop.models import FollowUp, RootCause
from centricity.surveys.models import Survey, SurveyInvitation, SurveyResponse
from store_helpers import create_pg_database, drop_pg_database, pg_or_skip

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A store of each engine of its own, migrated to the head."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        runner.upgrade(engine)
        yield engine
        engine.dispose()
        return
    pg_or_skip()
    url = create_pg_database("centricity_closed_loop")
    engine = make_engine(url)
    runner.upgrade(engine)
    yield engine
    engine.dispose()
    drop_pg_database(url)


def _solved_reopened_solved(session: Session) -> int:
    """A follow-up task opened on day 0, solved on day 2, reopened, solved on day 5."""
    department = get_or_create_department(session, "Care")
    customer = customers.create(session, data=CustomerCreate(name="Jana Nová"), actor=None)
    survey = Survey(name="CSAT", kind="csat", languages=["cs"], department_id=department.id)
    session.add(survey)
    session.flush()
    invitation = SurveyInvitation(
        survey_id=survey.id,
        customer_id=customer.id,
        token_hash="0" * 64,
        channel="link",
        created_at=T0,
        expires_at=T0 + 30 * DAY,
    )
    session.add(invitation)
    session.flush()
    response = SurveyResponse(
        invitation_id=invitation.id,
        survey_id=survey.id,
        customer_id=customer.id,
        score=1,
        finished_at=T0,
    )
    session.add(response)
    session.flush()
    task = follow_up.after_finish(session, survey, invitation, response, now=T0)
    assert task is not None
    for status, at in ((Status.SOLVED, 2 * DAY), (Status.OPEN, 3 * DAY), (Status.SOLVED, 5 * DAY)):
        cases.system_status(
            session, case=task, status=status, now=T0 + at, source="test", reason="test"
        )
    session.commit()
    return task.id


def test_it_backfills_follow_up_records_and_seeds_root_causes(own_engine: Engine) -> None:
    with session_factory(own_engine)() as session:
        task_id = _solved_reopened_solved(session)
    runner.downgrade(own_engine, "0021")  # as if the task was opened before 0023
    runner.upgrade(own_engine)
    with session_factory(own_engine)() as session:
        record = session.scalars(select(FollowUp)).one()
        assert record.case_id == task_id and record.response_id is not None
        task = session.get(Case, task_id)
        assert task is not None and record.opened_at == task.opened_at
        assert record.first_closed_at == T0 + 2 * DAY  # the first solve, not the last
        causes = session.scalars(select(RootCause).order_by(RootCause.position)).all()
        assert len(causes) == 8 and all(set(c.names) == set(LANGUAGES) for c in causes)
        assert causes[1].names["cs"] == "Doručení"
