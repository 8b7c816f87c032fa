"""In a real Chromium: a customer answers an NPS survey in Polish on a phone-sized screen
without JavaScript; staff then see the answer and its follow-up task on the Voice page and
the task on the customer's 360 page. axe-core finds no serious or critical WCAG 2.2 AA
issue on the survey page, whose score scale is one radio group driven by arrow keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session
from test_customer_360_in_chromium import OUTPUT, browser  # noqa: F401  (fixture)
from test_languages_in_chromium import AXE, WCAG_AA

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.kit.i18n import translations
from centricity.surveys import service as surveys
from centricity.surveys.schemas import InvitationCreate, SurveyCreate
from live_server import served_store

pytestmark = pytest.mark.browser
PASSWORD = "voice-manager-passphrase"
PHONE = {"width": 390, "height": 844}


@dataclass
class Site:
    """The served store and the survey links made for it."""

    base: str = ""
    links: list[str] = field(default_factory=list)
    customer_id: int = 0


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[Site]:
    """A Care manager, an NPS survey in Polish and English, and links for two customers."""
    made = Site()

    def fill(session: Session, _settings: Settings) -> None:
        lead = accounts.create(
            session,
            data=UserCreate(
                email="lead@voice.example",
                name="Lead",
                password=PASSWORD,
                role=Role.MANAGER,
                department="Care",
            ),
            actor=None,
        )
        survey = surveys.create(
            session,
            data=SurveyCreate(name="Po dostawie", kind="nps", languages=["pl", "en"]),
            actor=lead,
        )
        for name in ("Anna Kowalska", "Jan Nowak"):
            customer = customers.create(
                session, data=CustomerCreate(name=name, preferred_language="pl"), actor=None
            )
            made.customer_id = made.customer_id or customer.id
            invited = surveys.invite(
                session, survey=survey, data=InvitationCreate(customer_id=customer.id), actor=lead
            )
            assert isinstance(invited, surveys.Invited)
            made.links.append("/s/" + invited.url.rsplit("/s/", 1)[1])

    with served_store(tmp_path, "voice-browser-secret-key-0123456789abcdef", fill) as base:
        made.base = base
        yield made


def test_a_customer_answers_in_polish_on_a_phone_without_javascript(
    browser: Browser,  # noqa: F811
    site: Site,
) -> None:
    polish = translations("pl")
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{site.base}{site.links[0]}")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    question = polish.gettext("How likely are you to recommend us to a friend or colleague?")
    expect(page.get_by_role("group", name=question)).to_be_visible()
    expect(page.get_by_text("Kowalska")).to_have_count(0)  # the first name only
    form = page.locator("form.survey").bounding_box()
    assert form is not None and form["x"] + form["width"] <= PHONE["width"]
    page.get_by_role("radio", name="3", exact=True).check()
    page.get_by_label(polish.gettext("What is the main reason for your score?")).fill(
        "Kurier nie zadzwonił przed przyjazdem."
    )
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "survey-phone-polish.png"), full_page=True)
    page.get_by_role("button", name=polish.gettext("Send")).click()
    expect(page.get_by_role("heading", name=polish.gettext("Thank you!"))).to_be_visible()
    page.reload()  # the thank-you page reloaded: no fresh survey
    expect(page.get_by_role("radio")).to_have_count(0)
    context.close()

    staff = browser.new_page(viewport={"width": 1280, "height": 1200})
    staff.goto(f"{site.base}/login?next=/voice")
    staff.fill("#email", "lead@voice.example")
    staff.fill("#password", PASSWORD)
    staff.click("button[type=submit]")
    expect(staff.get_by_role("heading", name="Voice of the customer")).to_be_visible()
    answers = staff.locator("#answers-h").locator("xpath=..")
    expect(answers).to_contain_text("Kurier nie zadzwonił przed przyjazdem.")
    task = answers.get_by_role("link", name="task #")
    expect(task).to_be_visible()
    surveys_table = staff.locator("#surveys-h").locator("xpath=..")
    expect(surveys_table).to_contain_text("-100")  # one detractor: NPS −100
    staff.goto(f"{site.base}/customers/{site.customer_id}")
    expect(staff.locator("body")).to_contain_text("Follow up: NPS 3")
    expect(staff.locator("body")).to_contain_text("Kurier nie zadzwonił przed przyjazdem.")
    staff.close()


def test_the_survey_page_passes_axe_and_its_scale_is_one_radio_group(
    browser: Browser,  # noqa: F811
    site: Site,
) -> None:
    assert AXE.is_file(), f"{AXE} is missing: `make install` fetches axe-core from npm"
    context = browser.new_context(bypass_csp=True, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{site.base}{site.links[1]}?lang=en")
    page.keyboard.press("Tab")  # the first language link
    radios = page.get_by_role("radio")
    radios.first.focus()
    page.keyboard.press("Space")
    expect(radios.nth(0)).to_be_checked()
    page.keyboard.press("ArrowRight")
    expect(radios.nth(1)).to_be_checked()  # arrows move the choice inside the one group
    page.keyboard.press("Tab")
    expect(page.locator("#comment")).to_be_focused()  # one tab stop for all eleven scores
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    serious = [
        f"{v['id']}: {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    context.close()
