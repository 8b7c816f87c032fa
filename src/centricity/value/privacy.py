"""Personal data of the value engine: scores that profile a customer.

Value scores are derived from orders and contacts and describe one person's behaviour
(profiling, GDPR art. 4(4)), so erasure deletes them; segment and tier counts of past runs
shrink by one, while order totals, which the scores came from, stay unchanged.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from centricity.privacy.registry import Classification, Export, PersonRef, Tables, to_rows
from centricity.value.models import CustomerValue

S = Classification.PSEUDONYMOUS
P = Classification.PERSONAL

_SCORES = (
    "orders_count",
    "frequency",
    "recency_days",
    "tenure_days",
    "days_since_last_order",
    "revenue",
    "margin",
    "monetary_value",
    "r_score",
    "f_score",
    "m_score",
    "segment",
    "probability_alive",
    "expected_purchases_90d",
    "expected_spend",
    "clv",
    "contacts_count",
    "cost_to_serve",
    "historic_profit",
    "predicted_profit",
    "tier",
)

CLASSIFICATION: Tables = {
    "customer_values": {
        "id": S,
        "run_id": S,
        "customer_id": S,
        "as_of_date": S,
        **dict.fromkeys(_SCORES, P),
    },
}


def export(session: Session, person: PersonRef) -> Export:
    """Every value score of the person's customer records, oldest run first."""
    if not person.customer_ids:
        return {"customer_values": []}
    query = select(CustomerValue).where(CustomerValue.customer_id.in_(person.customer_ids))
    rows = session.scalars(query.order_by(CustomerValue.run_id, CustomerValue.id))
    return {"customer_values": to_rows(rows, CLASSIFICATION["customer_values"])}


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Delete the person's value scores (profiles are not kept for erased customers)."""
    if not person.customer_ids:
        return {"customer_values": 0}
    statement = delete(CustomerValue).where(CustomerValue.customer_id.in_(person.customer_ids))
    result = session.execute(statement.execution_options(synchronize_session=False))
    return {"customer_values": int(getattr(result, "rowcount", 0) or 0)}
