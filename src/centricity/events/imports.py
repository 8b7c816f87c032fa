"""The `events` import kind: deliveries, visits, appointments and service calls from a
planning system's export.

A row is one event, keyed by `external_id` (a re-import changes nothing; a changed time
moves the event), for a customer (`customer_external_id`), owned by a department (by
name). `starts_at` with an offset is that moment; without one it is read in the import's
time zone (`--timezone`); `time_zone` is the zone the notices count days in (default: the
installation's). After each batch the inserted or changed events get their notices
planned, moved or withdrawn (`notices.sync`), as when booked by hand.

Who may import what follows the event rule (`service.visibility`): the command line writes
every event; a manager only events of their own department.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

import polars as pl
from sqlalchemy import ColumnElement, Select, String, Table, false, literal, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.config import get_settings
from centricity.events import notices, service
from centricity.events.models import Event, EventKind, EventStatus
from centricity.imports import reasons
from centricity.imports.check import synonyms as syn
from centricity.imports.kinds import choices, words
from centricity.imports.registry import (
    CUSTOMER_REFERENCE,
    FieldSpec,
    KeyOption,
    KindSpec,
    Reference,
    register,
)
from centricity.imports.registry import FieldType as T
from centricity.kit.i18n import noop, pnoop
from centricity.kit.time import utcnow

CHUNK = 500


EVENT_ID = words(
    "event id|event number|booking id|booking number|appointment id|číslo události|"
    "číslo rezervace|id rezervace|boknings-id|bokningsnummer|rezervacijos nr|"
    "numer rezerwacji|id rezerwacji|номер записи|номер брони|id события"
)
KIND = words("kind|type|event type|druh|typ|typ události|händelsetyp|tipas|rodzaj|тип|вид")
KINDS: dict[str, tuple[str, ...]] = {
    EventKind.DELIVERY.value: words(
        "delivery|doručení|dodávka|leverans|pristatymas|dostawa|доставка"
    ),
    EventKind.VISIT.value: words("visit|návštěva|besök|vizitas|wizyta|визит|посещение"),
    EventKind.APPOINTMENT.value: words(
        "appointment|schůzka|termín|objednání|tidsbokning|möte|susitikimas|vizitas pas|"
        "spotkanie|umówiona wizyta|встреча|приём|прием"
    ),
    EventKind.SERVICE.value: words(
        "service|servis|servisní návštěva|service|serviceuppdrag|aptarnavimas|servisas|"
        "serwis|сервис|обслуживание"
    ),
}
STARTS_AT = words(
    "starts at|start|start time|when|date|time|začátek|datum|čas|termín|start|starttid|"
    "datum och tid|pradžia|data|laikas|początek|data i godzina|начало|дата|время"
)
TIME_ZONE = words(
    "time zone|timezone|tz|časové pásmo|tidszon|laiko juosta|strefa czasowa|часовой пояс"
)
PLACE = words(
    "place|address|location|místo|adresa|plats|adress|vieta|adresas|miejsce|adres|место|адрес"
)
DEPARTMENT = words("department|team|queue|oddělení|tým|avdelning|skyrius|dział|отдел|команда")
STATUSES: dict[str, tuple[str, ...]] = {
    EventStatus.SCHEDULED.value: words(
        "scheduled|planned|booked|naplánováno|plánováno|planerad|bokad|suplanuota|"
        "zaplanowane|zaplanowany|запланировано"
    ),
    EventStatus.MOVED.value: words(
        "moved|rescheduled|přesunuto|přeplánováno|flyttad|perkelta|przeniesione|перенесено"
    ),
    EventStatus.CANCELLED.value: words(
        "cancelled|canceled|zrušeno|avbokad|inställd|atšaukta|anulowane|odwołane|отменено"
    ),
    EventStatus.DONE.value: words(
        "done|completed|hotovo|dokončeno|klar|utförd|įvykdyta|wykonane|zakończone|выполнено"
    ),
}
DEFAULTS = {"status": EventStatus.SCHEDULED.value, "place": "", "note": ""}


ZONES = tuple(sorted(available_timezones()))


def _text(template: str, **values: str) -> ColumnElement[str]:
    return literal(reasons.fill(template, **values), String())


def _known_zone(_session: Session, staging: Table) -> Select[Any]:
    """A time zone is an IANA name as written (`Europe/Prague`)."""
    if "time_zone" not in staging.c:
        return select(staging.c.line, literal("")).where(false())
    reason = _text(reasons.NOT_TIME_ZONE, field="time_zone")
    return select(staging.c.line, reason).where(staging.c.time_zone.not_in(ZONES))


def _own_department(_session: Session, staging: Table, actor: User) -> Select[Any] | None:
    """A manager imports the events their own department owns (admins: any department)."""
    if actor.role_enum is Role.ADMIN:
        return None
    other = staging.c.department_id.is_distinct_from(actor.department_id)
    reason = _text(reasons.OWN_DEPARTMENT_EVENTS, field="department")
    return select(staging.c.line, reason).where(other)


def hidden_from(actor: User) -> ColumnElement[bool]:
    """Events the actor may not see (`service.visibility`, null-safe): an import never
    matches, changes, counts or names them."""
    if actor.role_enum is Role.ADMIN:
        return false()
    return service.visibility(actor).is_not(True)


def read_only_for(actor: User) -> ColumnElement[bool]:
    """Events the actor sees (they booked them) but another department owns."""
    if actor.role_enum is Role.ADMIN:
        return false()
    return Event.department_id.is_distinct_from(actor.department_id)


def _with_defaults(frame: pl.DataFrame, _mapped: frozenset[str]) -> pl.DataFrame:
    """Blank cells take the defaults (a blank time zone: the installation's)."""
    filled = [pl.col(c).fill_null(v) for c, v in DEFAULTS.items() if c in frame.columns]
    if "time_zone" in frame.columns:
        filled.append(pl.col("time_zone").fill_null(get_settings().time_zone))
    return frame.with_columns(*filled)


def _new_event() -> dict[str, Any]:
    """What a new event takes beside the file's columns."""
    now = utcnow()
    return {
        **DEFAULTS,
        "time_zone": get_settings().time_zone,
        "booked_at": now,
        "created_at": now,
        "updated_at": now,
    }


def sync_notices(session: Session, keys: list[Any], actor: User | None) -> None:
    """Plan, move or withdraw the notices of the imported events with these external ids."""
    del actor  # the rows were checked against the importer's rights before the merge
    now = utcnow()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        for event in session.scalars(select(Event).where(Event.external_id.in_(chunk))):
            notices.sync(session, event, now=now)
    session.flush()


EVENTS = register(
    KindSpec(
        name="events",
        table="events",
        description=noop(
            "scheduled deliveries, visits, appointments and service calls, keyed by "
            "external_id; customers by their external_id, departments by name"
        ),
        fields=(
            FieldSpec("external_id", required=True, max_length=100, synonyms=EVENT_ID),
            FieldSpec(
                "customer_external_id",
                required=True,
                column=None,
                max_length=100,
                synonyms=syn.CUSTOMER_REF,
            ),
            FieldSpec("kind", T.CHOICE, required=True, choices=choices(KINDS), synonyms=KIND),
            FieldSpec("starts_at", T.DATETIME, required=True, synonyms=STARTS_AT),
            FieldSpec("time_zone", max_length=64, synonyms=TIME_ZONE),
            FieldSpec("place", max_length=300, synonyms=PLACE),
            FieldSpec(
                "department", required=True, column=None, max_length=120, synonyms=DEPARTMENT
            ),
            FieldSpec("note", max_length=20_000, synonyms=syn.NOTE),
            FieldSpec("status", T.CHOICE, choices=choices(STATUSES), synonyms=syn.STATUS),
        ),
        keys=(KeyOption(("external_id",), "external_id"),),
        references=(
            CUSTOMER_REFERENCE,
            Reference("department", "department_id", "departments", key="name", label="department"),
        ),
        insert_defaults=_new_event,
        update_values=lambda: {"updated_at": utcnow()},
        prepare=_with_defaults,
        checks=(_known_zone,),
        after_change=sync_notices,
        min_role=Role.MANAGER,
        hidden=hidden_from,
        read_only=read_only_for,
        read_only_reason=reasons.READ_ONLY_EVENT,
        # An imported event was booked by its importer, as one booked by hand.
        owner_values=lambda actor: {"created_by_user_id": actor.id},
        actor_checks=(_own_department,),
    )
)

KIND_LABEL = pnoop("import kind", "events")
