"""Shared setup of the closed-loop tests: an unhappy survey answer that opens a follow-up
task, the seeded root causes, and the recovery link from the outbox."""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.models import CaseKind, Priority
from centricity.interactions.models import Channel
from centricity.kit.time import utcnow
from centricity.notifications.models import OutboxMessage
from centricity.surveys.loop.models import FollowUp, RootCause
from centricity.surveys.models import SurveyResponse
from survey_helpers import link_path, make_customer, make_survey

_NUMBERS = itertools.count(1)


def unhappy_task(
    db: Session,
    client: TestClient,
    manager: dict[str, str],
    *,
    department_id: int | None,
    name: str = "Jana Dvořáková",
    score: str = "1",
    **customer: Any,
) -> tuple[int, int]:
    """A new customer answers a CSAT survey of `department_id` unhappily; returns the
    follow-up task's id and the customer's id."""
    customer_id = make_customer(db, name, **customer)
    survey_id = make_survey(
        client,
        manager,
        name=f"Loop CSAT {next(_NUMBERS)}",
        kind="csat",
        languages=["en", "cs", "pl"],
        department_id=department_id,
    )
    path = link_path(client, manager, survey_id, customer_id)
    answer = client.post(path, data={"page": "main", "score": score, "comment": "Nikdo nevolal"})
    assert answer.status_code == 200, answer.text[:300]
    db.expire_all()
    task = db.scalar(
        select(SurveyResponse.follow_up_case_id).where(SurveyResponse.customer_id == customer_id)
    )
    assert task is not None
    return int(task), customer_id


def cause_id(db: Session, english: str = "Delivery") -> int:
    """The id of a seeded root cause by its English name."""
    for cause in db.scalars(select(RootCause)):
        if cause.names.get("en") == english:
            return cause.id
    raise AssertionError(f"no root cause {english!r}")


def recovery_mails(db: Session, address: str) -> list[OutboxMessage]:
    """The mails queued to an address, oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.to_address == address)
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def link_in(body: str) -> str:
    """The survey link's path (`/s/TOKEN`) in a mail body."""
    found = re.search(r"/s/([A-Za-z0-9_-]+)", body)
    assert found, body
    return f"/s/{found.group(1)}"


def follow_up_task(
    db: Session, customer_id: int, department_id: int, *, now: datetime | None = None
) -> int:
    """A committed follow-up task with its record (no survey answer behind it), by id."""
    task = cases.open_for_customer(
        db,
        customer_id=customer_id,
        subject="Follow up: CSAT 1",
        description="",
        channel=Channel.OTHER,
        priority=Priority.HIGH,
        department_id=department_id,
        now=now or utcnow(),
        source="survey",
        kind=CaseKind.TASK,
        tags=["follow-up", "survey"],
    )
    db.add(FollowUp(case_id=task.id, opened_at=task.opened_at))
    db.commit()
    return task.id
