"""Closed-loop figures by department, worked by hand: four follow-ups under a 4-hour
resolution target, in two departments, one closed late and reopened, one still open past
its due time, two recovery answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.cases import policies
from centricity.cases import service as cases
from centricity.cases.models import Case
from centricity.cases.schemas import CaseUpdate, PolicyConditions, SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.kit.i18n import ViewerLocale, use_locale
from centricity.surveys import closed_loop
from centricity.surveys.loop import service as loop
from centricity.surveys.loop.models import FollowUp
from centricity.surveys.loop.schemas import FollowUpClose
from centricity.web.templating import templates
from closed_loop_helpers import cause_id, follow_up_task

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _world(db: Session, personas: Any) -> dict[str, int]:
    """F1 (A): closed after 2 h, recovered. F2 (A): closed after 6 h (late), reopened,
    closed again after 30 h, not recovered. F3 (A): open, due at 4 h. F4 (B): closed
    after 1 h, no recovery answer."""
    policies.create(
        db,
        data=SlaPolicyCreate(
            name="Follow-ups in 4 hours",
            position=0,
            conditions=PolicyConditions(tag="follow-up"),
            resolution_minutes=240,
        ),
        actor=personas.admin,
    )
    customer = customers.create(db, data=CustomerCreate(name="Loop Zákazník"), actor=None)
    db.commit()
    a, b = personas.bob.department_id, personas.charlie.department_id
    tasks = {
        name: follow_up_task(db, customer.id, department, now=T0)
        for name, department in (("F1", a), ("F2", a), ("F3", a), ("F4", b))
    }
    close = FollowUpClose(outcome="reached", root_cause_id=cause_id(db))
    loop.close(db, case_id=tasks["F1"], data=close, actor=personas.bob, now=T0 + 2 * HOUR)
    loop.close(db, case_id=tasks["F2"], data=close, actor=personas.bob, now=T0 + 6 * HOUR)
    reopened = db.get(Case, tasks["F2"])
    assert reopened is not None
    cases.update(
        db, case=reopened, data=CaseUpdate(status="open"), actor=personas.bob, now=T0 + 7 * HOUR
    )
    loop.close(db, case_id=tasks["F2"], data=close, actor=personas.bob, now=T0 + 30 * HOUR)
    loop.close(db, case_id=tasks["F4"], data=close, actor=personas.charlie, now=T0 + HOUR)
    for name, resolved in (("F1", True), ("F2", False)):
        record = db.scalars(select(FollowUp).where(FollowUp.case_id == tasks[name])).one()
        record.recovery_answered_at = T0 + 40 * HOUR
        record.recovery_resolved = resolved
    db.commit()
    return tasks


def _figures(row: Any) -> tuple[Any, ...]:
    return (
        row.follow_ups,
        row.closed,
        row.closed_loop_rate,
        row.within_target_rate,
        row.median_hours_to_close,
        row.recovery_answers,
        row.recovery_rate,
    )


def test_it_measures_the_loop_by_department(db: Session, personas: Any) -> None:
    _world(db, personas)
    now = T0 + 10 * HOUR
    found = closed_loop.by_department(db, actor=personas.admin, now=now)
    rows = {row.department: _figures(row) for row in found.departments}
    # A: 2 of 3 closed; in time: F1 met, F2 missed, F3 running past due → 1 of 3;
    # first closes after 2 h and 6 h → median 4 h; recovery: 1 yes of 2 answers.
    assert rows["Department A"] == (3, 2, 0.6667, 0.3333, 4.0, 2, 0.5)
    assert rows["Department B"] == (1, 1, 1.0, 1.0, 1.0, 0, None)
    # All: 3 of 4; met 2 of 4 ended; median of 2, 6 and 1 h is 2 h.
    assert _figures(found.total) == (4, 3, 0.75, 0.5, 2.0, 2, 0.5)
    assert [row.department for row in found.departments] == ["Department A", "Department B"]


def test_staff_see_only_their_department(db: Session, personas: Any) -> None:
    _world(db, personas)
    mine = closed_loop.by_department(db, actor=personas.charlie, now=T0 + 10 * HOUR)
    assert [row.department for row in mine.departments] == ["Department B"]
    assert mine.total.follow_ups == 1


def test_the_api_filters_by_period(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    _world(db, personas)
    admin = token_for(personas.admin)
    found = anon.get("/api/v1/voice/closed-loop?from=2026-03-02&to=2026-03-02", headers=admin)
    assert found.status_code == 200, found.text
    body = found.json()
    assert set(body) == {"departments", "total"}
    assert set(body["departments"][0]) >= {
        "department_id",
        "department",
        "follow_ups",
        "closed",
        "closed_loop_rate",
        "within_target_rate",
        "median_hours_to_close",
        "recovery_rate",
    }
    assert body["total"]["follow_ups"] == 4 and body["total"]["closed_loop_rate"] == 0.75
    later = anon.get("/api/v1/voice/closed-loop?from=2026-03-03", headers=admin).json()
    assert later["departments"] == [] and later["total"]["follow_ups"] == 0
    backwards = anon.get("/api/v1/voice/closed-loop?from=2026-03-03&to=2026-03-01", headers=admin)
    assert backwards.status_code == 422


def test_the_voice_section_renders_without_a_route_in_czech(db: Session, personas: Any) -> None:
    _world(db, personas)
    context = closed_loop.section(db, personas.admin)
    template = templates.env.get_template("surveys/closed_loop_section.html")
    with use_locale(ViewerLocale(language="cs")):
        html = template.render(**context)
    assert "Uzavřená smyčka" in html and "Všechna oddělení" in html
    assert "Department A" in html and "67" in html  # 2 of 3 closed
    assert "Closed loop" not in html
