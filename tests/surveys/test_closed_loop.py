"""The closed loop: a follow-up task closes only with its outcome and root cause (the
system is not stopped), time to close survives a reopen, and the recovery question goes
out in the customer's language and reopens the task when the customer is still unhappy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.cases import service as cases
from centricity.cases.models import Case, CaseEvent, Status
from centricity.cases.schemas import CaseUpdate
from centricity.notifications import unsubscribe
from centricity.surveys.loop import service as loop
from centricity.surveys.loop.models import FollowUp
from centricity.surveys.loop.schemas import FollowUpClose
from centricity.surveys.models import SurveyQuestion, SurveySkip
from closed_loop_helpers import cause_id, link_in, recovery_mails, unhappy_task


def _record(db: Session, task_id: int) -> FollowUp:
    db.expire_all()
    return db.scalars(select(FollowUp).where(FollowUp.case_id == task_id)).one()


def _status(db: Session, task_id: int) -> str:
    db.expire_all()
    return str(db.scalar(select(Case.status).where(Case.id == task_id)))


def test_it_refuses_a_person_closing_a_follow_up_without_outcome_and_cause(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    task, _ = unhappy_task(db, anon, alice, department_id=personas.bob.department_id)
    for status in ("solved", "closed"):
        refused = anon.patch(f"/api/v1/cases/{task}", json={"status": status}, headers=bob)
        assert refused.status_code == 409, refused.text
        assert "outcome" in refused.text and "root cause" in refused.text
    assert _status(db, task) == "new"
    # Another status change is not stopped: only closing needs the outcome.
    assert anon.patch(f"/api/v1/cases/{task}", json={"status": "open"}, headers=bob).is_success


def test_it_records_outcome_and_cause_and_solves_in_one_step(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    task, _ = unhappy_task(db, anon, alice, department_id=personas.bob.department_id)
    close = f"/api/v1/follow-ups/{task}/close"
    missing = anon.post(close, json={"outcome": "reached"}, headers=bob)
    assert missing.status_code == 422
    body = {"outcome": "resolved", "root_cause_id": cause_id(db), "note": "Zavolala jsem"}
    closed = anon.post(f"/api/v1/follow-ups/{task}/close", json=body, headers=bob)
    assert closed.status_code == 200, closed.text
    assert closed.json()["outcome"] == "resolved"
    assert closed.json()["closed_by_user_id"] == personas.bob.id
    assert closed.json()["recorded_at"] is not None
    assert _status(db, task) == "solved"
    # Recorded: a person may now also close it for good.
    later = anon.patch(f"/api/v1/cases/{task}", json={"status": "closed"}, headers=bob)
    assert later.status_code == 200


def test_it_hides_another_departments_follow_up_and_refuses_viewers(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    task, _ = unhappy_task(db, anon, alice, department_id=personas.bob.department_id)
    body = {"outcome": "reached", "root_cause_id": cause_id(db)}
    charlie = anon.post(
        f"/api/v1/follow-ups/{task}/close", json=body, headers=token_for(personas.charlie)
    )
    assert charlie.status_code == 404
    viewer = anon.post(
        f"/api/v1/follow-ups/{task}/close", json=body, headers=token_for(personas.viewer)
    )
    assert viewer.status_code == 403
    assert _status(db, task) == "new"


def test_a_deactivated_cause_is_not_accepted(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    task, _ = unhappy_task(db, anon, alice, department_id=personas.bob.department_id)
    cause = cause_id(db, "Other")
    path = f"/api/v1/follow-up-root-causes/{cause}"
    off = anon.patch(path, json={"active": False}, headers=alice)
    assert off.status_code == 200 and off.json()["active"] is False
    body = {"outcome": "reached", "root_cause_id": cause}
    refused = anon.post(f"/api/v1/follow-ups/{task}/close", json=body, headers=bob)
    assert refused.status_code == 422
    assert _status(db, task) == "new"


def test_the_system_is_not_stopped(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    task, _ = unhappy_task(
        db, anon, token_for(personas.alice), department_id=personas.bob.department_id
    )
    case = db.get(Case, task)
    assert case is not None
    now = datetime.now(UTC)
    cases.system_status(
        db, case=case, status=Status.SOLVED, now=now, source="merge", reason="merged"
    )
    assert case.status == "solved"
    assert _record(db, task).first_closed_at is not None


def test_time_to_close_runs_to_the_first_close_and_survives_a_reopen(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    task, _ = unhappy_task(
        db, anon, token_for(personas.alice), department_id=personas.bob.department_id
    )
    opened = _record(db, task).opened_at
    first = opened + timedelta(hours=5)
    data = FollowUpClose(outcome="not_reached", root_cause_id=cause_id(db))
    loop.close(db, case_id=task, data=data, actor=personas.bob, now=first)
    case = db.get(Case, task)
    assert case is not None
    cases.update(db, case=case, data=CaseUpdate(status="open"), actor=personas.bob, now=first)
    record = _record(db, task)
    assert record.outcome is None and record.root_cause_id is None  # asked again
    assert record.first_closed_at == first
    again = first + timedelta(days=2)
    loop.close(db, case_id=task, data=data, actor=personas.bob, now=again)
    record = _record(db, task)
    assert record.first_closed_at == first  # the reopen did not reset it
    assert record.recorded_at == again and record.outcome == "not_reached"


def test_the_recovery_question_goes_out_in_the_customer_language_with_unsubscribe(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    address = "jana.dvorakova@example.cz"
    task, customer_id = unhappy_task(
        db,
        anon,
        alice,
        department_id=personas.bob.department_id,
        email=address,
        preferred_language="cs",
    )
    body = {"outcome": "resolved", "root_cause_id": cause_id(db)}
    assert anon.post(f"/api/v1/follow-ups/{task}/close", json=body, headers=bob).is_success
    mails = recovery_mails(db, address)
    assert len(mails) == 1
    mail = mails[0]
    assert mail.subject == "Je váš problém nyní vyřešen?"
    assert "Je váš problém nyní vyřešen?" in mail.body and "Jana" in mail.body
    leave = unsubscribe.unsubscribe_url(customer_id, unsubscribe.SURVEYS)
    assert mail.headers["List-Unsubscribe"] == f"<{leave}>"
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page = anon.get(link_in(mail.body))
    assert page.status_code == 200 and '<html lang="cs">' in page.text
    assert "Je váš problém nyní vyřešen?" in page.text
    assert _record(db, task).recovery_asked_at is not None


def test_no_recovery_question_without_an_address_or_after_unsubscribing_or_not_reached(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    department = personas.bob.department_id
    cause = cause_id(db)
    silent, silent_customer = unhappy_task(db, anon, alice, department_id=department)
    left, left_customer = unhappy_task(
        db, anon, alice, department_id=department, name="Petr Malý", email="petr@example.cz"
    )
    unsubscribe.unsubscribe(db, customer_id=left_customer, topic=unsubscribe.SURVEYS)
    db.commit()
    missed, _ = unhappy_task(
        db, anon, alice, department_id=department, name="Eva Nová", email="eva@example.cz"
    )
    for task, outcome in ((silent, "reached"), (left, "resolved"), (missed, "not_reached")):
        body = {"outcome": outcome, "root_cause_id": cause}
        assert anon.post(f"/api/v1/follow-ups/{task}/close", json=body, headers=bob).is_success
    assert recovery_mails(db, "petr@example.cz") == []
    assert recovery_mails(db, "eva@example.cz") == []
    query = select(SurveySkip.customer_id, SurveySkip.reason).where(
        SurveySkip.customer_id.in_([silent_customer, left_customer])
    )
    skips = {row.customer_id: row.reason for row in db.execute(query)}
    assert skips == {silent_customer: "no_email", left_customer: "unsubscribed"}
    assert _record(db, silent).recovery_skip_reason == "no_email"
    assert _record(db, missed).recovery_skip_reason is None
    assert _record(db, missed).recovery_asked_at is None


def _answer(db: Session, anon: TestClient, path: str, choice: str) -> None:
    question = db.scalars(
        select(SurveyQuestion).where(SurveyQuestion.texts["en"].as_string().is_not(None))
    ).all()
    recovery = [q for q in question if q.texts.get("en") == "Is your concern resolved now?"]
    assert len(recovery) == 1
    sent = anon.post(path, data={"page": "questions", f"q{recovery[0].id}": choice})
    assert sent.status_code == 200, sent.text[:300]


def test_an_unhappy_recovery_answer_reopens_the_task_and_a_happy_one_does_not(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    department = personas.bob.department_id
    tasks = {}
    for name, address in (("Anna Nowak", "anna@example.pl"), ("Olga Ivanova", "olga@example.ru")):
        task, customer = unhappy_task(
            db, anon, alice, department_id=department, name=name, email=address
        )
        body = {"outcome": "reached", "root_cause_id": cause_id(db)}
        assert anon.post(f"/api/v1/follow-ups/{task}/close", json=body, headers=bob).is_success
        tasks[address] = (task, customer)
    unhappy, customer = tasks["anna@example.pl"]
    _answer(db, anon, link_in(recovery_mails(db, "anna@example.pl")[0].body), "no")
    assert _status(db, unhappy) == "open"
    reasons = db.scalars(
        select(CaseEvent.reason).where(CaseEvent.case_id == unhappy, CaseEvent.field == "status")
    ).all()
    assert any(reason and "not resolved" in reason for reason in reasons)
    record = _record(db, unhappy)
    assert record.recovery_resolved is False and record.recovery_answered_at is not None
    follow_ups = db.scalar(
        select(func.count()).select_from(Case).where(Case.customer_id == customer)
    )
    assert follow_ups == 1  # no second follow-up for the unhappy recovery answer
    happy, _ = tasks["olga@example.ru"]
    _answer(db, anon, link_in(recovery_mails(db, "olga@example.ru")[0].body), "yes")
    assert _status(db, happy) == "solved"
    assert _record(db, happy).recovery_resolved is True
