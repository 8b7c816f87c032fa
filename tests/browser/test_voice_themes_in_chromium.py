"""In a real Chromium: a manager reads the themes and the driver chart on the Voice page,
follows a theme to its verbatims (the feedback list shows only that theme's items), renames
the theme on its page and finds the new name on the Voice page; axe-core finds no serious
or critical WCAG 2.2 AA violation on the Voice page or the theme page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session
from test_customer_360_in_chromium import OUTPUT, browser  # noqa: F401  (fixture)
from test_languages_in_chromium import AXE, WCAG_AA

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from live_server import served_store
from theme_data import analysed_store

pytestmark = pytest.mark.browser
PASSWORD = "voice-manager-passphrase"


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[str]:
    """A live server on a store with ~900 analysed feedback items and a manager."""

    def fill(session: Session, settings: Settings) -> None:
        accounts.create(
            session,
            data=UserCreate(
                email="manager@browser.example", name="Mia", password=PASSWORD, role=Role.MANAGER
            ),
            actor=None,
        )
        analysed_store(session, settings)

    with served_store(tmp_path, "voice-browser-secret-key-0123456789abcdef", fill) as base:
        yield base


def _serious(page: Page) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{v['id']}: {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_manager_reads_themes_follows_one_to_its_verbatims_and_renames_it(
    browser: Browser,  # noqa: F811
    server: str,
) -> None:
    assert AXE.is_file(), f"{AXE} is missing: `make install` fetches axe-core from npm"
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server}/login?next=/voice")
    page.fill("#email", "manager@browser.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Themes", exact=True)).to_be_visible()
    expect(page.locator('[data-chart="drivers"] .main-svg').first).to_be_visible()
    expect(page.get_by_role("heading", name="Themes by value tier")).to_be_visible()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "voice-themes.png"), full_page=True)
    assert _serious(page) == []

    first = page.locator("#themes table tbody tr").first
    theme_link = first.locator("th a")
    theme_href = theme_link.get_attribute("href") or ""
    theme_id = theme_href.rsplit("/", 1)[1]
    size = int(re.sub(r"\D", "", first.locator("td.num").first.inner_text()))
    first.locator("td.num a").first.click()
    expect(page.locator("h1")).to_have_text("Feedback")
    assert f"theme_id={theme_id}" in page.url
    rows = page.locator("tr[id^=fb]")
    expect(rows).to_have_count(min(size, 50))
    expect(page.locator(f'tr[id^=fb] a[href="/voice/themes/{theme_id}"]')).to_have_count(
        min(size, 50)
    )
    expect(page.locator("#f-theme")).to_have_value(theme_id)

    page.goto(f"{server}/voice/themes/{theme_id}")
    assert _serious(page) == []
    page.fill("#name", "Late deliveries")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("heading", name="Late deliveries")).to_be_visible()
    page.goto(f"{server}/voice")
    themes_table = page.locator("#themes table")
    expect(themes_table.get_by_role("link", name="Late deliveries")).to_be_visible()
    assert errors == []
    context.close()
