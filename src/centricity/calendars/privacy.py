"""Personal data of business calendars: none.

A calendar describes when an organisation works (hours, time zone, holidays, dates it is
closed or open); it names no person, so there is nothing to export or erase.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from centricity.privacy.registry import Classification, Export, PersonRef, Tables

N = Classification.NONE

CLASSIFICATION: Tables = {
    "calendars": dict.fromkeys(
        (
            "id",
            "name",
            "time_zone",
            "hours",
            "holiday_country",
            "holiday_categories",
            "closed_dates",
            "open_dates",
            "created_at",
            "updated_at",
        ),
        N,
    ),
}


def export(session: Session, person: PersonRef) -> Export:
    """Nothing: calendars hold no personal data."""
    del session, person
    return {}


def erase(session: Session, person: PersonRef) -> dict[str, int]:
    """Nothing to erase: calendars hold no personal data."""
    del session, person
    return {}
