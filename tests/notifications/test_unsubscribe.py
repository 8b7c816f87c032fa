"""Unsubscribe links: signed, harmless to open, one POST (or a mail client's one-click
POST) records the refusal once, in the customer's language; the public pages' request
limit per address."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.notifications import unsubscribe
from centricity.notifications.models import MailOptOut
from centricity.web.ratelimit import PublicThrottle


def _customer(db: Session, **fields: object) -> int:
    data = CustomerCreate(name=str(fields.pop("name", "Jana Nováková")), **fields)  # type: ignore[arg-type]
    customer = customers.create(db, data=data, actor=None)
    db.commit()
    return customer.id


def _path(customer_id: int, topic: str, settings: Settings) -> str:
    url = unsubscribe.unsubscribe_url(customer_id, topic, settings=settings)
    return url.removeprefix(settings.base_url.rstrip("/"))


def _refusals(db: Session, customer_id: int) -> int:
    query = select(func.count()).where(MailOptOut.customer_id == customer_id)
    return int(db.scalar(query.select_from(MailOptOut)) or 0)


def test_it_signs_links_so_an_altered_one_names_nobody(settings: Settings) -> None:
    token = unsubscribe.make_token(42, unsubscribe.SURVEYS, secret=settings.secret_key)
    assert unsubscribe.read_token(token, secret=settings.secret_key) == (42, "surveys")
    forged = token.replace("42.", "43.", 1)
    assert unsubscribe.read_token(forged, secret=settings.secret_key) is None
    assert unsubscribe.read_token(token, secret="another secret") is None
    assert unsubscribe.read_token("42.surveys", secret=settings.secret_key) is None
    with pytest.raises(ValueError):
        unsubscribe.make_token(42, "marketing", secret=settings.secret_key)


def test_it_gives_the_rfc_8058_headers() -> None:
    headers = unsubscribe.mail_headers("https://crm.example/u/1.surveys.x")
    assert headers == {
        "List-Unsubscribe": "<https://crm.example/u/1.surveys.x>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def test_it_asks_on_get_and_unsubscribes_only_on_post(
    db: Session, anon: TestClient, settings: Settings
) -> None:
    customer_id = _customer(db, preferred_language="cs")
    path = _path(customer_id, unsubscribe.SURVEYS, settings)
    for _ in range(3):  # a mail scanner opening the link three times
        page = anon.get(path)
        assert page.status_code == 200
        assert '<html lang="cs">' in page.text
        assert "Jana" in page.text and "Nováková" not in page.text
    assert _refusals(db, customer_id) == 0
    done = anon.post(path)
    assert done.status_code == 200
    assert not unsubscribe.is_unsubscribed(db, customer_id=customer_id, topic="ideas")
    assert unsubscribe.is_unsubscribed(db, customer_id=customer_id, topic="surveys")
    again = anon.post(path, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert _refusals(db, customer_id) == 1


def test_it_switches_language_by_query_and_refuses_foreign_origins(
    db: Session, anon: TestClient, settings: Settings
) -> None:
    customer_id = _customer(db, preferred_language="sv")
    path = _path(customer_id, unsubscribe.IDEAS, settings)
    assert '<html lang="pl">' in anon.get(path + "?lang=pl-PL").text
    assert '<html lang="sv">' in anon.get(path).text  # the customer's own
    default = settings.default_language
    assert f'<html lang="{default}">' in anon.get(path + "?lang=xx").text  # unknown: default
    forged = anon.post(path, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    assert _refusals(db, customer_id) == 0


def test_it_answers_an_unknown_or_forged_link_with_a_clear_page(
    db: Session, anon: TestClient, settings: Settings
) -> None:
    customer_id = _customer(db)
    path = _path(customer_id, unsubscribe.SURVEYS, settings)
    forged = re.sub(r"[0-9a-f]{4}$", "0000", path)
    for bad in (forged, "/u/nothing", _path(customer_id + 1000, "surveys", settings)):
        page = anon.post(bad)
        assert page.status_code == 404
        assert "not valid" in page.text
    assert _refusals(db, customer_id) == 0


def test_it_limits_public_requests_per_address(
    db: Session, app: FastAPI, settings: Settings
) -> None:
    app.state.public_throttle = PublicThrottle(
        settings.model_copy(update={"public_requests_per_minute": 3})
    )
    customer_id = _customer(db)
    path = _path(customer_id, unsubscribe.SURVEYS, settings)
    with TestClient(app, follow_redirects=False) as client:
        codes = [client.get(path).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        refused = client.post(path)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert _refusals(db, customer_id) == 0
