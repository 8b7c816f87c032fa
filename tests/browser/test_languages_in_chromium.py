"""In a real Chromium: the language switch turns the customer 360 page Polish, with Polish
money and dates; and axe-core finds no serious or critical WCAG 2.2 AA violation on any page
family in any language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from playwright.sync_api import Browser, BrowserContext, expect
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_customer_360_in_chromium import OUTPUT, browser  # noqa: F401  (fixture)

from centricity.config import Settings
from centricity.db import make_engine
from centricity.kit.i18n import LANGUAGES, translations
from centricity.orders.models import Order
from centricity.web.deps import SESSION_COOKIE
from live_server import served_store
from page_store import IMPORT_CSV, PAGES, Workspace, fill_workspace
from store_helpers import TEST_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.slow]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class Site:
    """The live server, its workspace and the resolved page addresses."""

    base: str
    workspace: Workspace
    pages: dict[str, str]
    database_url: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    found: dict[str, Workspace] = {}
    tmp = tmp_path_factory.mktemp("languages")

    def fill(session: Session, settings: Settings) -> None:
        found["workspace"] = fill_workspace(session, settings)

    with served_store(tmp, TEST_SECRET, fill, time_zone="Europe/Prague") as base:
        workspace = found["workspace"]
        cookies = {SESSION_COOKIE: workspace.sessions["en"]}
        with httpx.Client(base_url=base, cookies=cookies) as client:
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)
            assert csrf
            upload = client.post(
                "/imports",
                data={"kind": "customers", "csrf_token": csrf.group(1)},
                files={"file": ("people.csv", IMPORT_CSV.encode(), "text/csv")},
            )
        assert upload.status_code == 303, upload.text[:300]
        pages = {
            name: path.format(
                customer=workspace.customer_id,
                job=upload.headers["location"],
                case=workspace.case_id,
                event=workspace.event_id,
                idea=workspace.idea_id,
                survey=workspace.survey_id,
                theme=workspace.theme_id,
            )
            for name, path in PAGES.items()
        }
        yield Site(base, workspace, pages, f"sqlite:///{tmp / 'centricity.db'}")


def _signed_in(browser: Browser, site: Site, language: str) -> BrowserContext:  # noqa: F811
    # The page's CSP refuses inline scripts; only the injected axe-core needs the bypass.
    context = browser.new_context(bypass_csp=True)
    host = site.base.removeprefix("http://").split(":")[0]
    context.add_cookies(
        [
            {
                "name": SESSION_COOKIE,
                "value": site.workspace.sessions[language],
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context


def _latest_order(site: Site) -> Order:
    engine = make_engine(site.database_url)
    try:
        with Session(engine) as session:
            return session.scalars(
                select(Order)
                .where(Order.customer_id == site.workspace.customer_id)
                .order_by(Order.ordered_at.desc())
                .limit(1)
            ).one()
    finally:
        engine.dispose()


def test_the_switch_shows_the_360_page_in_polish(browser: Browser, site: Site) -> None:  # noqa: F811
    context = _signed_in(browser, site, "en")
    page = context.new_page()
    page.goto(f"{site.base}{site.pages['customer 360']}")
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()
    page.select_option("#header-language", "pl")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    polish = translations("pl")
    expect(page.get_by_role("heading", name=polish.gettext("Profile"))).to_be_visible()
    expect(page.get_by_role("heading", name=polish.gettext("Orders"))).to_be_visible()
    order = _latest_order(site)
    money = format_currency(order.total_amount, order.currency, locale="pl")
    day = format_date(
        order.ordered_at.astimezone(ZoneInfo("Europe/Prague")).date(), "medium", locale="pl"
    )
    orders = page.locator("#orders-h").locator("xpath=..")
    expect(orders).to_contain_text(money)
    expect(orders).to_contain_text(day)
    assert re.search(r"\d,\d{2}\s", money), money  # Polish decimal comma before the currency
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "customer-360-polish.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_serious_violation(browser: Browser, site: Site, language: str) -> None:  # noqa: F811
    assert AXE.is_file(), f"{AXE} is missing: `make install` fetches axe-core from npm"
    script = AXE.read_text(encoding="utf-8")
    context = _signed_in(browser, site, language)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for name, path in {**site.pages, "login": "/login"}.items():
        if name == "login":
            context.clear_cookies()
        page.goto(f"{site.base}{path}")
        page.wait_for_load_state("load")
        page.add_script_tag(content=script)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
        )
        serious = [
            f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['target']}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[name] = serious
    context.close()
    assert not found, f"{language}: {found}"
