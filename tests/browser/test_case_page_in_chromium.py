"""In a real Chromium: an agent opens a case from the queue, answers it before the
first-response target runs out, and the case page shows the target achieved."""

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
from centricity.calendars import service as calendars
from centricity.cases import policies
from centricity.cases import service as cases
from centricity.cases.schemas import CaseCreate, SlaPolicyCreate
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.kit.time import utcnow
from live_server import served_store

pytestmark = pytest.mark.browser
PASSWORD = "case-agent-passphrase"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """A live server with an agent, a 24/7 policy (first response in 60 minutes) and a case
    opened ten minutes ago, plus one of another department the agent must not see."""

    def fill(session: Session, _settings: Settings) -> None:
        agent = accounts.create(
            session,
            data=UserCreate(
                email="agent@cases.example",
                name="Agent Ann",
                password=PASSWORD,
                role=Role.AGENT,
                department="Support",
            ),
            actor=None,
        )
        other = accounts.get_or_create_department(session, "Logistics")
        logistics = accounts.create(
            session,
            data=UserCreate(
                email="stock@cases.example",
                name="Stock Keeper",
                password=PASSWORD,
                role=Role.AGENT,
                department="Logistics",
            ),
            actor=None,
        )
        policies.create(
            session,
            data=SlaPolicyCreate(
                name="Everyone",
                position=1,
                calendar_id=calendars.round_the_clock(session).id,
                first_response_minutes=60,
                resolution_minutes=480,
            ),
            actor=None,
        )
        customer = customers.create(
            session, data=CustomerCreate(name="Jan Novák", email="jan@example.cz"), actor=None
        )
        for subject, department, author in (("Lamp arrived broken", agent.department_id, agent),
                                            ("Pallet count", other.id, logistics)):  # fmt: skip
            cases.create(
                session,
                data=CaseCreate(
                    customer_id=customer.id,
                    subject=subject,
                    channel="email",
                    department_id=department,
                    opened_at=utcnow() - timedelta(minutes=10),
                ),
                actor=author,
            )

    with served_store(tmp_path, "cases-browser-secret-key-0123456789abcdef", fill) as base:
        yield base


def test_an_agent_answers_in_time_and_the_page_shows_the_target_achieved(
    browser: Browser,  # noqa: F811
    server: str,
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/login?next=/cases")
    page.fill("#email", "agent@cases.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    expect(page.get_by_role("link", name="Pallet count")).to_have_count(0)
    # Logistics' case is not in any queue of the agent, and its address is not found.
    assert page.goto(f"{server}/cases?queue=all&status=any") is not None
    expect(page.get_by_role("link", name="Pallet count")).to_have_count(0)
    hidden = page.goto(f"{server}/cases/2")
    assert hidden is not None and hidden.status == 404
    page.goto(f"{server}/cases")
    page.get_by_role("link", name="Lamp arrived broken").click()
    first_response = page.locator('tr[data-target="first_response"]')
    expect(first_response).to_contain_text("running")
    expect(first_response).to_contain_text("left")
    expect(page.get_by_text("Jan Novák").first).to_be_visible()  # the 360 summary
    page.fill("#reply-body", "Sorry about the lamp: a new one leaves today.")
    page.get_by_label("Public reply to the customer").check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".conversation")).to_contain_text("a new one leaves today")
    expect(first_response).to_contain_text("achieved")
    expect(first_response).to_contain_text("met after")
    expect(page.locator('tr[data-target="resolution"]')).to_contain_text("running")
    expect(page.locator("#case-status")).to_have_text("open")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "case-page.png"), full_page=True)
    assert errors == []
    page.close()
