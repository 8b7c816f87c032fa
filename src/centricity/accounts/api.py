"""REST API for the caller's own account."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request

from centricity.accounts import service
from centricity.accounts.models import Department, Role, User
from centricity.accounts.schemas import (
    DepartmentCreate,
    DepartmentRead,
    StaffRead,
    StaffUpdate,
    UserRead,
)
from centricity.web.api import PathId, api_router
from centricity.web.deps import DbSession, require_api

router = api_router("/api/v1", "accounts")


@router.get("/me", response_model=UserRead)
def me(request: Request, user: Annotated[User, require_api(Role.VIEWER)]) -> UserRead:
    """Who the token belongs to (check a token before using it), with the language and
    time zone their pages use."""
    settings = request.app.state.settings
    return UserRead(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        department_id=user.department_id,
        is_active=user.is_active,
        language=user.language or settings.default_language,
        time_zone=user.time_zone or settings.time_zone,
    )


@router.get("/departments", response_model=list[DepartmentRead])
def list_departments(
    session: DbSession, user: Annotated[User, require_api(Role.VIEWER)]
) -> list[DepartmentRead]:
    """Every department, by name (owners of cases, requesters of internal work)."""
    del user  # the organisation's structure is known to all staff
    return [DepartmentRead.model_validate(d) for d in service.list_departments(session)]


@router.post("/departments", response_model=DepartmentRead, status_code=201)
def create_department(
    session: DbSession, user: Annotated[User, require_api(Role.ADMIN)], data: DepartmentCreate
) -> DepartmentRead:
    """Add a department (409 when the name is taken)."""
    department = service.create_department(session, name=data.name, actor=user)
    return DepartmentRead.model_validate(department)


@router.get("/users", response_model=list[StaffRead])
def list_users(
    session: DbSession, user: Annotated[User, require_api(Role.AGENT)]
) -> list[StaffRead]:
    """All staff with role and departments, by name: who a case can be assigned to."""
    del user
    return [_staff(u) for u in service.list_users(session)]


@router.patch("/users/{user_id}", response_model=StaffRead)
def update_user(
    session: DbSession,
    user: Annotated[User, require_api(Role.ADMIN)],
    user_id: PathId,
    data: StaffUpdate,
) -> StaffRead:
    """Move a member of staff to another department, or set the calendar of their working
    hours (breach warnings by e-mail wait for it unless the case is urgent)."""
    staff = service.get(session, user_id)
    return _staff(service.update_staff(session, user=staff, data=data, actor=user))


def _staff(u: User) -> StaffRead:
    department: Department | None = u.department
    return StaffRead(
        id=u.id,
        email=u.email,
        name=u.name,
        role=u.role,
        is_active=u.is_active,
        departments=[DepartmentRead.model_validate(department)] if department else [],
        calendar_id=u.calendar_id,
    )
