"""REST API of the service desk: cases, their conversation and history, and SLA policies."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from centricity.accounts.models import Role, User
from centricity.cases import metrics, policies, reading, service
from centricity.cases import timeline as _timeline  # noqa: F401  (adds cases to the 360 timeline)
from centricity.cases.models import CaseKind, Status, TargetState
from centricity.cases.schemas import (
    CaseCreate,
    CaseRead,
    CaseUpdate,
    EventRead,
    InteractionLink,
    MessageRead,
    ReplyCreate,
    ServiceMetrics,
    ServiceMetricsRow,
    SlaPolicyCreate,
    SlaPolicyRead,
    SlaPolicyUpdate,
)
from centricity.interactions.schemas import InteractionRead
from centricity.kit.errors import Invalid
from centricity.web.api import Limit, Offset, PathId, QueryId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "cases")


@router.get("/cases", response_model=list[CaseRead])
def list_cases(
    session: DbSession,
    user: Annotated[User, require_api(Role.VIEWER)],
    status: Status | None = None,
    department_id: QueryId = None,
    assignee_id: QueryId = None,
    state: Annotated[TargetState | None, Query(description="A target in this state")] = None,
    customer_id: Annotated[
        int | None, Query(gt=0, description="Only this customer's cases and tasks")
    ] = None,
    kind: Annotated[CaseKind | None, Query(description="case or task")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[CaseRead]:
    """Cases the caller may see, what is due first first (a JSON list); `customer_id` and
    `kind=task` find, for example, the follow-up tasks of a customer's unhappy answers."""
    page = service.list(
        session,
        actor=user,
        status=status.value if status else None,
        department_id=department_id,
        assignee_id=assignee_id,
        state=state.value if state else None,
        customer_id=customer_id,
        kind=kind.value if kind else None,
        limit=limit,
        offset=offset,
    )
    return [reading.case_read(session, case) for case in page.items]


@router.post("/cases", response_model=CaseRead, status_code=201)
def create_case(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)], data: CaseCreate
) -> CaseRead:
    """Open a case for a customer, or an internal request for another department."""
    return reading.case_read(session, service.create(session, data=data, actor=user))


@router.get("/cases/{case_id}", response_model=CaseRead)
def get_case(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], case_id: PathId
) -> CaseRead:
    """One case with its targets (404 for another department's case)."""
    return reading.case_read(session, service.get(session, case_id, actor=user))


@router.patch("/cases/{case_id}", response_model=CaseRead)
def update_case(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    case_id: PathId,
    data: CaseUpdate,
) -> CaseRead:
    """Change status, priority, assignee, department or tags (409 for an unknown status
    or a closed case)."""
    case = service.get(session, case_id, actor=user)
    return reading.case_read(session, service.update(session, case=case, data=data, actor=user))


@router.post("/cases/{case_id}/replies", response_model=MessageRead, status_code=201)
def reply(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    case_id: PathId,
    data: ReplyCreate,
) -> MessageRead:
    """Reply publicly, add an internal note, or record the customer's message."""
    case = service.get(session, case_id, actor=user)
    return MessageRead.model_validate(service.reply(session, case=case, data=data, actor=user))


@router.get("/cases/{case_id}/messages", response_model=list[MessageRead])
def list_messages(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], case_id: PathId
) -> list[MessageRead]:
    """The conversation, oldest first (internal notes only for the owning department)."""
    case = service.get(session, case_id, actor=user)
    return [MessageRead.model_validate(m) for m in service.messages(session, case, actor=user)]


@router.get("/cases/{case_id}/interactions", response_model=list[InteractionRead])
def list_linked_interactions(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], case_id: PathId
) -> list[InteractionRead]:
    """The contacts linked to the case that the caller may see, newest first."""
    case = service.get(session, case_id, actor=user)
    found = service.interactions(session, case, actor=user)
    return [InteractionRead.model_validate(i) for i in found]


@router.post("/cases/{case_id}/interactions", response_model=InteractionRead, status_code=201)
def link_interaction(
    session: DbSession,
    user: Annotated[User, require_api(Role.AGENT)],
    case_id: PathId,
    data: InteractionLink,
) -> InteractionRead:
    """Link a contact of the case's customer to the case (linking twice keeps one link;
    another customer's contact: 422)."""
    case = service.get(session, case_id, actor=user)
    linked = service.link_interaction(
        session, case=case, interaction_id=data.interaction_id, actor=user
    )
    return InteractionRead.model_validate(linked)


@router.get("/cases/{case_id}/history", response_model=list[EventRead])
def list_history(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)], case_id: PathId
) -> list[EventRead]:
    """Every change of the case: who, what, when, and why when the system decided."""
    case = service.get(session, case_id, actor=user)
    return [EventRead.model_validate(e) for e in service.history(session, case)]


@router.get("/sla-policies", response_model=list[SlaPolicyRead])
def list_policies(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> list[SlaPolicyRead]:
    """The policies in the order they are tried."""
    del user  # service levels are known to every member of staff
    return [SlaPolicyRead.model_validate(p) for p in policies.list(session)]


@router.post("/sla-policies", response_model=SlaPolicyRead, status_code=201)
def create_policy(
    session: DbSession, user: Annotated[User, require_api(Role.ADMIN)], data: SlaPolicyCreate
) -> SlaPolicyRead:
    """Add a policy: conditions, a calendar and targets in working minutes."""
    return SlaPolicyRead.model_validate(policies.create(session, data=data, actor=user))


@router.patch("/sla-policies/{policy_id}", response_model=SlaPolicyRead)
def update_policy(
    session: DbSession,
    user: Annotated[User, require_api(Role.ADMIN)],
    policy_id: PathId,
    data: SlaPolicyUpdate,
) -> SlaPolicyRead:
    """Change a policy; open cases keep the targets they were given."""
    policy = policies.get(session, policy_id)
    return SlaPolicyRead.model_validate(
        policies.update(session, policy=policy, data=data, actor=user)
    )


@router.get("/service/metrics", response_model=ServiceMetrics)
def service_metrics(
    session: DbSession,
    user: Annotated[User, require_api(Role.MANAGER)],
    from_: Annotated[date, Query(alias="from", description="First day (UTC), inclusive")],
    to: Annotated[date, Query(description="Last day (UTC), inclusive")],
    group_by: metrics.GroupBy = metrics.GroupBy.DEPARTMENT,
) -> ServiceMetrics:
    """Response and resolution times, attainment, reopen rate, backlog and waiting time of
    the cases opened in the period (managers: their department's; admins: all)."""
    if to < from_:
        raise Invalid("the period ends before it starts", field="to")
    period = metrics.Period(from_, to)
    rows = metrics.metrics(session, actor=user, period=period, group_by=group_by)
    return ServiceMetrics(items=[ServiceMetricsRow.model_validate(r) for r in rows])
