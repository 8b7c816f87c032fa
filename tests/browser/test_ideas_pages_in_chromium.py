"""In a real Chromium: an agent files an idea and links customers who asked, the board
ranks it by the value behind it, a manager merges a duplicate into it (the old page leads
to the survivor), undoes the merge and marks the idea done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session
from test_customer_360_in_chromium import OUTPUT, browser  # noqa: F401  (fixture)

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.ideas import requesters, service
from centricity.ideas.schemas import IdeaCreate, RequesterCreate
from live_server import served_store

pytestmark = pytest.mark.browser
PASSWORD = "ideas-agent-passphrase"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """An agent and a manager, two customers, and a duplicate idea one of them asked for."""

    def fill(session: Session, _settings: Settings) -> None:
        for email, role in (
            ("agent@ideas.example", Role.AGENT),
            ("lead@ideas.example", Role.MANAGER),
        ):
            user = accounts.create(
                session,
                data=UserCreate(
                    email=email,
                    name=email.split("@")[0].title(),
                    password=PASSWORD,
                    role=role,
                    department="Product",
                ),
                actor=None,
            )
        for name, email in (("Jan Novák", "jan@example.cz"), ("Ewa Nowak", "ewa@example.pl")):
            customers.create(session, data=CustomerCreate(name=name, email=email), actor=None)
        twin = service.create(session, data=IdeaCreate(title="Night theme"), actor=user)
        asked = RequesterCreate(customer_id=2, importance="dealbreaker")
        requesters.add(session, idea=twin, data=asked, actor=user)

    with served_store(tmp_path, "ideas-browser-secret-key-0123456789abcdef", fill) as base:
        yield base


def _sign_in(browser: Browser, server: str, email: str) -> Page:  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(f"{server}/login?next=/ideas")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Ideas")
    return page


def test_an_agent_files_an_idea_and_a_manager_merges_undoes_and_finishes_it(
    browser: Browser,  # noqa: F811
    server: str,
) -> None:
    agent = _sign_in(browser, server, "agent@ideas.example")
    errors: list[str] = []
    agent.on("pageerror", lambda error: errors.append(str(error)))
    agent.get_by_role("link", name="File an idea").click()
    agent.fill("#f-title", "Dark mode")
    agent.fill("#f-description", "Several customers asked on the phone.")
    agent.get_by_role("button", name="File the idea").click()
    expect(agent.get_by_role("heading", name="#2 Dark mode")).to_be_visible()
    agent.fill("#f-customer", "jan@example.cz")
    agent.select_option("#f-importance", "nice_to_have")
    agent.get_by_role("button", name="Link the customer").click()
    requesters = agent.locator("#requesters")
    expect(requesters).to_contain_text("Jan Novák")
    expect(requesters).to_contain_text("nice to have")
    agent.goto(f"{server}/ideas?sort=customers")
    expect(agent.locator("tbody tr")).to_have_count(2)
    lead = _sign_in(browser, server, "lead@ideas.example")
    lead.goto(f"{server}/ideas/1")
    lead.fill("#f-into_id", "2")
    lead.get_by_role("button", name="Merge", exact=True).click()
    expect(lead.get_by_role("heading", name="#2 Dark mode")).to_be_visible()
    expect(lead.locator("#requesters")).to_contain_text("Ewa Nowak")
    expect(lead.locator("#merge")).to_contain_text("Idea #1 was merged here.")
    agent.goto(f"{server}/ideas/1")
    expect(agent.get_by_role("heading", name="#2 Dark mode")).to_be_visible()
    lead.get_by_role("button", name="Undo the merge").click()
    expect(lead.get_by_role("heading", name="#1 Night theme")).to_be_visible()
    lead.goto(f"{server}/ideas/2")
    expect(lead.locator("#requesters")).not_to_contain_text("Ewa Nowak")
    lead.select_option("#f-status", "done")
    lead.get_by_role("button", name="Change the status").click()
    expect(lead.locator("#history")).to_contain_text("under review → done Lead")
    OUTPUT.mkdir(exist_ok=True)
    lead.screenshot(path=str(OUTPUT / "ideas-page.png"), full_page=True)
    assert errors == []
    agent.close()
    lead.close()
