"""Service metrics: medians and p90 of response and resolution, attainment, groups, scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from centricity.cases import policies, service
from centricity.cases.schemas import CaseCreate, CaseUpdate, ReplyCreate, SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.interactions import service as interactions
from centricity.interactions.schemas import InteractionCreate

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _history(db: Session, personas: Any) -> None:
    """Five external cases of department A answered after 10, 20, 30, 40 and 90 minutes
    (target 60: four met, one missed) and solved after 100..500 minutes; one internal
    request, never answered; one case of department B."""
    policies.create(
        db,
        data=SlaPolicyCreate(name="All", first_response_minutes=60, resolution_minutes=240),
        actor=personas.admin,
    )
    customer = customers.create(db, data=CustomerCreate(name="Mia"), actor=personas.bob)
    for n, answer in enumerate((10, 20, 30, 40, 90)):
        opened = T0 + timedelta(hours=n)
        case = service.create(
            db,
            data=CaseCreate(customer_id=customer.id, subject=f"c{n}", channel="email"),
            actor=personas.bob,
            now=opened,
        )
        reply = ReplyCreate(body="hi")
        service.reply(
            db, case=case, data=reply, actor=personas.bob, now=opened + timedelta(minutes=answer)
        )
        solve = CaseUpdate(status="solved")
        service.update(
            db,
            case=case,
            data=solve,
            actor=personas.bob,
            now=opened + timedelta(minutes=100 * (n + 1)),
        )
    service.create(
        db,
        data=CaseCreate(
            requesting_department_id=personas.charlie.department_id,
            department_id=personas.bob.department_id,
            subject="internal",
        ),
        actor=personas.charlie,
        now=T0,
    )
    service.create(
        db,
        data=CaseCreate(
            customer_id=customer.id, subject="b", department_id=personas.charlie.department_id
        ),
        actor=personas.admin,
        now=T0,
    )
    for wait in (30, 60, 600):
        interactions.create(
            db,
            data=InteractionCreate(
                customer_id=customer.id,
                channel="phone",
                started_at=T0,
                waiting_seconds=wait,
            ),
            actor=personas.bob,
        )
    db.commit()


def test_it_reports_medians_attainment_and_groups_for_a_manager(
    app: FastAPI, db: Session, personas: Any, token_for: Callable[..., dict[str, str]]
) -> None:
    _history(db, personas)
    alice = TestClient(app, headers=token_for(personas.alice))
    answer = alice.get(
        "/api/v1/service/metrics",
        params={"from": "2026-03-02", "to": "2026-03-02", "group_by": "internal"},
    )
    assert answer.status_code == 200, answer.text
    items = {item["group"]: item for item in answer.json()["items"]}
    assert set(items) == {"external", "internal"}  # department B's case is not Alice's
    external = items["external"]
    assert external["cases"] == 5
    assert external["first_response_p50_minutes"] == 30.0
    assert external["first_response_p90_minutes"] == 70.0  # between 40 and 90
    assert external["attainment"]["first_response"] == 0.8
    assert external["attainment"]["resolution"] == 0.4  # solved in 100 and 200 of 240
    assert external["resolution_p50_minutes"] == 300.0
    assert items["internal"]["attainment"]["first_response"] == 0.0  # never answered
    assert items["internal"]["backlog"] == 1
    by_department = alice.get(
        "/api/v1/service/metrics", params={"from": "2026-03-02", "to": "2026-03-02"}
    ).json()["items"]
    assert [(i["group"], i["cases"]) for i in by_department] == [("Department A", 6)]
    assert by_department[0]["contact_waiting_p50_seconds"] == 60.0
    # The backlog is every case still open, however long ago it opened: a week later,
    # with nothing new opened, the unanswered internal request is still waiting.
    later = alice.get(
        "/api/v1/service/metrics",
        params={"from": "2026-03-09", "to": "2026-03-15", "group_by": "internal"},
    ).json()["items"]
    assert [(i["group"], i["cases"], i["backlog"], i["reopen_rate"]) for i in later] == [
        ("internal", 0, 1, None)
    ]
    assert later[0]["backlog_age_days"]["over_30"] == 1
    before = alice.get(
        "/api/v1/service/metrics", params={"from": "2026-02-01", "to": "2026-02-28"}
    ).json()["items"]
    assert before == []  # nothing had opened yet


def test_admins_see_every_department_and_agents_none(
    app: FastAPI, db: Session, personas: Any, token_for: Callable[..., dict[str, str]]
) -> None:
    _history(db, personas)
    admin = TestClient(app, headers=token_for(personas.admin))
    params = {"from": "2026-03-01", "to": "2026-03-31", "group_by": "department"}
    groups = {
        i["group"]: i["cases"]
        for i in admin.get("/api/v1/service/metrics", params=params).json()["items"]
    }
    assert groups == {"Department A": 6, "Department B": 1}
    bob = TestClient(app, headers=token_for(personas.bob))
    assert bob.get("/api/v1/service/metrics", params=params).status_code == 403
    backwards = admin.get(
        "/api/v1/service/metrics", params={"from": "2026-03-31", "to": "2026-03-01"}
    )
    assert backwards.status_code == 422
