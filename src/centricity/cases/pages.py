"""Service-desk pages: the queues, a new case, and the case page (conversation, the
customer's 360 summary, the targets with time left, changes and history)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts import service as accounts
from centricity.accounts.models import Role, User
from centricity.cases import breach as _breach  # noqa: F401  (registers the notice kinds)
from centricity.cases import history_text, page_sections, queue, reading, service
from centricity.cases import timeline as _timeline  # noqa: F401  (adds cases to the 360 timeline)
from centricity.cases.models import Case, CaseKind, Priority, SavedQueue, SlaPolicy, Status
from centricity.cases.schemas import CaseCreate, CaseUpdate, ReplyCreate
from centricity.customers import service as customer_service
from centricity.customers.models import Customer
from centricity.interactions import service as interaction_service
from centricity.interactions.models import Channel, Direction, Interaction
from centricity.interactions.schemas import InteractionCreate
from centricity.kit.errors import DomainError, NotFound
from centricity.kit.i18n import gettext, lazy
from centricity.kit.time import utcnow
from centricity.mail import attachments as mail_attachments
from centricity.value import queries as value_queries
from centricity.web.api import Offset, PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import FormErrors, form_fields, parse
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/cases", include_in_schema=False)
PAGE_SIZE = 50
BULK_LIMIT = 200
RECENT_CONTACTS = 5
Viewer = Annotated[User, require_page(Role.VIEWER)]
Agent = Annotated[User, require_page(Role.AGENT)]
# Reply kinds of the case page's form.
PUBLIC = "public"
NOTE = "note"
CUSTOMER = "customer"


def _choices(session: Session) -> dict[str, Any]:
    """What the queue's and forms' selects offer."""
    run = value_queries.latest_run(session)
    return {
        "statuses": [s.value for s in Status],
        "priorities": [p.value for p in Priority],
        "channels": [c.value for c in Channel],
        "tiers": value_queries.tier_order(run) if run is not None else [],
        "departments": accounts.list_departments(session),
    }


def _staff_of(session: Session, department_id: int | None) -> list[User]:
    """Active staff who can work cases of a department (the assignee choices)."""
    query = select(User).where(User.is_active.is_(True), User.role != Role.VIEWER.value)
    if department_id is not None:
        query = query.where(User.department_id == department_id)
    return list(session.scalars(query.order_by(User.name)))


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, session: DbSession, user: Viewer, offset: Offset = 0) -> Response:
    """A queue: the department's (or the viewer's own) cases, what is due first first, with
    filters, saved views and bulk changes."""
    filters = queue.read_filters(request.query_params, user)
    now = utcnow()
    page = service.list(
        session, actor=user, limit=PAGE_SIZE, offset=offset, now=now,
        **filters.list_arguments(user),
    )  # fmt: skip
    views = session.scalars(
        select(SavedQueue).where(SavedQueue.user_id == user.id).order_by(SavedQueue.name)
    ).all()
    context = {
        "user": user,
        "page": page,
        "rows": queue.rows(session, list(page.items), user, now),
        "filters": filters,
        "queues": queue.QUEUES,
        "status_filters": queue.STATUSES,
        "sla_filters": queue.SLA_STATES,
        "views": views,
        "current_query": filters.query_string(),
        "assignees": _staff_of(
            session, None if user.role_enum is Role.ADMIN else user.department_id
        ),
        "changed": request.query_params.get("changed"),
        "refused": request.query_params.get("refused"),
        "view_error": request.query_params.get("view_error"),
        **_choices(session),
    }
    return render(request, "cases/queue.html", context)


@router.post("/bulk", dependencies=[Depends(csrf_protect)])
async def bulk_change(request: Request, session: DbSession, user: Agent) -> Response:
    """Assign or change the status of the ticked cases at once. Each case is changed on its
    own: one the viewer may not change is skipped and counted, the others are saved."""
    form = await request.form()
    back = str(form.get("back") or "")
    ids = sorted({int(str(v)) for v in form.getlist("ids") if str(v).isdigit()})[:BULK_LIMIT]
    action = str(form.get("action") or "")
    data = _bulk_update(action, str(form.get("assignee_id") or ""), str(form.get("status") or ""))
    changed = refused = 0
    for case_id in ids if data is not None else []:
        try:
            with session.begin_nested():
                case = service.get(session, case_id, actor=user)
                service.update(session, case=case, data=data, actor=user)  # type: ignore[arg-type]
            changed += 1
        except DomainError:
            refused += 1
    if data is None:
        refused = len(ids)
    separator = "&" if back else ""
    return RedirectResponse(
        f"/cases?{back}{separator}changed={changed}&refused={refused}", status_code=303
    )


def _bulk_update(action: str, assignee: str, status: str) -> CaseUpdate | None:
    """The change a bulk action makes (None: nothing valid was asked)."""
    if action == "assign":
        if assignee == "none":
            return CaseUpdate.model_validate({"assignee_id": None})
        if assignee.isdigit():
            return CaseUpdate(assignee_id=int(assignee))
        return None
    if action == "status" and status in {s.value for s in Status}:
        return CaseUpdate(status=status)
    return None


@router.post("/views", dependencies=[Depends(csrf_protect)])
async def save_view(request: Request, session: DbSession, user: Viewer) -> Response:
    """Keep the queue's current filters under a name (the same name replaces the view)."""
    values = await form_fields(request)
    name = values.get("name", "")[:80]
    filters = queue.read_filters(_query_pairs(values.get("query", "")), user)
    if not name:
        return RedirectResponse(f"/cases?{filters.query_string()}&view_error=1", status_code=303)
    existing = session.scalar(
        select(SavedQueue).where(SavedQueue.user_id == user.id, SavedQueue.name == name)
    )
    if existing is None:
        session.add(SavedQueue(user_id=user.id, name=name, query=filters.query_string()))
    else:
        existing.query = filters.query_string()
    return RedirectResponse(f"/cases?{filters.query_string()}", status_code=303)


def _query_pairs(query: str) -> dict[str, str]:
    return dict(parse_qsl(query[:1000]))


@router.post("/views/{view_id}/delete", dependencies=[Depends(csrf_protect)])
def delete_view(session: DbSession, user: Viewer, view_id: PathId) -> Response:
    """Forget one of the viewer's saved views (another person's view is not found)."""
    view = session.scalar(
        select(SavedQueue).where(SavedQueue.id == view_id, SavedQueue.user_id == user.id)
    )
    if view is None:
        raise NotFound(lazy("Not found"))
    session.delete(view)
    return RedirectResponse("/cases", status_code=303)


# --- a new case -----------------------------------------------------------------------


def _new_form(
    request: Request,
    session: Session,
    user: User,
    values: dict[str, Any],
    errors: FormErrors,
    status: int = 200,
) -> Response:
    customer = customer_service.named_in_form(session, values.get("customer_id"), actor=user)
    context = {
        "user": user,
        "values": values,
        "errors": errors,
        "customer": customer,
        "kinds": [k.value for k in CaseKind],
        "internal": values.get("internal") == "1",
        **_choices(session),
    }
    return render(request, "cases/new.html", context, status_code=status)


@router.get("/new", response_class=HTMLResponse)
def new_case_form(request: Request, session: DbSession, user: Agent) -> Response:
    """The form for a new case: for a customer (from the 360 page) or an internal request
    to another department (`?internal=1`)."""
    values: dict[str, Any] = {
        "channel": "phone",
        "priority": Priority.NORMAL.value,
        "kind": CaseKind.CASE.value,
        "department_id": str(user.department_id or ""),
        "requesting_department_id": str(user.department_id or ""),
    }
    for key in ("customer_id", "internal", "kind"):
        if request.query_params.get(key):
            values[key] = request.query_params[key]
    return _new_form(request, session, user, values, {})


@router.post("/new", dependencies=[Depends(csrf_protect)])
async def create_case(request: Request, session: DbSession, user: Agent) -> Response:
    """Open the case from the form; invalid input comes back with the fields named."""
    values = await form_fields(request)
    internal = values.get("internal") == "1"
    data_in: dict[str, Any] = {
        key: values[key]
        for key in ("kind", "subject", "description", "channel", "priority", "department_id")
        if key in values
    }
    if values.get("assignee_id"):
        data_in["assignee_id"] = values["assignee_id"]
    data_in["tags"] = _tags(values.get("tags", ""))
    errors: FormErrors = {}
    if internal:
        data_in["requesting_department_id"] = values.get("requesting_department_id")
    else:
        customer_id = _find_customer(session, user, values)
        if customer_id is None:
            errors["customer"] = lazy("Name a customer: their number, e-mail or customer id.")
        data_in["customer_id"] = customer_id
    data, parse_errors = parse(CaseCreate, data_in)
    errors.update(parse_errors)
    if data is None or errors:
        return _new_form(request, session, user, values, errors, 422)
    try:
        case = service.create(session, data=data, actor=user)
    except DomainError as exc:
        session.rollback()  # nothing of a refused form stays
        return _new_form(request, session, user, values, {exc.field or "form": exc.message}, 409)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


def _tags(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


def _find_customer(session: Session, user: User, values: dict[str, str]) -> int | None:
    """The customer the form names: by the hidden id from the 360 page, else the number,
    customer id or e-mail typed in the field."""
    visible = customer_service.accessible_customers(user)
    if values.get("customer_id", "").isdigit():
        return session.scalar(
            visible.with_only_columns(Customer.id).where(Customer.id == int(values["customer_id"]))
        )
    typed = values.get("customer", "").strip()
    if not typed:
        return None
    if typed.isdigit() and len(typed) < 12:
        found = session.scalar(
            visible.with_only_columns(Customer.id).where(Customer.id == int(typed))
        )
        if found is not None:
            return found
    by_key = visible.with_only_columns(Customer.id).where(
        (Customer.external_id == typed) | (func.lower(Customer.email) == typed.lower())
    )
    return session.scalars(by_key.limit(1)).first()


# --- the case page --------------------------------------------------------------------


def _case_context(session: Session, user: User, case: Case) -> dict[str, Any]:
    now = utcnow()
    read = reading.case_read(session, case, now)
    messages = service.messages(session, case, actor=user)
    history = service.history(session, case)
    people_ids = {m.author_user_id for m in messages if m.author_user_id}
    people_ids |= {e.actor_user_id for e in history if e.actor_user_id}
    people_ids |= {case.assignee_id, case.created_by_user_id} - {None}  # type: ignore[arg-type]
    people_ids |= {
        int(value)
        for event in history
        if event.field == "assignee_id"
        for value in (event.old_value, event.new_value)
        if value and value.isdigit()
    }
    people = (
        queue.names_of(session, select(User.id, User.name).where(User.id.in_(people_ids)))
        if people_ids
        else {}
    )
    choices = _choices(session)
    departments = {d.id: d.name for d in choices["departments"]}
    names = history_text.Names(
        users=people,
        departments=departments,
        policies=queue.names_of(session, select(SlaPolicy.id, SlaPolicy.name)),
    )
    manage = service.can_manage(case, user)
    return {
        "user": user,
        "case": case,
        "read": read,
        "messages": messages,
        # Built while the page renders, in the viewer's language.
        "history": lambda: history_text.lines(history, names, system=gettext("the system")),
        "policy_name": names.policies.get(case.policy_id or 0, ""),
        "people": people,
        "department_names": departments,
        "can_manage": manage,
        "can_write": manage or _is_requester(case, user),
        "closed": case.status == Status.CLOSED.value,
        "summary": _summary(session, user, case),
        "assignees": _with_current(session, _staff_of(session, case.department_id), case),
        "contacts": service.interactions(session, case, actor=user),
        "attachments": mail_attachments.for_case(session, case.id),
        "contact": {"channel": case.channel, "direction": "outbound"},
        "contact_errors": {},
        "directions": [d.value for d in Direction],
        "reply": {"kind": PUBLIC},
        "reply_errors": {},
        "change_errors": {},
        "sections": page_sections.shown(session, user, case),
        **choices,
    }


def _with_current(session: Session, staff: list[User], case: Case) -> list[User]:
    """The assignee choices, with the current assignee kept even when they are not of the
    owning department (so the form shows who has the case)."""
    if case.assignee_id is None or any(u.id == case.assignee_id for u in staff):
        return staff
    current = session.get(User, case.assignee_id)
    return [*staff, current] if current is not None else staff


def _is_requester(case: Case, user: User) -> bool:
    return (
        case.requesting_department_id is not None
        and user.department_id == case.requesting_department_id
        and user.role_enum is not Role.VIEWER
    )


def _summary(session: Session, user: User, case: Case) -> dict[str, Any] | None:
    """The customer's 360 in brief: tier and value, their other open cases, recent contacts."""
    if case.customer_id is None:
        return None
    customer = session.scalar(
        customer_service.accessible_customers(user).where(Customer.id == case.customer_id)
    )
    if customer is None:
        return None
    others = (
        service.visible_cases(user)
        .where(
            Case.customer_id == customer.id,
            Case.id != case.id,
            Case.status.in_(queue.OPEN_STATUSES),
        )
        .order_by(Case.opened_at.desc())
    )
    contacts = (
        interaction_service.visible_to(user)
        .where(Interaction.customer_id == customer.id)
        .order_by(Interaction.started_at.desc())
        .limit(RECENT_CONTACTS)
    )
    return {
        "customer": customer,
        "value": value_queries.for_customer(session, customer.id),
        "open_cases": list(session.scalars(others.limit(10))),
        "contacts": list(session.scalars(contacts)),
    }


@router.get("/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, session: DbSession, user: Viewer, case_id: PathId) -> Response:
    """A case: the conversation beside the customer's 360 summary, the targets with the
    working time left, the change form and the full history (another department's case
    is not found)."""
    case = service.get(session, case_id, actor=user)
    return render(request, "cases/detail.html", _case_context(session, user, case))


@router.get("/{case_id}/attachments/{attachment_id}")
def attachment(
    session: DbSession, user: Viewer, case_id: PathId, attachment_id: PathId
) -> Response:
    """A file the customer attached to their mail, for whoever may see the case. Always a
    download (`application/octet-stream`; every answer carries `nosniff`): a customer's
    HTML file must never run as a page of ours."""
    case = service.get(session, case_id, actor=user)
    found = mail_attachments.content(session, case.id, attachment_id)
    name = quote(found.filename, safe="")
    return Response(
        found.data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.post("/{case_id}/replies", dependencies=[Depends(csrf_protect)])
async def add_reply(request: Request, session: DbSession, user: Agent, case_id: PathId) -> Response:
    """Reply to the customer, add an internal note, or record what the customer said."""
    case = service.get(session, case_id, actor=user)
    values = await form_fields(request)
    kind = values.get("kind", PUBLIC)
    data, errors = parse(
        ReplyCreate,
        {
            "body": values.get("body", ""),
            "public": kind != NOTE,
            "from_customer": kind == CUSTOMER,
        },
    )
    if data is None:
        context = _case_context(session, user, case)
        context.update(reply=values, reply_errors=errors)
        return render(request, "cases/detail.html", context, status_code=422)
    try:
        service.reply(session, case=case, data=data, actor=user)
    except DomainError as exc:
        session.rollback()
        context = _case_context(session, user, service.get(session, case_id, actor=user))
        context.update(reply=values, reply_errors={"body": exc.message})
        return render(request, "cases/detail.html", context, status_code=exc.status_code)
    return RedirectResponse(f"/cases/{case_id}#conversation", status_code=303)


@router.post("/{case_id}/contacts", dependencies=[Depends(csrf_protect)])
async def log_contact(
    request: Request, session: DbSession, user: Agent, case_id: PathId
) -> Response:
    """Log a contact with the case's customer (a call-back, a call that came in) and link it
    to the case; it also appears on the customer's timeline."""
    case = service.get(session, case_id, actor=user)
    values = await form_fields(request)
    if case.customer_id is None or not service.can_manage(case, user):
        raise NotFound(lazy("Not found"))
    fields: dict[str, Any] = {"customer_id": case.customer_id}
    fields.update({k: values[k] for k in ("channel", "direction", "note") if k in values})
    if values.get("duration_minutes"):
        minutes = values["duration_minutes"].replace(",", ".")
        fields["duration_seconds"] = (
            round(float(minutes) * 60) if _is_number(minutes) else values["duration_minutes"]
        )
    data, errors = parse(InteractionCreate, fields)
    if data is None:
        context = _case_context(session, user, case)
        context.update(contact=values, contact_errors=errors)
        return render(request, "cases/detail.html", context, status_code=422)
    contact = interaction_service.create(session, data=data, actor=user)
    service.link_interaction(session, case=case, interaction_id=contact.id, actor=user)
    return RedirectResponse(f"/cases/{case_id}#contacts", status_code=303)


def _is_number(text: str) -> bool:
    try:
        return abs(float(text)) < 1e7
    except ValueError:
        return False


@router.post("/{case_id}/edit", dependencies=[Depends(csrf_protect)])
async def change_case(
    request: Request, session: DbSession, user: Agent, case_id: PathId
) -> Response:
    """Save the change form: status, priority, department, assignee and tags. A change of
    department hands the case over (the assignee is cleared unless one of theirs is named)."""
    case = service.get(session, case_id, actor=user)
    form = await request.form()
    raw = {key: str(form.get(key) or "").strip() for key in form if key != "csrf_token"}
    submitted: dict[str, Any] = {
        key: raw[key] for key in ("status", "priority", "department_id") if raw.get(key)
    }
    # Only a changed assignee is sent, so saving a status never unassigns someone the
    # select could not offer (an admin, or a colleague who moved department).
    if "assignee_id" in raw and raw["assignee_id"] != str(case.assignee_id or ""):
        submitted["assignee_id"] = raw["assignee_id"] or None
    if "tags" in raw:
        submitted["tags"] = _tags(raw["tags"])
    data, errors = parse(CaseUpdate, submitted)
    if data is None:
        context = _case_context(session, user, case)
        context.update(change_errors=errors)
        return render(request, "cases/detail.html", context, status_code=422)
    try:
        service.update(session, case=case, data=data, actor=user)
    except DomainError as exc:
        session.rollback()
        context = _case_context(session, user, service.get(session, case_id, actor=user))
        context.update(change_errors={exc.field or "form": exc.message})
        return render(request, "cases/detail.html", context, status_code=exc.status_code)
    try:
        service.get(session, case_id, actor=user)
    except DomainError:
        # Handed to a department the viewer is not in: back to the queue.
        return RedirectResponse("/cases", status_code=303)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
