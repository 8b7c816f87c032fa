"""Access that follows departments: Charlie (department B) never sees A's confidential notes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel
from centricity.interactions.schemas import InteractionCreate

SECRET_NOTE = "Confidential complaint about the manager SENTINEL-DEPT-A"


@pytest.fixture()
def a_record(db: Session, personas: Any) -> dict[str, int]:
    """A customer with one open note and one confidential note by Bob (department A)."""
    customer = customers.create(db, data=CustomerCreate(name="Shared Customer"), actor=personas.bob)
    interactions.create(
        db,
        data=InteractionCreate(customer_id=customer.id, channel=Channel.PHONE, note="Open note"),
        actor=personas.bob,
    )
    secret = interactions.create(
        db,
        data=InteractionCreate(
            customer_id=customer.id, channel=Channel.EMAIL, note=SECRET_NOTE, confidential=True
        ),
        actor=personas.bob,
    )
    db.commit()
    return {"customer": customer.id, "secret": secret.id}


def test_it_answers_404_to_charlie_for_a_confidential_note(
    a_record: dict[str, int], personas: Any, anon: Any, token_for: Any
) -> None:
    url = f"/api/v1/interactions/{a_record['secret']}"
    assert anon.get(url, headers=token_for(personas.charlie)).status_code == 404
    assert anon.get(url, headers=token_for(personas.alice)).status_code == 200
    assert anon.get(url, headers=token_for(personas.admin)).status_code == 200


def test_it_hides_the_note_from_charlies_lists_counts_and_timeline(
    a_record: dict[str, int], personas: Any, anon: Any, token_for: Any
) -> None:
    charlie = token_for(personas.charlie)
    listed = anon.get(f"/api/v1/interactions?customer_id={a_record['customer']}", headers=charlie)
    assert listed.json()["total"] == 1
    assert [i["note"] for i in listed.json()["items"]] == ["Open note"]
    timeline = anon.get(f"/api/v1/customers/{a_record['customer']}/timeline", headers=charlie)
    assert SECRET_NOTE not in timeline.text
    assert len(timeline.json()["items"]) == 1
    bob_view = anon.get(
        f"/api/v1/customers/{a_record['customer']}/timeline", headers=token_for(personas.bob)
    )
    assert SECRET_NOTE in bob_view.text


def test_it_keeps_the_note_off_charlies_pages(
    a_record: dict[str, int], personas: Any, browser_for: Any
) -> None:
    charlie = browser_for(personas.charlie).client
    page = charlie.get(f"/customers/{a_record['customer']}")
    assert page.status_code == 200
    assert "Open note" in page.text
    assert SECRET_NOTE not in page.text
    assert SECRET_NOTE not in charlie.get("/").text
    alice = browser_for(personas.alice).client
    assert SECRET_NOTE in alice.get(f"/customers/{a_record['customer']}").text


def test_it_lets_charlie_see_every_customer(
    a_record: dict[str, int], personas: Any, anon: Any, token_for: Any
) -> None:
    found = anon.get("/api/v1/customers?q=Shared", headers=token_for(personas.charlie)).json()
    assert [c["id"] for c in found["items"]] == [a_record["customer"]]
