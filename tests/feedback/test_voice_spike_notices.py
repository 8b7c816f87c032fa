"""Spike notices: the owner of a theme that rises significantly is told once per theme,
window and day, with a link to the theme's page; themes without an owner or not rising tell
nobody, and a second call the same day gives no second notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.customers.models import Customer
from centricity.feedback.analysis import notices
from centricity.feedback.analysis.models import Theme
from centricity.feedback.models import FeedbackItem
from centricity.notifications.models import Notification

AS_OF = datetime(2026, 6, 10, 12, tzinfo=UTC)


def _items(db: Session, customer: Customer, theme: Theme, count: int, day: int) -> None:
    """`count` items of the theme received `day` days before AS_OF (spread over that day),
    analysed as the analysis run leaves them (only analysed items count in spikes)."""
    start = AS_OF - timedelta(days=day)
    db.add_all(
        FeedbackItem(
            customer_id=customer.id,
            source="import",
            text=f"{theme.label} {day} {i}",
            theme_id=theme.id,
            received_at=start + timedelta(minutes=30 * i + 1),
            analysed_at=AS_OF,
        )
        for i in range(count)
    )


def _store(db: Session, personas: Any) -> tuple[Theme, Theme, Theme]:
    customer = Customer(name="Spike customer")
    late = Theme(label="late parcel", owner_user_id=personas.bob.id)
    price = Theme(label="price")
    app = Theme(label="app", owner_user_id=personas.alice.id)
    db.add_all([customer, late, price, app])
    db.flush()
    for day in range(2, 36):
        _items(db, customer, late, 1, day)
        _items(db, customer, price, 2, day)
        _items(db, customer, app, 2, day)
    _items(db, customer, late, 15, 1)  # the last day: fifteen times its usual count
    _items(db, customer, price, 2, 1)
    _items(db, customer, app, 2, 1)
    db.flush()
    return late, price, app


def _spike_notices(db: Session) -> list[Notification]:
    return list(db.scalars(select(Notification).where(Notification.kind == notices.KIND)))


def test_it_tells_the_owner_of_a_rising_theme_once(db: Session, personas: Any) -> None:
    late, _price, _app = _store(db, personas)
    given = notices.notify_spikes(db, as_of=AS_OF)
    found = _spike_notices(db)
    assert given == len(found) >= 1
    assert {n.user_id for n in found} == {personas.bob.id}
    assert {n.link for n in found} == {f"/voice/themes/{late.id}"}
    assert all(n.params["theme"] == "late parcel" and n.params["count"] >= 15 for n in found)
    assert notices.notify_spikes(db, as_of=AS_OF) == 0
    assert len(_spike_notices(db)) == len(found)
    # Later the same day the spike still shows: no window is told twice on one day.
    notices.notify_spikes(db, as_of=AS_OF + timedelta(hours=1))
    windows = [n.dedupe_key.split(":")[2] for n in _spike_notices(db)]
    assert sorted(windows) == sorted(set(windows)) and set(windows) <= {"day", "week"}


def test_a_rising_theme_without_an_owner_tells_nobody(db: Session, personas: Any) -> None:
    late, _price, _app = _store(db, personas)
    late.owner_user_id = None
    db.flush()
    assert notices.notify_spikes(db, as_of=AS_OF) == 0
    assert _spike_notices(db) == []


def test_a_quiet_store_tells_nobody(db: Session, personas: Any) -> None:
    customer = Customer(name="Quiet")
    theme = Theme(label="steady", owner_user_id=personas.bob.id)
    db.add_all([customer, theme])
    db.flush()
    for day in range(1, 36):
        _items(db, customer, theme, 2, day)
    db.flush()
    assert notices.notify_spikes(db, as_of=AS_OF) == 0
