"""The duplicate review page (`/customers/duplicates`): merge or dismiss likely pairs.

Its router is mounted before the customers pages, so this literal path is never taken
for a customer id. Managers and admins only: a merge cannot be undone.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts.models import Role, User
from centricity.customers import service as customer_service
from centricity.imports.review import duplicates
from centricity.web.api import PathId
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.forms import form_fields
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/customers/duplicates", include_in_schema=False)
Manager = Annotated[User, require_page(Role.MANAGER)]
PAGE_SIZE = 25


@router.get("", response_class=HTMLResponse)
def review(
    request: Request,
    session: DbSession,
    user: Manager,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    scanned: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
) -> Response:
    """Likely duplicate pairs, strongest first, each with merge and dismiss buttons."""
    page = duplicates.list_pairs(session, actor=user, limit=PAGE_SIZE, offset=offset)
    context = {"user": user, "page": page, "scanned": scanned}
    return render(request, "imports/duplicates.html", context)


@router.post("/scan", dependencies=[Depends(csrf_protect)])
def scan(session: DbSession, user: Manager) -> Response:
    """Look for duplicates now (the import queues the same scan after customer files)."""
    del user
    found = duplicates.scan(session)
    return RedirectResponse(f"/customers/duplicates?scanned={found}", status_code=303)


@router.post("/{pair_id}/merge", dependencies=[Depends(csrf_protect)])
async def merge(request: Request, session: DbSession, user: Manager, pair_id: PathId) -> Response:
    """Keep the chosen customer and fold the other one into it."""
    values = await form_fields(request)
    pair = duplicates.get_pair(session, pair_id)
    first = values.get("keep", "first") != "second"
    keep, fold = (
        (pair.customer_a_id, pair.customer_b_id)
        if first
        else (pair.customer_b_id, pair.customer_a_id)
    )
    survivor = customer_service.get(session, keep, actor=user)
    duplicate = customer_service.get(session, fold, actor=user)
    duplicates.merge(session, survivor=survivor, duplicate=duplicate, actor=user)
    return RedirectResponse(f"/customers/{survivor.id}", status_code=303)


@router.post("/{pair_id}/dismiss", dependencies=[Depends(csrf_protect)])
def dismiss(session: DbSession, user: Manager, pair_id: PathId) -> Response:
    """These two are different customers: hide the pair for good."""
    duplicates.dismiss(session, pair=duplicates.get_pair(session, pair_id), actor=user)
    return RedirectResponse("/customers/duplicates", status_code=303)
