"""What the feedback tests share beside fixtures."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Arranged:
    """A customer of department A's case, with a contact, an order and a case reply."""

    customer_id: int
    case_id: int
    interaction_id: int
    order_id: int
    message_id: int
    note_id: int  # an internal note of the case
    other_customer_id: int
