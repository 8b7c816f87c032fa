"""The Value page: segments, CLV distribution, tiers and valuable customers at risk."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts.models import Role, User
from centricity.jobs import service as job_service
from centricity.kit.time import utcnow
from centricity.value import queries
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.templating import render

router = APIRouter(prefix="/value", include_in_schema=False)


def _charts(
    segments: list[queries.GroupRow], histogram: tuple[list[float], list[int]]
) -> dict[str, Any]:
    names = [row.name for row in segments]
    return {
        "segments": {
            "data": [
                {
                    "type": "bar",
                    "name": "Customers",
                    "x": names,
                    "y": [row.customers for row in segments],
                },
                {
                    "type": "bar",
                    "name": "Revenue",
                    "x": names,
                    "y": [round(row.revenue, 2) for row in segments],
                    "yaxis": "y2",
                },
            ],
            "layout": {
                "barmode": "group",
                "yaxis": {"title": {"text": "customers"}},
                "yaxis2": {"title": {"text": "revenue"}, "overlaying": "y", "side": "right"},
                "margin": {"t": 20},
                "legend": {"orientation": "h"},
            },
        },
        "clv": {
            "data": [{"type": "bar", "x": histogram[0], "y": histogram[1], "name": "customers"}],
            "layout": {
                "xaxis": {"title": {"text": "predicted lifetime value (bin start)"}},
                "yaxis": {"title": {"text": "customers"}},
                "margin": {"t": 20},
            },
        },
    }


@router.get("", response_class=HTMLResponse)
def value_page(
    request: Request, session: DbSession, user: Annotated[User, require_page(Role.VIEWER)]
) -> Response:
    """Where the organisation's value sits and which valuable customers are slipping away."""
    run = queries.latest_run(session)
    context: dict[str, Any] = {
        "user": user,
        "run": run,
        "queued": request.query_params.get("queued"),
    }
    if run is not None:
        segments = queries.segments(session, run)
        context.update(
            segments=segments,
            tiers=queries.tiers(session, run, queries.tier_order(run)),
            at_risk=queries.at_risk(session, run, 50),
            charts=_charts(segments, queries.clv_histogram(session, run)),
        )
    return render(request, "value/index.html", context)


@router.post("/analyze", dependencies=[Depends(csrf_protect)])
def queue_analysis(
    session: DbSession, user: Annotated[User, require_page(Role.MANAGER)]
) -> Response:
    """Queue a value analysis as of today; the worker runs it within seconds."""
    job_service.enqueue(
        session,
        kind="value.analyze",
        payload={"as_of": utcnow().date().isoformat(), "requested_by": user.id},
    )
    return RedirectResponse("/value?queued=1", status_code=303)
