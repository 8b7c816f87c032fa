"""Service-desk pages: queues with filters, saved views and bulk changes, the new-case form,
the case page (reply, change, history, targets) and the Service page, with who may do what."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.calendars import service as calendars
from centricity.cases import breach, policies
from centricity.cases import service as cases
from centricity.cases.models import Case, SavedQueue
from centricity.cases.schemas import CaseCreate, SlaPolicyCreate
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.kit.time import utcnow


@pytest.fixture()
def desk(db: Session, personas: Any) -> dict[str, Any]:
    """A 24/7 policy (first response 60 min, resolution 8 h), a customer, and cases of
    department A (one urgent and breached, one normal) and of department B."""
    policy = policies.create(
        db,
        data=SlaPolicyCreate(
            name="Around the clock",
            position=1,
            calendar_id=calendars.round_the_clock(db).id,
            first_response_minutes=60,
            resolution_minutes=480,
        ),
        actor=None,
    )
    customer = customers.create(
        db, data=CustomerCreate(name="Eglė Petrauskienė", email="egle@example.lt"), actor=None
    )
    a = personas.bob.department_id
    b = personas.charlie.department_id
    now = utcnow()
    late = cases.create(
        db,
        data=CaseCreate(
            customer_id=customer.id,
            subject="Parcel never arrived",
            priority="urgent",
            channel="phone",
            department_id=a,
            opened_at=now - timedelta(hours=3),
        ),
        actor=personas.bob,
    )
    fresh = cases.create(
        db,
        data=CaseCreate(customer_id=customer.id, subject="Invoice address", department_id=a),
        actor=personas.bob,
    )
    other = cases.create(
        db,
        data=CaseCreate(customer_id=customer.id, subject="Warehouse stock count", department_id=b),
        actor=personas.charlie,
    )
    db.commit()
    return {"policy": policy, "customer": customer, "late": late, "fresh": fresh, "other": other}


def _form(browser: Any, url: str, data: dict[str, Any]) -> Any:
    return browser.client.post(url, data={"csrf_token": browser.csrf, **data})


def test_the_queue_shows_the_departments_cases_due_first_first(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    breach.check(db)  # the late case's first response is now marked breached
    db.commit()
    page = browser_for(personas.bob).client.get("/cases")
    assert page.status_code == 200
    assert "Parcel never arrived" in page.text and "Invoice address" in page.text
    assert "Warehouse stock count" not in page.text  # department B's
    assert page.text.index("Parcel never arrived") < page.text.index("Invoice address")
    assert re.search(r"first response: [^<]*late", page.text)


def test_the_queue_filters_by_priority_and_breach(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any]
) -> None:
    client = browser_for(personas.bob).client
    breached = client.get("/cases?sla=breached").text
    assert "Parcel never arrived" in breached and "Invoice address" not in breached
    normal = client.get("/cases?priority=normal").text
    assert "Invoice address" in normal and "Parcel never arrived" not in normal
    solved = client.get("/cases?status=solved").text
    assert "No cases in this queue." in solved
    # An unknown filter value is ignored, not an error.
    assert client.get("/cases?priority=nonsense&sla=x&queue=y").status_code == 200


def test_another_departments_case_is_not_found(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any]
) -> None:
    charlie = browser_for(personas.charlie)
    assert charlie.client.get(f"/cases/{desk['late'].id}").status_code == 404
    answer = _form(charlie, f"/cases/{desk['late'].id}/replies", {"body": "Hello"})
    assert answer.status_code == 404


def test_a_public_reply_on_the_page_meets_the_first_response_target(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    case_id = desk["fresh"].id
    before = bob.client.get(f"/cases/{case_id}").text
    assert "Eglė Petrauskienė" in before  # the customer's 360 summary
    assert "Parcel never arrived" in before  # their other open case
    answer = _form(bob, f"/cases/{case_id}/replies", {"body": "We are on it.", "kind": "public"})
    assert answer.status_code == 303
    page = bob.client.get(f"/cases/{case_id}").text
    row = re.search(r'<tr data-target="first_response">.*?</tr>', page, re.S)
    assert row is not None and "achieved" in row.group(0)
    assert "We are on it." in page
    db.expire_all()
    assert db.get(Case, case_id).first_responded_at is not None  # type: ignore[union-attr]


def test_an_internal_note_does_not_answer_the_customer(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any]
) -> None:
    bob = browser_for(personas.bob)
    case_id = desk["fresh"].id
    _form(bob, f"/cases/{case_id}/replies", {"body": "Check the ledger.", "kind": "note"})
    page = bob.client.get(f"/cases/{case_id}").text
    row = re.search(r'<tr data-target="first_response">.*?</tr>', page, re.S)
    assert row is not None and "running" in row.group(0)
    assert "internal-note" in page


def test_an_empty_reply_comes_back_with_the_field_named(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any]
) -> None:
    bob = browser_for(personas.bob)
    answer = _form(bob, f"/cases/{desk['fresh'].id}/replies", {"body": " ", "kind": "public"})
    assert answer.status_code == 422
    assert 'id="reply-e"' in answer.text


def test_the_change_form_re_evaluates_targets_and_the_history_says_why(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    policies.create(
        db,
        data=SlaPolicyCreate(
            name="High priority",
            position=0,
            conditions={"priority": "high"},
            calendar_id=calendars.round_the_clock(db).id,
            first_response_minutes=30,
            resolution_minutes=240,
        ),
        actor=None,
    )
    db.commit()
    bob = browser_for(personas.bob)
    case = desk["fresh"]
    answer = _form(
        bob,
        f"/cases/{case.id}/edit",
        {
            "status": "open",
            "priority": "high",
            "assignee_id": str(personas.bob.id),
            "department_id": str(case.department_id),
            "tags": "billing, vip",
        },
    )
    assert answer.status_code == 303
    page = bob.client.get(f"/cases/{case.id}").text
    history = page[page.index("hist-h") : page.index("targets-h")]
    # The new policy is in the history with the reason: the priority changed.
    assert re.search(
        r"service-level policy</td><td[^>]*>Around the clock</td><td[^>]*>High priority</td>"
        r"<td>priority normal → high",
        history,
    ), history
    targets = page[page.index("targets-h") :]
    assert re.search(r"first response</td>.*?(29|30) min( \d+ sec)? left", targets, re.S), targets
    db.expire_all()
    stored = db.get(Case, case.id)
    assert stored is not None
    assert (stored.priority, stored.assignee_id, stored.tags) == (
        "high",
        personas.bob.id,
        ["billing", "vip"],
    )


def test_a_viewer_reads_cases_but_changes_nothing(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any]
) -> None:
    vera = browser_for(personas.viewer)
    page = vera.client.get(f"/cases/{desk['fresh'].id}")
    assert page.status_code == 200 and 'action="/cases/' not in page.text.split("Saved views")[0]
    assert _form(vera, f"/cases/{desk['fresh'].id}/edit", {"status": "solved"}).status_code == 403
    bulk = {"ids": desk["fresh"].id, "action": "status", "status": "solved"}
    assert _form(vera, "/cases/bulk", bulk).status_code == 403


def test_bulk_assign_changes_what_the_agent_may_work_and_counts_the_rest(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    ids = [desk["late"].id, desk["fresh"].id, desk["other"].id]
    answer = bob.client.post(
        "/cases/bulk",
        data={
            "csrf_token": bob.csrf,
            "ids": [str(i) for i in ids],
            "action": "assign",
            "assignee_id": str(personas.bob.id),
            "back": "queue=department",
        },
    )
    assert answer.status_code == 303
    assert "changed=2" in answer.headers["location"] and "refused=1" in answer.headers["location"]
    db.expire_all()
    assignees = {c.id: c.assignee_id for c in db.scalars(select(Case).where(Case.id.in_(ids)))}
    assert assignees == {desk["late"].id: personas.bob.id, desk["fresh"].id: personas.bob.id,
                         desk["other"].id: None}  # fmt: skip
    notice = bob.client.get(answer.headers["location"]).text
    assert "2 cases changed." in notice


def test_bulk_status_change_solves_the_ticked_cases(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    answer = bob.client.post(
        "/cases/bulk",
        data={"csrf_token": bob.csrf, "ids": [str(desk["fresh"].id)], "action": "status",
              "status": "solved"},
    )  # fmt: skip
    assert "changed=1" in answer.headers["location"]
    db.expire_all()
    assert db.get(Case, desk["fresh"].id).status == "solved"  # type: ignore[union-attr]


def test_forms_without_the_csrf_token_are_refused(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    case_id = desk["fresh"].id
    for url, data in (
        (f"/cases/{case_id}/replies", {"body": "x"}),
        (f"/cases/{case_id}/edit", {"status": "solved"}),
        ("/cases/bulk", {"ids": str(case_id), "action": "status", "status": "solved"}),
        ("/cases/views", {"name": "Mine", "query": "queue=mine"}),
        ("/cases/new", {"subject": "x", "customer": "1"}),
    ):
        assert bob.client.post(url, data=data).status_code == 403, url
    db.expire_all()
    assert db.get(Case, case_id).status == "new"  # type: ignore[union-attr]


def test_saved_views_belong_to_their_owner(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    answer = _form(bob, "/cases/views", {"name": "Urgent", "query": "queue=mine&priority=urgent"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/cases?queue=mine&priority=urgent"
    page = bob.client.get("/cases").text
    assert 'href="/cases?queue=mine&amp;priority=urgent"' in page and ">Urgent<" in page
    view = db.scalars(select(SavedQueue).where(SavedQueue.user_id == personas.bob.id)).one()
    charlie = browser_for(personas.charlie)
    assert _form(charlie, f"/cases/views/{view.id}/delete", {}).status_code == 404
    assert ">Urgent<" not in charlie.client.get("/cases").text
    assert _form(bob, f"/cases/views/{view.id}/delete", {}).status_code == 303
    db.expire_all()
    assert db.scalars(select(SavedQueue)).all() == []


def test_a_new_case_from_the_form_gets_its_targets(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    form = bob.client.get(f"/cases/new?customer_id={desk['customer'].id}")
    assert form.status_code == 200 and "Eglė Petrauskienė" in form.text
    answer = _form(
        bob,
        "/cases/new",
        {
            "customer": "egle@example.lt",
            "subject": "Wrong size delivered",
            "channel": "email",
            "priority": "normal",
            "kind": "case",
            "department_id": str(personas.bob.department_id),
            "tags": "returns",
        },
    )
    assert answer.status_code == 303, answer.text
    page = bob.client.get(answer.headers["location"]).text
    assert "Wrong size delivered" in page and 'data-target="resolution"' in page
    created = db.scalars(select(Case).where(Case.subject == "Wrong size delivered")).one()
    assert (created.customer_id, created.tags, created.policy_id) == (
        desk["customer"].id,
        ["returns"],
        desk["policy"].id,
    )


def test_a_new_case_without_a_known_customer_names_the_field(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    answer = _form(bob, "/cases/new", {"customer": "nobody@example.com", "subject": "Hello"})
    assert answer.status_code == 422
    assert 'id="e-customer"' in answer.text
    assert db.scalars(select(Case).where(Case.subject == "Hello")).all() == []


def test_an_internal_request_is_followed_by_the_requesting_department(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    charlie = browser_for(personas.charlie)
    answer = _form(
        charlie,
        "/cases/new",
        {
            "internal": "1",
            "requesting_department_id": str(personas.charlie.department_id),
            "department_id": str(personas.bob.department_id),
            "subject": "Need the stock report",
            "channel": "other",
        },
    )
    assert answer.status_code == 303, answer.text
    request = db.scalars(select(Case).where(Case.subject == "Need the stock report")).one()
    assert request.requesting_department_id == personas.charlie.department_id
    bob = browser_for(personas.bob)
    assert "Need the stock report" in bob.client.get("/cases").text
    followed = charlie.client.get("/cases?queue=requested").text
    assert "Need the stock report" in followed
    # The requester adds to the request (as the internal customer), but does not work it.
    page = charlie.client.get(f"/cases/{request.id}").text
    assert "Change the case" not in page
    _form(charlie, f"/cases/{request.id}/replies", {"body": "Any news?"})
    assert _form(charlie, f"/cases/{request.id}/edit", {"status": "solved"}).status_code == 403
    assert "Any news?" in bob.client.get(f"/cases/{request.id}").text


def test_the_service_page_is_for_managers(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any]
) -> None:
    page = browser_for(personas.alice).client.get("/service?group_by=channel")
    assert page.status_code == 200
    assert 'data-chart="attainment"' in page.text and 'data-chart="tiers"' in page.text
    assert "Phone" in page.text or "phone" in page.text
    assert browser_for(personas.bob).client.get("/service").status_code == 403
    bad = browser_for(personas.alice).client.get("/service?from=2026-12-01&to=2026-01-01")
    assert bad.status_code == 200 and "could not be read" in bad.text


def test_a_contact_logged_on_the_case_is_linked_and_on_the_timeline(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any], db: Session
) -> None:
    bob = browser_for(personas.bob)
    case_id = desk["late"].id
    answer = _form(
        bob,
        f"/cases/{case_id}/contacts",
        {"channel": "phone", "direction": "outbound", "duration_minutes": "4", "note": "Rang back"},
    )
    assert answer.status_code == 303
    page = bob.client.get(f"/cases/{case_id}").text
    contacts = page[page.index("contacts-h") : page.index("hist-h")]
    assert "Rang back" in contacts and "4 min" in contacts
    assert "linked contact" in page[page.index("hist-h") :]
    timeline = bob.client.get(f"/customers/{desk['customer'].id}").text
    assert "Rang back" in timeline
    bad = _form(bob, f"/cases/{case_id}/contacts", {"channel": "pigeon"})
    assert bad.status_code == 422
    charlie = browser_for(personas.charlie)
    assert _form(charlie, f"/cases/{case_id}/contacts", {"channel": "phone"}).status_code == 404


def test_the_service_page_reads_a_period_given_by_one_end(
    browser_for: Callable[..., Any], personas: Any, desk: dict[str, Any]
) -> None:
    alice = browser_for(personas.alice).client
    only_to = alice.get("/service?to=2026-01-31").text
    assert 'name="from" type="date" value="2025-11-03"' in only_to  # 90 days to the 31st
    assert "could not be read" not in only_to
    only_from = alice.get("/service?from=2026-01-01").text
    assert 'name="from" type="date" value="2026-01-01"' in only_from
    # The period's cases: the three of the desk opened today, none in January.
    assert "No cases were opened in this period." in alice.get("/service?to=2026-01-31").text
    today = alice.get("/service?group_by=department").text
    assert re.search(r"<td[^>]*>customers</td><td class=\"num\">2</td>", today), today
