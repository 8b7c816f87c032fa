"""Personal data of analytics bookkeeping: none (runs hold parameters and aggregate stats).

Per-customer results added later must be classified here and erased with the customer.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from centricity.privacy.registry import Classification, Export, PersonRef, Tables

N = Classification.NONE

CLASSIFICATION: Tables = {
    "analytics_runs": {
        "id": N,
        "kind": N,
        "as_of_date": N,
        "params_key": N,
        "params": N,
        "status": N,
        "started_at": N,
        "finished_at": N,
        "stats": N,
        "error": N,
    },
}


def export(session: Session, person: PersonRef) -> Export:
    """Nothing: analytics runs describe the whole customer base, not one person."""
    del session, person
    return {}


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Nothing to change: run statistics are aggregates."""
    del session, person
    return {}
