"""In a real Chromium: sign in, search a customer, open the 360 page, log a contact, see it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from live_server import served_store

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
PASSWORD = "browser-test-passphrase"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: `make test` installs it with apt-get")
        pytest.skip("Chromium not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """A live server on a fresh SQLite store with one agent and one Czech customer."""

    def fill(session: Session, _settings: Settings) -> None:
        accounts.create(
            session,
            data=UserCreate(
                email="agent@browser.example",
                name="Agent Ann",
                password=PASSWORD,
                role=Role.AGENT,
                department="Customer Care",
            ),
            actor=None,
        )
        customers.create(
            session,
            data=CustomerCreate(
                name="Jana Dvořáková",
                email="jana@example.cz",
                phone="+420 601 234 567",
                preferred_language="cs",
                country="CZ",
            ),
            actor=None,
        )

    with served_store(tmp_path, "browser-test-secret-key-0123456789abcdef", fill) as base:
        yield base


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/customers")
    expect(page).to_have_url(f"{base}/login?next=%2Fcustomers")
    page.fill("#email", "agent@browser.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()


def test_it_logs_a_contact_from_search_to_timeline(browser: Browser, server: str) -> None:
    page = browser.new_page()
    _sign_in(page, server)
    page.fill("#q", "dvorakova")
    page.press("#q", "Enter")
    page.get_by_role("link", name="Jana Dvořáková").click()
    expect(page.get_by_role("heading", name="Jana Dvořáková")).to_be_visible()
    page.get_by_label("chat").check()
    page.fill("#note", "Ptala se na termín doručení objednávky")
    page.get_by_role("button", name="Log contact").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Ptala se na termín doručení objednávky")
    expect(timeline).to_contain_text("Inbound chat")
    expect(timeline).to_contain_text("Agent Ann")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "customer-360-contact-logged.png"), full_page=True)
    page.close()
