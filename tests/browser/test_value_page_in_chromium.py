"""In a real Chromium: the Value page draws its charts offline and its tiers lead to customers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session
from test_customer_360_in_chromium import OUTPUT, browser  # noqa: F401  (fixture)

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from centricity.value import service as value_service
from live_server import served_store
from value_data import AS_OF, seed_history

pytestmark = pytest.mark.browser
PASSWORD = "value-viewer-passphrase"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """A live server on a store with a seeded, analysed purchase history."""

    def fill(session: Session, settings: Settings) -> None:
        accounts.create(
            session,
            data=UserCreate(
                email="viewer@browser.example", name="Vic", password=PASSWORD, role=Role.VIEWER
            ),
            actor=None,
        )
        seed_history(session)
        value_service.analyze(session, as_of=AS_OF, settings=settings)

    with served_store(tmp_path, "value-browser-secret-key-0123456789abcdef", fill) as base:
        yield base


def test_it_draws_the_value_charts_and_links_tiers_to_customers(
    browser: Browser,  # noqa: F811
    server: str,
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/login?next=/value")
    page.fill("#email", "viewer@browser.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Customer value")).to_be_visible()
    expect(page.locator('[data-chart="segments"] .main-svg').first).to_be_visible()
    expect(page.locator('[data-chart="clv"] .main-svg').first).to_be_visible()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "value-page.png"), full_page=True)
    page.get_by_role("link", name="Platinum").click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    assert "tier=Platinum" in page.url
    expect(page.locator("table.list tbody tr")).not_to_have_count(0)
    assert errors == []
    page.close()
