"""`customers.service.named_in_form`: the customer a form's `customer_id` names, or None."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate


def test_a_form_names_a_customer_only_by_a_plain_id_in_range(db: Session, personas: Any) -> None:
    jana = customers.create(db, data=CustomerCreate(name="Jana"), actor=None)
    bob = personas.bob
    assert customers.named_in_form(db, str(jana.id), actor=bob) is jana
    assert customers.named_in_form(db, jana.id, actor=bob) is jana
    for value in (None, "", "abc", "²", "-1", "99999999999999999999", str(jana.id + 1000)):
        assert customers.named_in_form(db, value, actor=bob) is None, value
