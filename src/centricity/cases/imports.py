"""The `cases` import kind: a service desk's history from another system's export.

A row is one case, keyed by `external_id`, for a customer (`customer_external_id`) or a
requesting department (`requesting_department`), owned by a department and perhaps
assigned to a member of staff (`assignee_email`). After each batch the inserted or changed
cases get the service-level targets their policy gives them, counted from `opened_at` to
the recorded first response and solution (`import_targets.py`), so attainment covers the past.

Who may import what follows the case rule (`service.visibility`): the command line writes
every case; a manager only cases their own department owns. A row naming a case they
cannot see is refused in the words of a taken id (nothing is said about that case); one
naming a case they see but another department owns is refused as read-only, like another
department's contact.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.cases import import_targets
from centricity.cases import service as case_service
from centricity.cases.models import Case, Priority, Status
from centricity.db import Base
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

REQUESTERS = ("customer_external_id", "requesting_department")
DEFAULTS = {
    "priority": Priority.NORMAL.value,
    "status": Status.OPEN.value,
    "channel": "other",
    "description": "",
}
MAX_DESCRIPTION = 100_000  # as `CaseCreate.description`


CASE_ID = words(
    "case id|case number|case|ticket|ticket id|ticket number|request id|číslo případu|"
    "číslo požadavku|id požadavku|tiket|ärende-id|ärendenummer|ärendenr|atvejo nr|atvejo id|"
    "užklausos nr|numer zgłoszenia|id zgłoszenia|nr sprawy|номер обращения|номер заявки|"
    "номер тикета"
)
SUBJECT = words("subject|title|předmět|název|ämne|rubrik|tema|pavadinimas|temat|tytuł|тема")
DESCRIPTION = (
    *words("description|details|text|body|popis|beskrivning|aprašymas|opis|описание|текст"),
    *syn.NOTE,
)
PRIORITY = words("priority|prio|priorita|prioritet|prioritetas|priorytet|приоритет")
PRIORITIES = {
    "low": words("low|nízká|nízký|låg|žemas|žema|niski|niska|низкий"),
    "normal": words(
        "normal|medium|normální|střední|normal|medel|normalus|vidutinis|normalny|średni|"
        "обычный|средний"
    ),
    "high": words("high|vysoká|vysoký|hög|aukštas|aukšta|wysoki|wysoka|высокий"),
    "urgent": words(
        "urgent|critical|urgentní|naléhavá|kritická|brådskande|akut|skubus|skubi|kritinis|pilny|"
        "pilna|krytyczny|срочный|критический"
    ),
}
STATUSES = {
    "new": words("new|nový|nová|ny|naujas|nowy|новый|новая"),
    "open": words(
        "open|in progress|otevřený|otevřeno|řeší se|öppen|pågår|atviras|vykdomas|otwarty|"
        "w toku|открыт|открытый|в работе"
    ),
    "waiting_on_customer": words(
        "waiting on customer|pending|awaiting customer|čeká na zákazníka|väntar på kund|"
        "laukiama kliento|oczekuje na klienta|ожидает клиента"
    ),
    "waiting_on_third_party": words(
        "waiting on third party|on hold|čeká na třetí stranu|väntar på tredje part|"
        "laukiama trečiosios šalies|oczekuje na stronę trzecią|ожидает третьей стороны"
    ),
    "solved": words(
        "solved|resolved|vyřešeno|vyřešený|löst|löst ärende|išspręsta|išspręstas|rozwiązane|"
        "rozwiązany|решено|решён|решен"
    ),
    "closed": words(
        "closed|uzavřeno|uzavřený|stängd|stängt|uždaryta|uždarytas|zamknięte|zamknięty|закрыт|"
        "закрыто"
    ),
}
OPENED_AT = words(
    "opened|opened at|created|created at|date|reported|založeno|vytvořeno|datum založení|"
    "datum|öppnad|skapad|datum|sukurta|data|utworzono|data utworzenia|data zgłoszenia|"
    "создано|дата создания|дата"
)
FIRST_RESPONSE = words(
    "first response|first responded|first reply|first response at|první odpověď|"
    "första svar|pirmas atsakymas|pierwsza odpowiedź|первый ответ"
)
SOLVED_AT = words(
    "solved|resolved|solved at|resolved at|vyřešeno|datum vyřešení|löst|löst datum|"
    "išspręsta|rozwiązano|data rozwiązania|решено|дата решения"
)
DEPARTMENT = words("department|team|queue|oddělení|tým|avdelning|skyrius|dział|отдел|команда")
REQUESTING_DEPARTMENT = words(
    "requesting department|requester department|internal requester|žádající oddělení|"
    "beställande avdelning|prašantis skyrius|dział zgłaszający|отдел-заявитель"
)
ASSIGNEE = words(
    "assignee|assigned to|agent|assignee email|řešitel|přiřazeno|handläggare|tilldelad|"
    "atsakingas|vykdytojas|przypisany|odpowiedzialny|ответственный|исполнитель"
)


def _cases() -> Table:
    return Base.metadata.tables[Case.__tablename__]


def _value(staging: Table, name: str) -> ColumnElement[Any]:
    """A column of the staged row, or the stored case's when the file does not have it (a
    column a file leaves out keeps its stored value)."""
    if name in staging.c:
        return staging.c[name]
    cases = _cases()
    stored = select(cases.c[name]).where(cases.c.external_id == staging.c.external_id)
    return stored.scalar_subquery()


def _text(template: str, **values: str) -> ColumnElement[str]:
    return literal(reasons.fill(template, **values), String())


def _one_requester(_session: Session, staging: Table) -> Select[Any]:
    """A case is asked for by a customer or by a department: exactly one of them."""
    customer = _value(staging, "customer_id").is_(None)
    department = _value(staging, "requesting_department_id").is_(None)
    fields = ", ".join(REQUESTERS)
    reason = case(
        (customer, _text(reasons.ONE_OF_REQUIRED, fields=fields)),
        else_=_text(reasons.ONLY_ONE_OF, fields=fields),
    )
    return select(staging.c.line, reason).where(
        or_(and_(customer, department), ~customer & ~department)
    )


def _in_order(_session: Session, staging: Table) -> Select[Any]:
    """Nobody answers or solves a case before it was opened."""
    opened = staging.c.opened_at
    first = _value(staging, "first_responded_at") < opened
    solved = _value(staging, "solved_at") < opened
    reason = case(
        (first, _text(reasons.EARLIER_THAN, field="first_responded_at", other="opened_at")),
        else_=_text(reasons.EARLIER_THAN, field="solved_at", other="opened_at"),
    )
    return select(staging.c.line, reason).where(or_(first, solved))


def _solved_at_fits_status(_session: Session, staging: Table) -> Select[Any]:
    """A solved or closed case says when it was solved (its resolution time), and only
    such a case does (a reopened one is no longer solved)."""
    status = func.coalesce(_value(staging, "status"), DEFAULTS["status"])  # a new row's
    closed = status.in_(case_service.CLOSED_STATES)
    missing = _value(staging, "solved_at").is_(None)
    reason = case(
        (closed, _text(reasons.REQUIRED_WHEN_SOLVED, field="solved_at")),
        else_=_text(reasons.ONLY_WHEN_SOLVED, field="solved_at"),
    )
    return select(staging.c.line, reason).where(or_(and_(closed, missing), ~closed & ~missing))


def _own_department(_session: Session, staging: Table, actor: User) -> Select[Any] | None:
    """A manager imports the cases their own department owns (admins: any department)."""
    if actor.role_enum is Role.ADMIN:
        return None
    other = staging.c.department_id.is_distinct_from(actor.department_id)
    reason = _text(reasons.OWN_DEPARTMENT_ONLY, field="department")
    return select(staging.c.line, reason).where(other)


def _assignee_works_there(_session: Session, staging: Table) -> Select[Any]:
    """An assignee is an active agent, manager or admin; an agent or manager belongs to
    the owning department (as when a case is assigned by hand: an assignee sees the case,
    so naming someone of another department would show it to them)."""
    if "assignee_id" not in staging.c:
        return select(staging.c.line, literal("")).where(false())
    users = Base.metadata.tables[User.__tablename__]
    department = _value(staging, "department_id")
    fits = (
        select(users.c.id)
        .where(
            users.c.id == staging.c.assignee_id,
            users.c.is_active.is_(True),
            users.c.role != Role.VIEWER.value,
            or_(users.c.role == Role.ADMIN.value, users.c.department_id == department),
        )
        .exists()
    )
    reason = _text(reasons.NOT_DEPARTMENT_STAFF, field="assignee_email")
    return select(staging.c.line, reason).where(staging.c.assignee_id.is_not(None), ~fits)


def hidden_from(actor: User) -> ColumnElement[bool]:
    """Cases the actor may not see (`service.visibility`, null-safe): an import never
    matches, changes, counts or names them."""
    if actor.role_enum is Role.ADMIN:
        return false()
    return case_service.visibility(actor).is_not(True)


def read_only_for(actor: User) -> ColumnElement[bool]:
    """Cases the actor may see but another department owns (their department asked for
    it, or they are its assignee): only the owning department changes them by import."""
    if actor.role_enum is Role.ADMIN:
        return false()
    return Case.department_id.is_distinct_from(actor.department_id)


def _with_defaults(frame: pl.DataFrame, _mapped: frozenset[str]) -> pl.DataFrame:
    """Blank cells take the defaults; the requester the file lacks is cleared, since a case
    has one requester (naming a customer turns an internal request into a customer's)."""
    filled = [pl.col(c).fill_null(v) for c, v in DEFAULTS.items() if c in frame.columns]
    absent = [pl.lit(None, pl.String).alias(f) for f in REQUESTERS if f not in frame.columns]
    return frame.with_columns(*filled, *absent)


def _new_case() -> dict[str, Any]:
    """What a new case takes beside the file's columns."""
    now = utcnow()
    return {
        "kind": "case",
        **DEFAULTS,
        "tags": [],
        "reopened_count": 0,
        "created_at": now,
        "updated_at": now,
    }


CASES = register(
    KindSpec(
        name="cases",
        table="cases",
        description=noop(
            "service desk cases, keyed by external_id; customers by their external_id, "
            "departments by name, staff by e-mail"
        ),
        fields=(
            FieldSpec("external_id", required=True, max_length=100, synonyms=CASE_ID),
            FieldSpec(
                "customer_external_id", column=None, max_length=100, synonyms=syn.CUSTOMER_REF
            ),
            FieldSpec(
                "requesting_department",
                column=None,
                max_length=120,
                synonyms=REQUESTING_DEPARTMENT,
            ),
            FieldSpec("subject", required=True, max_length=300, synonyms=SUBJECT),
            FieldSpec("description", max_length=MAX_DESCRIPTION, synonyms=DESCRIPTION),
            FieldSpec("channel", T.CHOICE, choices=choices(syn.CHANNELS), synonyms=syn.CHANNEL),
            FieldSpec("priority", T.CHOICE, choices=choices(PRIORITIES), synonyms=PRIORITY),
            FieldSpec("status", T.CHOICE, choices=choices(STATUSES), synonyms=syn.STATUS),
            FieldSpec("opened_at", T.DATETIME, required=True, not_future=True, synonyms=OPENED_AT),
            FieldSpec("first_responded_at", T.DATETIME, not_future=True, synonyms=FIRST_RESPONSE),
            FieldSpec("solved_at", T.DATETIME, not_future=True, synonyms=SOLVED_AT),
            FieldSpec(
                "department", required=True, column=None, max_length=120, synonyms=DEPARTMENT
            ),
            FieldSpec("assignee_email", T.EMAIL, column=None, synonyms=ASSIGNEE),
        ),
        keys=(KeyOption(("external_id",), "external_id"),),
        references=(
            CUSTOMER_REFERENCE,
            Reference(
                "requesting_department",
                "requesting_department_id",
                "departments",
                key="name",
                label="department",
            ),
            Reference("department", "department_id", "departments", key="name", label="department"),
            # E-mail cells are lower-cased when checked, as staff e-mails are stored.
            Reference("assignee_email", "assignee_id", "users", key="email", label="user"),
        ),
        insert_defaults=_new_case,
        update_values=lambda: {"updated_at": utcnow()},
        prepare=_with_defaults,
        checks=(_one_requester, _in_order, _solved_at_fits_status, _assignee_works_there),
        after_change=import_targets.rebuild,
        min_role=Role.MANAGER,
        hidden=hidden_from,
        read_only=read_only_for,
        read_only_reason=reasons.READ_ONLY_CASE,
        # An imported case was entered by its importer, as one opened by hand.
        owner_values=lambda actor: {"created_by_user_id": actor.id},
        actor_checks=(_own_department,),
    )
)

KIND_LABEL = pnoop("import kind", "cases")
