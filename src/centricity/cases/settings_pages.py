"""Admin pages for service levels: departments, business calendars, service-level policies
and who works where and when, on one overview with create and edit forms.

The forms are a front end to the REST API's rules: they parse into the same schemas
(`CalendarCreate`/`CalendarUpdate`, `SlaPolicyCreate`/`SlaPolicyUpdate`, `StaffUpdate`,
`DepartmentCreate`) and call the same service functions, so what the API refuses the
pages refuse too, with the field named (422; a taken name 409) and nothing stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Annotated, Any, TypeVar
from zoneinfo import available_timezones

import holidays
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.accounts.schemas import DepartmentCreate, StaffUpdate
from centricity.calendars import service as calendars
from centricity.calendars.hours import WEEKDAYS
from centricity.calendars.models import ROUND_THE_CLOCK, Calendar
from centricity.calendars.schemas import CalendarCreate, CalendarUpdate
from centricity.cases import policies
from centricity.cases.models import Priority, SlaPolicy, Status, TargetKind
from centricity.cases.schemas import SlaPolicyCreate, SlaPolicyUpdate
from centricity.interactions.models import Channel
from centricity.kit import localeformat
from centricity.kit.errors import DomainError
from centricity.kit.i18n import LazyText, lazy
from centricity.kit.validation import friendly_text
from centricity.value import queries as value_queries
from centricity.web.api import PathId
from centricity.web.csrf import CSRF_FIELD, csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, form_fields
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/settings/service-levels", include_in_schema=False)
Admin = Annotated[User, require_page(Role.ADMIN)]
HOME = "/settings/service-levels"
SchemaT = TypeVar("SchemaT", bound=BaseModel)

# Statuses that may pause a policy's clocks (solved and closed stop them instead).
PAUSABLE = tuple(s.value for s in Status if s not in (Status.SOLVED, Status.CLOSED))
MINUTE_FIELDS = tuple(f"{kind.value}_minutes" for kind in TargetKind)
CONDITION_KEYS = ("tier", "priority", "channel", "department_id", "internal", "tag")
# The internal condition as the form offers it.
INTERNAL_CHOICES = {"yes": True, "no": False}

CALENDAR_FIELDS = (
    "name",
    "time_zone",
    "hours",
    *(f"hours_{day}" for day in WEEKDAYS),
    "holiday_country",
    "holiday_categories",
    "closed_dates",
    "open_dates",
)
POLICY_FIELDS = (
    "name",
    "position",
    *(f"condition_{key}" for key in CONDITION_KEYS),
    "calendar_id",
    *MINUTE_FIELDS,
    "pause_statuses",
    "escalate_to_user_id",
    "escalate_to_department_id",
    "escalate_raise_priority",
    "is_active",
)

_SPAN = re.compile(r"^(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})$")
BAD_HOURS = lazy(
    "Write intervals such as 08:00-12:00, 13:00-17:00 (00:00-24:00 for the whole day); "
    "leave empty for a closed day."
)


# --- reading the forms ----------------------------------------------------------------


def _validate(schema: type[SchemaT], data: dict[str, Any]) -> tuple[SchemaT | None, FormErrors]:
    """Validate form data against an API schema; errors are keyed by the form's field names
    (`conditions.tier` becomes `condition_tier`, an item of a list its list)."""
    try:
        return schema.model_validate(data), {}
    except ValidationError as exc:
        errors: FormErrors = {}
        for err in exc.errors():
            path = [str(part) for part in err.get("loc", ()) if isinstance(part, str)]
            key = ".".join(path[:2]) if path[:1] == ["conditions"] else (path or ["form"])[0]
            errors.setdefault(form_field(key), friendly_text(dict(err)))
        return None, errors


def form_field(key: str) -> str:
    """The form field that shows an error the schemas or services name by their own field
    (`conditions.department_id` → `condition_department_id`; `hours` stays `hours`)."""
    if key.startswith("conditions."):
        return "condition_" + key.removeprefix("conditions.")
    return key


def _domain_errors(exc: DomainError) -> FormErrors:
    return {form_field(exc.field) if exc.field else "form": exc.message}


def shown(errors: FormErrors, fields: Iterable[str]) -> FormErrors:
    """The errors keyed by fields the form has; one about anything else (a field the form
    does not show) is the whole form's, so no error goes unseen."""
    known = set(fields)
    result: FormErrors = {}
    for key, message in errors.items():
        result.setdefault(key if key in known else "form", message)
    return result


def parse_intervals(text: str) -> list[list[str]]:
    """A day's working time as written in the form (`08:00-12:00, 13:00-17:00`) as the
    API's `[start, end]` pairs; empty is a closed day. The clock times themselves are
    checked by the schema; a piece that is not `start-end` raises ValueError."""
    spans = []
    for piece in re.split(r"[,;]", text):
        piece = piece.strip()
        if not piece:
            continue
        match = _SPAN.match(piece)
        if match is None:
            raise ValueError(piece)
        spans.append([match[1].zfill(5), match[2].zfill(5)])
    return spans


def intervals_text(spans: Iterable[Iterable[str]]) -> str:
    """`[start, end]` pairs as the form writes them: `08:00-12:00, 13:00-17:00`."""
    return ", ".join("-".join(span) for span in spans)


def parse_dates(text: str) -> tuple[list[str], str | None]:
    """ISO dates one a line or separated by commas; also the first piece that is not a
    date (None when all are)."""
    found = []
    for piece in re.split(r"[\s,;]+", text):
        if not piece:
            continue
        try:
            found.append(date.fromisoformat(piece).isoformat())
        except ValueError:
            return found, piece
    return found, None


def _calendar_data(values: dict[str, str]) -> tuple[dict[str, Any], FormErrors]:
    """The calendar form as the API's input, and the errors of what could not be read."""
    errors: FormErrors = {}
    hours: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        try:
            hours[day] = parse_intervals(values.get(f"hours_{day}", ""))
        except ValueError:
            errors[f"hours_{day}"] = BAD_HOURS
            hours[day] = []
    categories = [c.strip() for c in values.get("holiday_categories", "").split(",")]
    data: dict[str, Any] = {
        "name": values.get("name", ""),
        "time_zone": values.get("time_zone", ""),
        "hours": hours,
        "holiday_country": values.get("holiday_country") or None,
        "holiday_categories": [c for c in categories if c] or ["public"],
    }
    for field in ("closed_dates", "open_dates"):
        data[field], wrong = parse_dates(values.get(field, ""))
        if wrong is not None:
            errors[field] = lazy(
                "“%(value)s” is not a date: write dates as 2026-12-24, one a line or "
                "separated by commas.",
                value=wrong[:40],
            )
    return data, errors


def _check_calendar(
    schema: type[SchemaT], values: dict[str, str]
) -> tuple[SchemaT | None, FormErrors]:
    """Read the calendar form and validate it as the API does; an hours error the schema
    gives for the week is shown at the weekday it names."""
    data, errors = _calendar_data(values)
    parsed, schema_errors = _validate(schema, data)
    hours_error = schema_errors.pop("hours", None)
    if hours_error is not None:
        # "mon: the interval 12:00-08:00 ends before it starts" belongs to Monday's field.
        text = hours_error.msgid if isinstance(hours_error, LazyText) else str(hours_error)
        day = text.split(":", 1)[0]
        if day in WEEKDAYS:
            errors.setdefault(f"hours_{day}", hours_error)
        elif not any(key.startswith("hours_") for key in errors):
            errors["hours"] = hours_error
    for key, message in schema_errors.items():
        errors.setdefault(key, message)
    return (parsed if not errors else None), errors


def _policy_data(values: dict[str, str], pause: list[str], *, edit: bool) -> dict[str, Any]:
    """The policy form as the API's input: empty selects and minutes are "any" / "none"."""
    conditions: dict[str, Any] = {
        key: values[f"condition_{key}"]
        for key in ("tier", "priority", "channel", "department_id", "tag")
        if values.get(f"condition_{key}")
    }
    internal = values.get("condition_internal", "")
    if internal:
        conditions["internal"] = INTERNAL_CHOICES.get(internal, internal)
    data: dict[str, Any] = {
        "name": values.get("name", ""),
        "conditions": conditions,
        "calendar_id": values.get("calendar_id") or None,
        "pause_statuses": pause,
        "escalate_to_user_id": values.get("escalate_to_user_id") or None,
        "escalate_to_department_id": values.get("escalate_to_department_id") or None,
        "escalate_raise_priority": "escalate_raise_priority" in values,
        **{field: values.get(field) or None for field in MINUTE_FIELDS},
    }
    if values.get("position"):
        data["position"] = values["position"]
    if edit:
        data["is_active"] = "is_active" in values
    return data


async def _posted(request: Request) -> tuple[dict[str, str], list[str]]:
    """The form's text fields and its ticked pause statuses."""
    values = await form_fields(request)
    form = await request.form()
    pause = [str(v) for v in form.getlist("pause_statuses") if isinstance(v, str)]
    values.pop(CSRF_FIELD, None)
    values.pop("pause_statuses", None)
    return values, pause


def _only_changed(schema: type[SchemaT], data: SchemaT, changed: set[str]) -> SchemaT:
    """The same validated change with only the fields that differ from what is stored,
    so an unchanged calendar does not recompute due times and the audit names real
    changes."""
    return schema.model_construct(
        _fields_set=changed, **{name: getattr(data, name) for name in changed}
    )


# --- what the pages show --------------------------------------------------------------


@dataclass(frozen=True)
class DaySpan:
    """Consecutive weekdays with the same working intervals (`mon`–`fri` 08:00–16:00)."""

    first: str
    last: str
    text: str


def hours_summary(hours: dict[str, list[list[str]]]) -> list[DaySpan]:
    """A calendar's week in brief: runs of weekdays with the same hours; closed days are
    left out."""
    spans: list[DaySpan] = []
    for day in WEEKDAYS:
        text = ", ".join("–".join(pair) for pair in hours.get(day) or [])
        previous = spans[-1] if spans else None
        if text and previous and previous.text == text and _follows(previous.last, day):
            spans[-1] = DaySpan(previous.first, day, text)
        elif text:
            spans.append(DaySpan(day, day, text))
    return spans


def _follows(earlier: str, day: str) -> bool:
    return WEEKDAYS.index(day) == WEEKDAYS.index(earlier) + 1


@cache
def _time_zones() -> list[str]:
    return sorted(available_timezones())


@cache
def _holiday_countries() -> tuple[str, ...]:
    return tuple(sorted(holidays.list_supported_countries()))


def _countries() -> list[tuple[str, str]]:
    """Holiday countries as (code, name in the viewer's language), by name (called while
    the page renders, when the viewer's language is known)."""
    named = [(code, localeformat.country(code)) for code in _holiday_countries()]
    return sorted(named, key=lambda pair: pair[1].casefold())


def _tiers(session: Session, *extra: str | None) -> list[str]:
    """The value engine's tier names, best first, plus any a policy already names."""
    run = value_queries.latest_run(session)
    names = value_queries.tier_order(run) if run is not None else []
    return names + [name for name in extra if name and name not in names]


def _escalation_staff(session: Session, current: str | None) -> list[User]:
    """Who a breach may hand cases to: active staff who work cases (and the one a policy
    already names, so that saving it does not drop them unseen)."""
    found = [
        u for u in accounts.list_users(session) if u.is_active and u.role_enum is not Role.VIEWER
    ]
    if current and current.isdigit() and all(u.id != int(current) for u in found):
        named = session.get(User, int(current))
        if named is not None:
            found.append(named)
    return found


def _overview(
    request: Request, session: Session, user: User, status: int = 200, **extra: Any
) -> Response:
    """The overview page; `extra` carries a refused department or staff form's input."""
    departments = accounts.list_departments(session)
    all_calendars = calendars.list(session)
    staff = accounts.list_users(session)
    members: dict[int, int] = {}
    for person in staff:
        if person.department_id is not None:
            members[person.department_id] = members.get(person.department_id, 0) + 1
    context: dict[str, Any] = {
        "user": user,
        "departments": departments,
        "department_names": {d.id: d.name for d in departments},
        "members": members,
        "calendars": all_calendars,
        "calendar_names": {c.id: c.name for c in all_calendars},
        "summaries": {c.id: hours_summary(c.hours) for c in all_calendars},
        "round_the_clock": ROUND_THE_CLOCK,
        "policies": policies.list(session),
        "minute_fields": MINUTE_FIELDS,
        "staff": staff,
        "user_names": {u.id: u.name for u in staff},
        "department_values": {},
        "department_errors": {},
        "staff_values": {},
        "staff_errors": {},
        "saved": request.query_params.get("saved", ""),
        **extra,
    }
    return render(request, "cases/settings/index.html", context, status_code=status)


@router.get("", response_class=HTMLResponse)
def service_levels(request: Request, session: DbSession, user: Admin) -> Response:
    """The service-level settings: departments, business calendars, policies in the order
    they are tried, and each person's department and working calendar."""
    return _overview(request, session, user)


@router.post("/departments", dependencies=[Depends(csrf_protect)])
async def add_department(request: Request, session: DbSession, user: Admin) -> Response:
    """Add a department (a team that owns cases and may request work from others)."""
    values = await form_fields(request)
    data, errors = _validate(DepartmentCreate, {"name": values.get("name", "")})
    status = 422
    if data is not None:
        try:
            accounts.create_department(session, name=data.name, actor=user)
            return RedirectResponse(f"{HOME}?saved=department#departments", status_code=303)
        except DomainError as exc:
            session.rollback()
            errors, status = _domain_errors(exc), exc.status_code
    return _overview(
        request, session, user, status, department_values=values, department_errors=errors
    )


@router.post("/staff/{user_id}", dependencies=[Depends(csrf_protect)])
async def set_staff(request: Request, session: DbSession, user: Admin, user_id: PathId) -> Response:
    """Move a person to a department and set the calendar of their working hours (empty:
    warnings reach them at any time); the same change as `PATCH /api/v1/users/{id}`."""
    person = accounts.get(session, user_id)
    values = await form_fields(request)
    submitted: dict[str, Any] = {"calendar_id": values.get("calendar_id") or None}
    if values.get("department_id"):
        submitted["department_id"] = values["department_id"]
    data, errors = _validate(StaffUpdate, submitted)
    status = 422
    if data is not None:
        try:
            accounts.update_staff(session, user=person, data=data, actor=user)
            return RedirectResponse(f"{HOME}?saved=staff#staff", status_code=303)
        except DomainError as exc:
            session.rollback()
            errors, status = _domain_errors(exc), exc.status_code
    return _overview(
        request,
        session,
        user,
        status,
        staff_values={person.id: values},
        staff_errors={person.id: errors},
    )


# --- calendars ------------------------------------------------------------------------


def calendar_values(calendar: Calendar) -> dict[str, str]:
    """A stored calendar as the form shows it."""
    values = {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "holiday_country": calendar.holiday_country or "",
        "holiday_categories": ", ".join(calendar.holiday_categories or ["public"]),
        "closed_dates": "\n".join(sorted(calendar.closed_dates)),
        "open_dates": "\n".join(sorted(calendar.open_dates)),
    }
    for day in WEEKDAYS:
        values[f"hours_{day}"] = intervals_text(calendar.hours.get(day) or [])
    return values


def _calendar_form(
    request: Request,
    user: User,
    values: dict[str, str],
    errors: FormErrors,
    calendar: Calendar | None = None,
    status: int = 200,
) -> Response:
    context = {
        "user": user,
        "calendar": calendar,
        "is_round_the_clock": calendar is not None and calendar.name == ROUND_THE_CLOCK,
        "values": values,
        "errors": shown(errors, CALENDAR_FIELDS),
        "weekdays": WEEKDAYS,
        "time_zones": _time_zones(),
        "countries": _countries,
    }
    return render(request, "cases/settings/calendar.html", context, status_code=status)


@router.get("/calendars/new", response_class=HTMLResponse)
def new_calendar(request: Request, user: Admin) -> Response:
    """The form for a new business calendar (office hours Monday to Friday to start)."""
    values = {f"hours_{day}": "08:00-16:00" for day in WEEKDAYS[:5]}
    values.update(time_zone=request.app.state.settings.time_zone, holiday_categories="public")
    return _calendar_form(request, user, values, {})


@router.post("/calendars/new", dependencies=[Depends(csrf_protect)])
async def create_calendar(request: Request, session: DbSession, user: Admin) -> Response:
    """Add the calendar from the form; what the API would refuse comes back with the field
    named and nothing stored."""
    values = await form_fields(request)
    data, errors = _check_calendar(CalendarCreate, values)
    if data is None:
        return _calendar_form(request, user, values, errors, status=422)
    try:
        calendars.create(session, data=data, actor=user)
    except DomainError as exc:
        session.rollback()
        return _calendar_form(request, user, values, _domain_errors(exc), status=exc.status_code)
    return RedirectResponse(f"{HOME}?saved=calendar#calendars", status_code=303)


@router.get("/calendars/{calendar_id}", response_class=HTMLResponse)
def edit_calendar(
    request: Request, session: DbSession, user: Admin, calendar_id: PathId
) -> Response:
    """A calendar's form. The 24/7 calendar can be changed like any other, as through the
    API; the page says that policies without a calendar count in it."""
    calendar = calendars.get(session, calendar_id)
    return _calendar_form(request, user, calendar_values(calendar), {}, calendar)


@router.post("/calendars/{calendar_id}", dependencies=[Depends(csrf_protect)])
async def save_calendar(
    request: Request, session: DbSession, user: Admin, calendar_id: PathId
) -> Response:
    """Save the calendar's form. Only what changed is written: a change of working time
    moves the due times of the running targets that count in it."""
    calendar = calendars.get(session, calendar_id)
    values = await form_fields(request)
    data, errors = _check_calendar(CalendarUpdate, values)
    if data is None:
        return _calendar_form(request, user, values, errors, calendar, 422)
    stored = calendar_values(calendar)
    submitted = calendar_values(_as_calendar(data))
    changed = {
        field
        for field in CalendarUpdate.model_fields
        if _form_keys(field, stored) != _form_keys(field, submitted)
    }
    if changed:
        try:
            calendars.update(
                session,
                calendar=calendar,
                data=_only_changed(CalendarUpdate, data, changed),
                actor=user,
            )
        except DomainError as exc:
            session.rollback()
            calendar = calendars.get(session, calendar_id)
            return _calendar_form(
                request, user, values, _domain_errors(exc), calendar, exc.status_code
            )
    return RedirectResponse(f"{HOME}?saved=calendar#calendars", status_code=303)


def _as_calendar(data: CalendarUpdate) -> Calendar:
    """A validated full form as an unsaved calendar, to compare with the stored one."""
    return Calendar(
        name=data.name,
        time_zone=data.time_zone,
        hours=data.hours or {},
        holiday_country=data.holiday_country,
        holiday_categories=data.holiday_categories,
        closed_dates=sorted({d.isoformat() for d in data.closed_dates or ()}),
        open_dates=sorted({d.isoformat() for d in data.open_dates or ()}),
    )


def _form_keys(field: str, values: dict[str, str]) -> tuple[str, ...]:
    if field == "hours":
        return tuple(values[f"hours_{day}"] for day in WEEKDAYS)
    return (values[field],)


# --- policies -------------------------------------------------------------------------


def policy_values(policy: SlaPolicy) -> dict[str, Any]:
    """A stored policy as the form shows it."""
    conditions = policy.conditions or {}
    internal = conditions.get("internal")
    values: dict[str, Any] = {
        "name": policy.name,
        "position": str(policy.position),
        "calendar_id": str(policy.calendar_id),
        "pause_statuses": list(policy.pause_statuses or []),
        "escalate_to_user_id": str(policy.escalate_to_user_id or ""),
        "escalate_to_department_id": str(policy.escalate_to_department_id or ""),
        "escalate_raise_priority": "1" if policy.escalate_raise_priority else "",
        "is_active": "1" if policy.is_active else "",
        "condition_internal": "" if internal is None else ("yes" if internal else "no"),
    }
    for key in ("tier", "priority", "channel", "department_id", "tag"):
        value = conditions.get(key)
        values[f"condition_{key}"] = "" if value is None else str(value)
    for field in MINUTE_FIELDS:
        minutes = getattr(policy, field)
        values[field] = "" if minutes is None else str(minutes)
    return values


def _policy_form(
    request: Request,
    session: Session,
    user: User,
    values: dict[str, Any],
    errors: FormErrors,
    policy: SlaPolicy | None = None,
    status: int = 200,
) -> Response:
    context = {
        "user": user,
        "policy": policy,
        "values": values,
        "errors": shown(errors, POLICY_FIELDS),
        "tiers": _tiers(session, values.get("condition_tier")),
        "has_value_run": value_queries.latest_run(session) is not None,
        "priorities": [p.value for p in Priority],
        "channels": [c.value for c in Channel],
        "departments": accounts.list_departments(session),
        "calendars": calendars.list(session),
        "minute_fields": [(field, field.removesuffix("_minutes")) for field in MINUTE_FIELDS],
        "pausable": PAUSABLE,
        "staff": _escalation_staff(session, values.get("escalate_to_user_id")),
    }
    return render(request, "cases/settings/policy.html", context, status_code=status)


@router.get("/policies/new", response_class=HTMLResponse)
def new_policy(request: Request, session: DbSession, user: Admin) -> Response:
    """The form for a new service-level policy, placed after the existing ones."""
    existing = policies.list(session)
    values: dict[str, Any] = {
        "position": str(max((p.position for p in existing), default=0) + 10),
        "calendar_id": str(calendars.round_the_clock(session).id),
        "pause_statuses": [Status.WAITING_ON_CUSTOMER.value],
        "is_active": "1",
    }
    return _policy_form(request, session, user, values, {})


@router.post("/policies/new", dependencies=[Depends(csrf_protect)])
async def create_policy(request: Request, session: DbSession, user: Admin) -> Response:
    """Add the policy from the form (inactive when "active" is not ticked)."""
    values, pause = await _posted(request)
    entered = {**values, "pause_statuses": pause}
    data, errors = _validate(SlaPolicyCreate, _policy_data(values, pause, edit=False))
    if data is None:
        return _policy_form(request, session, user, entered, errors, status=422)
    try:
        policy = policies.create(session, data=data, actor=user)
        if "is_active" not in values:
            policies.update(
                session, policy=policy, data=SlaPolicyUpdate(is_active=False), actor=user
            )
    except DomainError as exc:
        session.rollback()
        return _policy_form(
            request, session, user, entered, _domain_errors(exc), status=exc.status_code
        )
    return RedirectResponse(f"{HOME}?saved=policy#policies", status_code=303)


@router.get("/policies/{policy_id}", response_class=HTMLResponse)
def edit_policy(request: Request, session: DbSession, user: Admin, policy_id: PathId) -> Response:
    """A policy's form. Cases already open keep the targets they were given."""
    policy = policies.get(session, policy_id)
    return _policy_form(request, session, user, policy_values(policy), {}, policy)


@router.post("/policies/{policy_id}", dependencies=[Depends(csrf_protect)])
async def save_policy(
    request: Request, session: DbSession, user: Admin, policy_id: PathId
) -> Response:
    """Save the policy's form; only what changed is written (a policy whose escalation
    names someone since deactivated can still be renamed)."""
    policy = policies.get(session, policy_id)
    values, pause = await _posted(request)
    entered = {**values, "pause_statuses": pause}
    data, errors = _validate(SlaPolicyUpdate, _policy_data(values, pause, edit=True))
    if data is None:
        return _policy_form(request, session, user, entered, errors, policy, 422)
    changed = _policy_changes(policy, data)
    if changed:
        try:
            policies.update(
                session,
                policy=policy,
                data=_only_changed(SlaPolicyUpdate, data, changed),
                actor=user,
            )
        except DomainError as exc:
            session.rollback()
            policy = policies.get(session, policy_id)
            return _policy_form(
                request, session, user, entered, _domain_errors(exc), policy, exc.status_code
            )
    return RedirectResponse(f"{HOME}?saved=policy#policies", status_code=303)


def _policy_changes(policy: SlaPolicy, data: SlaPolicyUpdate) -> set[str]:
    """The fields of a validated full form that differ from the stored policy."""
    submitted = data.model_dump(mode="json", exclude_unset=True)
    if data.conditions is not None:
        submitted["conditions"] = data.conditions.model_dump(mode="json", exclude_none=True)
    stored: dict[str, Callable[[], Any]] = {
        "conditions": lambda: policy.conditions or {},
        "pause_statuses": lambda: policy.pause_statuses or [],
    }
    changed = set()
    for field, value in submitted.items():
        current = stored[field]() if field in stored else getattr(policy, field)
        if field == "pause_statuses":
            value, current = sorted(value or []), sorted(current)
        if value != current:
            changed.add(field)
    return changed
