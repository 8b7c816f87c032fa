"""In a real Chromium: a Logistics agent books a delivery for a customer, the notice rule
opens the call task, the agent logs the call from the event page, then moves and cancels
another delivery; another department's event is not found."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session
from test_customer_360_in_chromium import OUTPUT, browser  # noqa: F401  (fixture)

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.events import rules, service
from centricity.events.schemas import EventCreate, NoticeRuleCreate
from centricity.kit.time import utcnow
from live_server import served_store

pytestmark = pytest.mark.browser
PASSWORD = "events-agent-passphrase"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """A Logistics agent and manager, a rule (a call 60 minutes before a delivery), a
    customer, and a visit of the Clinic the agent must not see."""

    def fill(session: Session, _settings: Settings) -> None:
        people = {}
        for email, role, department in (
            ("agent@events.example", Role.AGENT, "Logistics"),
            ("lead@events.example", Role.MANAGER, "Logistics"),
            ("nurse@events.example", Role.AGENT, "Clinic"),
        ):
            people[email] = accounts.create(
                session,
                data=UserCreate(
                    email=email,
                    name=email.split("@")[0].title(),
                    password=PASSWORD,
                    role=role,
                    department=department,
                ),  # fmt: skip
                actor=None,
            )
        agent, lead, nurse = people.values()
        rules.create(
            session,
            data=NoticeRuleCreate(
                event_kind="delivery",
                minutes_before=60,
                action="task",
                department_id=agent.department_id,
            ),
            actor=lead,
        )
        customer = customers.create(
            session,
            data=CustomerCreate(name="Jan Novák", email="jan@example.cz", external_id="C-77"),
            actor=None,
        )
        service.create(
            session,
            data=EventCreate(
                customer_id=customer.id,
                kind="visit",
                starts_at=utcnow() + timedelta(days=3),
                place="Clinic room 4",
                department_id=nurse.department_id,
            ),
            actor=nurse,
        )

    with served_store(tmp_path, "events-browser-secret-key-0123456789abcdef", fill) as base:
        yield base


def test_an_agent_books_a_delivery_logs_the_call_and_cancels(
    browser: Browser,  # noqa: F811
    server: str,
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/login?next=/events")
    page.fill("#email", "agent@events.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Upcoming events")).to_be_visible()
    expect(page.get_by_text("Clinic room 4")).to_have_count(0)
    hidden = page.goto(f"{server}/events/1")
    assert hidden is not None and hidden.status == 404
    page.goto(f"{server}/events/new")
    page.fill("#f-customer", "C-77")
    page.select_option("#f-kind", "delivery")
    page.fill("#f-starts_at", "2031-05-04T10:30")
    page.fill("#f-time_zone", "Europe/Prague")
    page.fill("#f-place", "Hlavní 5, Brno")
    page.get_by_role("button", name="Book the event").click()
    expect(page.get_by_role("heading", name="delivery")).to_be_visible()
    notices = page.locator("#notices")
    expect(notices).to_contain_text("task to phone the customer")
    expect(notices).to_contain_text("pending")
    expect(notices).to_contain_text("new")  # the task's status
    page.get_by_label("reached the customer").check()
    page.fill("#call-note", "Confirmed; ring twice.")
    page.get_by_role("button", name="Log the call").click()
    expect(notices).to_contain_text("done")
    expect(notices).to_contain_text("solved")
    page.fill("#f-starts_at", "2031-05-05T09:00")
    page.get_by_role("button", name="Move the event").click()
    expect(page.locator("dd", has_text="moved")).to_be_visible()
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.locator("dd", has_text="cancelled")).to_be_visible()
    page.goto(f"{server}/customers/1")
    expect(page.locator('li[data-kind="event"]')).to_contain_text("Hlavní 5, Brno")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "events-page.png"), full_page=True)
    assert errors == []
    page.close()
