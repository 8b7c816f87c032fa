"""The public survey page: language, one-click scores that save nothing, one answer per
link (also under concurrent submission), partial answers that resume, clear pages for
unknown, expired and used links, errors in the respondent's language, and the follow-up
task of an unhappy answer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from centricity.app import create_app
from centricity.config import Settings
from centricity.db import get_engine, session_factory
from centricity.kit.time import utcnow
from centricity.surveys.models import SurveyInvitation, SurveyResponse
from centricity.web.ratelimit import PublicThrottle
from store_helpers import migrated_store, settings_for
from survey_helpers import link_path, make_customer, make_survey
from thread_helpers import run_in_threads


def _responses(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


@pytest.fixture()
def link(db: Session, anon: TestClient, personas: Any, token_for: Any) -> str:
    """A link to an NPS survey for a Polish customer."""
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    customer_id = make_customer(db, preferred_language="pl")
    return link_path(anon, alice, survey_id, customer_id)


def test_it_speaks_the_customer_language_and_switches_by_query(anon: TestClient, link: str) -> None:
    page = anon.get(link)
    assert page.status_code == 200
    assert '<html lang="pl">' in page.text
    assert "Anna" in page.text and "Kowalska" not in page.text  # the first name only
    for code in ("CS", "cs-CZ", "cs"):
        assert '<html lang="cs">' in anon.get(f"{link}?lang={code}").text
    # Not offered or unknown: the survey's default, its first language (en), not the
    # customer's; without ?lang= the customer's own again.
    for code in ("sv", "xx", "de-DE"):
        assert '<html lang="en">' in anon.get(f"{link}?lang={code}").text
    assert '<html lang="pl">' in anon.get(f"{link}?lang=").text


def test_scanner_bursts_on_one_click_links_save_nothing(
    db: Session, anon: TestClient, link: str
) -> None:
    for score in range(11):
        page = anon.get(f"{link}?score={score}")
        assert page.status_code == 200
        assert f'value="{score}" checked' in page.text
    assert _responses(db) == 0


def test_it_keeps_one_answer_per_link_and_a_clear_page_after(
    db: Session, anon: TestClient, link: str
) -> None:
    done = anon.post(link, data={"page": "main", "score": "9", "comment": "Szybka dostawa"})
    assert done.status_code == 200
    assert '<html lang="pl">' in done.text
    again = anon.post(link, data={"page": "main", "score": "2", "comment": "Jednak nie"})
    assert again.status_code == 409
    assert '<html lang="pl">' in again.text
    reload = anon.get(link)  # the thank-you page reloaded: no fresh survey
    assert reload.status_code == 200 and 'name="score"' not in reload.text
    stored = db.scalars(select(SurveyResponse)).all()
    assert [(r.score, r.comment, r.language) for r in stored] == [(9.0, "Szybka dostawa", "pl")]


def test_an_address_over_the_public_limit_waits_and_its_answer_is_not_saved(
    db: Session, app: Any, anon: TestClient, link: str, settings: Settings
) -> None:
    app.state.public_throttle = PublicThrottle(
        settings.model_copy(update={"public_requests_per_minute": 2})
    )
    assert anon.get(link).status_code == 200
    assert anon.get(link).status_code == 200
    refused = anon.post(link, data={"page": "main", "score": "9", "comment": "Szybka dostawa"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "Szybka" not in refused.text
    assert _responses(db) == 0


def test_unknown_expired_and_used_links_get_three_different_pages(
    db: Session, anon: TestClient, link: str
) -> None:
    unknown = anon.get("/s/" + "A" * 43 + "?lang=pl")
    assert unknown.status_code == 404 and '<html lang="pl">' in unknown.text
    assert anon.post("/s/guess", data={"score": "9"}).status_code == 404
    db.execute(update(SurveyInvitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    expired = anon.get(link)
    assert expired.status_code == 410
    assert anon.post(link, data={"score": "9"}).status_code == 410
    texts = {unknown.text.split("<h1>")[1][:40], expired.text.split("<h1>")[1][:40]}
    assert len(texts) == 2
    assert _responses(db) == 0


def test_it_shows_errors_in_the_page_language_and_keeps_what_was_typed(
    db: Session, anon: TestClient, link: str
) -> None:
    for score in ("11", "-1", "abc", ""):
        page = anon.post(f"{link}?lang=cs", data={"score": score, "comment": "Můj text"})
        assert page.status_code == 422
        assert '<html lang="cs">' in page.text and "Můj text" in page.text
        assert "Please choose" not in page.text  # the error is in Czech
    nul = anon.post(link, data={"score": "5", "comment": "a\x00b"})
    assert nul.status_code == 422
    long = anon.post(link, data={"score": "5", "comment": "x" * 5001})
    assert long.status_code == 422
    assert _responses(db) == 0


def test_a_detractor_gets_a_follow_up_task(
    db: Session, anon: TestClient, link: str, personas: Any, token_for: Any
) -> None:
    assert (
        anon.post(link, data={"score": "3", "comment": "Kurier nie przyszedł"}).status_code == 200
    )
    response = db.scalars(select(SurveyResponse)).one()
    assert response.follow_up_case_id is not None
    bob = token_for(personas.bob)
    listed = anon.get(f"/api/v1/cases?customer_id={response.customer_id}", headers=bob).json()
    tasks = [c for c in listed if c["id"] == response.follow_up_case_id]
    assert tasks and tasks[0]["kind"] == "task" and tasks[0]["status"] == "new"
    items = anon.get(f"/api/v1/feedback?customer_id={response.customer_id}", headers=bob).json()
    assert [
        (i["source"], i["score"], i["scale"], i["text"], i["language"]) for i in items["items"]
    ] == [("survey", 3, "nps", "Kurier nie przyszedł", "pl")]
    figures = anon.get(f"/api/v1/voice/metrics?survey_id={response.survey_id}", headers=bob)
    assert figures.json()["nps"] == -100.0 and figures.json()["responses"] == 1
    assert figures.json()["closed_loop_rate"] == 0.0


def test_a_promoter_gets_no_follow_up(db: Session, anon: TestClient, link: str) -> None:
    assert anon.post(link, data={"score": "10"}).status_code == 200
    assert db.scalars(select(SurveyResponse)).one().follow_up_case_id is None


def test_a_multi_question_survey_saves_partial_answers_and_resumes(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    question = {
        "kind": "single",
        "required": True,
        "texts": {"en": "What mattered most?", "pl": "Co było najważniejsze?"},
        "choices": [
            {"value": "price", "texts": {"en": "Price", "pl": "Cena"}},
            {"value": "speed", "texts": {"en": "Speed", "pl": "Szybkość"}},
        ],
    }
    survey_id = make_survey(anon, alice, languages=["pl", "en"], questions=[question])
    link = link_path(anon, alice, survey_id, make_customer(db, preferred_language="pl"))
    first = anon.post(link, data={"page": "main", "score": "8", "comment": "Dobrze"})
    assert first.status_code == 303
    resumed = anon.get(link)  # a new visit: on to the question, the score kept
    assert "Co było najważniejsze?" in resumed.text and 'name="score"' not in resumed.text
    response = db.scalars(select(SurveyResponse)).one()
    assert response.score == 8 and response.finished_at is None
    question_id = resumed.text.split('name="q', 1)[1].split('"', 1)[0]
    missing = anon.post(link, data={"page": "questions"})
    assert missing.status_code == 422  # a required answer is missing
    bad = anon.post(link, data={"page": "questions", f"q{question_id}": "free beer"})
    assert bad.status_code == 422
    done = anon.post(link, data={"page": "questions", f"q{question_id}": "speed"})
    assert done.status_code == 200
    db.expire_all()
    assert db.scalars(select(SurveyResponse)).one().finished_at is not None


@pytest.fixture(params=["sqlite", "postgresql"])
def own_store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    with migrated_store(request.param, tmp_path, "centricity_survey_race") as url:
        yield url


def _own_links(settings: Settings, count: int) -> list[str]:
    """`count` links of one NPS survey, each for its own customer, made through the services."""
    from centricity.accounts import service as accounts
    from centricity.accounts.models import Role
    from centricity.accounts.schemas import UserCreate
    from centricity.customers import service as customers
    from centricity.customers.schemas import CustomerCreate
    from centricity.surveys import service as surveys
    from centricity.surveys.schemas import InvitationCreate, SurveyCreate

    paths = []
    with session_factory(get_engine(settings))() as session:
        manager = accounts.create(
            session,
            data=UserCreate(
                email="m@x.example",
                name="M",
                password="a-long-pass-phrase-1",
                role=Role.MANAGER,
                department="Care",
            ),
            actor=None,
        )
        survey = surveys.create(
            session,
            data=SurveyCreate(name="Race", kind="nps", languages=["en"]),
            actor=manager,
        )
        for k in range(count):  # a customer each: one is asked once per fatigue period
            data = CustomerCreate(name=f"Jan Nowak {k}")
            customer = customers.create(session, data=data, actor=None)
            invited = surveys.invite(
                session,
                survey=survey,
                data=InvitationCreate(customer_id=customer.id),
                actor=manager,
            )
            assert isinstance(invited, surveys.Invited)
            paths.append("/s/" + invited.url.rsplit("/s/", 1)[1])
        session.commit()
    return paths


def test_concurrent_submissions_keep_exactly_one_answer(own_store: str, tmp_path: Path) -> None:
    settings = settings_for(own_store, tmp_path)
    path = _own_links(settings, 1)[0]
    app = create_app(settings)

    def submit(score: int) -> int:
        with TestClient(app, follow_redirects=False) as client:
            return client.post(path, data={"page": "main", "score": str(score)}).status_code

    codes = run_in_threads(submit, [(score,) for score in (1, 5, 9, 10)])
    assert sorted(codes) == [200, 409, 409, 409]
    with session_factory(get_engine(settings))() as session:
        stored = session.scalars(select(SurveyResponse)).all()
        assert len(stored) == 1 and stored[0].finished_at is not None
        assert stored[0].score in (1, 5, 9, 10)


def test_answers_on_a_store_of_its_own_keep_every_rule(own_store: str, tmp_path: Path) -> None:
    """Through the app's own engine, as a server runs (on SQLite: the group commit):
    errors, a finished answer with its follow-up, a resubmission, the public limit."""
    settings = settings_for(own_store, tmp_path)
    first, second = _own_links(settings, 2)
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as client:
        assert client.post(first, data={"page": "main", "score": "11"}).status_code == 422
        sent = client.post(first, data={"page": "main", "score": "2", "comment": "Kurier"})
        assert sent.status_code == 200
        assert client.post(first, data={"page": "main", "score": "9"}).status_code == 409
        app.state.public_throttle = PublicThrottle(
            settings.model_copy(update={"public_requests_per_minute": 3})
        )
        refused = client.post(second, data={"page": "main", "score": "10"})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    group = app.state.group_commit
    if own_store.startswith("sqlite"):
        assert group is not None and group.groups >= 4  # every answer went through it
    else:
        assert group is None
    with session_factory(get_engine(settings))() as session:
        stored = session.scalars(select(SurveyResponse)).all()
        assert [(r.score, r.comment) for r in stored] == [(2, "Kurier")]
        assert stored[0].finished_at is not None and stored[0].follow_up_case_id is not None
