"""The done notice: each customer who asked, in their language, once, with an unsubscribe
link; never to the employee who made the change, nor without an address."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.config import get_settings
from centricity.ideas import notices, requesters, service
from centricity.ideas.models import Idea
from centricity.ideas.schemas import IdeaCreate, IdeaUpdate, RequesterCreate
from centricity.notifications import unsubscribe
from centricity.notifications.models import OutboxMessage
from ideas_data import Shop, customer


def _asked_by(db: Session, personas: Any, *customer_ids: int) -> Idea:
    idea = service.create(db, data=IdeaCreate(title="Dark mode"), actor=personas.bob)
    for customer_id in customer_ids:
        data = RequesterCreate(customer_id=customer_id)
        requesters.add(db, idea=idea, data=data, actor=personas.bob)
    return idea


def _status(db: Session, idea: Idea, status: str, actor: Any) -> None:
    service.update(db, idea=idea, data=IdeaUpdate(status=status), actor=actor)


def _outbox(db: Session, idea: Idea) -> dict[str, OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"idea-done:{idea.id}:%"))
    return {m.to_address: m for m in db.scalars(query)}


def test_it_tells_each_customer_in_their_language_with_an_unsubscribe_link(
    db: Session, personas: Any, shop: Shop
) -> None:
    idea = _asked_by(db, personas, shop.anna.id, shop.bert.id, shop.cecilie.id)
    _status(db, idea, "done", personas.alice)
    sent = _outbox(db, idea)
    assert sorted(sent) == ["anna@example.se", "bert@example.pl", "cecilie@example.cz"]
    subjects = {address: m.subject for address, m in sent.items()}
    assert subjects == {
        "anna@example.se": "Klart: Dark mode",
        "bert@example.pl": "Gotowe: Dark mode",
        "cecilie@example.cz": "Hotovo: Dark mode",
    }
    anna = sent["anna@example.se"]
    assert anna.body.startswith("Hej Anna Svensson,")
    assert anna.headers["Content-Language"] == "sv"
    url = anna.headers["List-Unsubscribe"].strip("<>")
    assert url in anna.body
    token = url.rsplit("/u/", 1)[1]
    secret = get_settings().secret_key
    assert unsubscribe.read_token(token, secret=secret) == (shop.anna.id, "ideas")
    assert anna.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert anna.headers["Auto-Submitted"] == "auto-generated"


def test_it_mails_in_every_language_of_the_staff_app(db: Session, personas: Any) -> None:
    expected = {
        "en": "Done: Dark mode",
        "cs": "Hotovo: Dark mode",
        "sv": "Klart: Dark mode",
        "lt": "Įgyvendinta: Dark mode",
        "pl": "Gotowe: Dark mode",
        "ru": "Готово: Dark mode",
    }
    people = {
        code: customer(db, f"Kunde {code}", email=f"{code}@example.eu", preferred_language=code)
        for code in expected
    }
    idea = _asked_by(db, personas, *(c.id for c in people.values()))
    _status(db, idea, "done", personas.alice)
    got = {m.headers["Content-Language"]: m.subject for m in _outbox(db, idea).values()}
    assert got == expected


def test_it_never_mails_the_acting_employee_nor_customers_without_an_address(
    db: Session, personas: Any, shop: Shop
) -> None:
    herself = customer(db, "Alice as a customer", email="ALICE@test.example")
    erased = customer(db, "Erased", email="gone@example.cz")
    idea = _asked_by(db, personas, shop.anna.id, shop.dmitri.id, herself.id, erased.id)
    erased.erased_at = erased.created_at
    db.flush()
    _status(db, idea, "done", personas.alice)
    assert sorted(_outbox(db, idea)) == ["anna@example.se"]


def test_it_never_mails_a_customer_who_unsubscribed_from_idea_news(
    db: Session, personas: Any, shop: Shop
) -> None:
    idea = _asked_by(db, personas, shop.anna.id, shop.bert.id, shop.cecilie.id)
    unsubscribe.unsubscribe(db, customer_id=shop.anna.id, topic="ideas")
    unsubscribe.unsubscribe(db, customer_id=shop.bert.id, topic="surveys")  # another topic
    _status(db, idea, "done", personas.alice)
    assert sorted(_outbox(db, idea)) == ["bert@example.pl", "cecilie@example.cz"]


def test_it_mails_once_when_an_idea_is_done_a_second_time(
    db: Session, personas: Any, shop: Shop
) -> None:
    idea = _asked_by(db, personas, shop.anna.id)
    _status(db, idea, "done", personas.alice)
    requesters.add(
        db, idea=idea, data=RequesterCreate(customer_id=shop.bert.id), actor=personas.bob
    )
    _status(db, idea, "planned", personas.alice)
    _status(db, idea, "done", personas.admin)
    sent = _outbox(db, idea)
    assert sorted(sent) == ["anna@example.se", "bert@example.pl"]  # Bert joined in between
    assert len(db.scalars(select(OutboxMessage.id)).all()) == 2
    assert notices.dedupe_key(idea.id, shop.anna.id) == sent["anna@example.se"].dedupe_key
