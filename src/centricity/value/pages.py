"""The Value page: segments, CLV distribution, tiers and valuable customers at risk."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from centricity.accounts.models import Role, User
from centricity.jobs import service as job_service
from centricity.kit.i18n import Message, lazy, lazy_context, lazy_plural
from centricity.value import queries
from centricity.value import service as value_service
from centricity.value.scoring import NOTE_NOT_FITTED, NOTE_UNUSABLE
from centricity.web.csrf import csrf_protect
from centricity.web.deps import DbSession, require_page
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/value", include_in_schema=False)
AT_RISK_SHOWN = 50


def _charts(
    segments: list[queries.GroupRow], histogram: tuple[list[float], list[int]]
) -> dict[str, Any]:
    """The Plotly specs of the page's charts; their texts are lazy, so `tojson` writes them
    in the viewer's language."""
    names = [lazy_context("segment", row.name) for row in segments]
    return {
        "segments": {
            "data": [
                {
                    "type": "bar",
                    "name": lazy("Customers"),
                    "x": names,
                    "y": [row.customers for row in segments],
                },
                {
                    "type": "bar",
                    "name": lazy("Revenue"),
                    "x": names,
                    "y": [round(row.revenue, 2) for row in segments],
                    "yaxis": "y2",
                },
            ],
            "layout": {
                "barmode": "group",
                "yaxis": {"title": {"text": lazy("customers")}},
                "yaxis2": {
                    "title": {"text": lazy("revenue")},
                    "overlaying": "y",
                    "side": "right",
                },
                "margin": {"t": 20},
                "legend": {"orientation": "h"},
            },
        },
        "clv": {
            "data": [
                {
                    "type": "bar",
                    "x": histogram[0],
                    "y": histogram[1],
                    "name": lazy("customers"),
                }
            ],
            "layout": {
                "xaxis": {"title": {"text": lazy("predicted lifetime value (bin start)")}},
                "yaxis": {"title": {"text": lazy("customers")}},
                "margin": {"t": 20},
            },
        },
    }


def model_note(stats: dict[str, Any]) -> Message | None:
    """Why a run has no model predictions, in the viewer's language (None when it has them).

    The run keeps the English `model_note` for the CLI and the API; runs from before the
    note had a code get the general sentence."""
    if stats.get("bgnbd"):
        return None
    code = stats.get("model_note_code")
    if code == NOTE_NOT_FITTED:
        return lazy(
            "The value models could not be fitted to this purchase history; "
            "tiers use historic margin instead."
        )
    if code == NOTE_UNUSABLE:
        customers = int(stats.get("customers", 0))
        return lazy_plural(
            "The value models gave unusable predictions for %(n)s customer (too little "
            "purchase history); tiers use historic margin instead.",
            "The value models gave unusable predictions for %(n)s customers (too little "
            "purchase history); tiers use historic margin instead.",
            customers,
        )
    return lazy("The value models made no predictions in this run; tiers use historic margin.")


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
        "at_risk_drop": queries.AT_RISK_MIN_DROP,
        "at_risk_alive": queries.AT_RISK_MAX_ALIVE,
        "clv_folded_share": queries.CLV_FOLDED_SHARE,
    }
    if run is not None:
        segments = queries.segments(session, run)
        at_risk = queries.at_risk(session, run, AT_RISK_SHOWN)
        context.update(
            segments=segments,
            tiers=queries.tiers(session, run, queries.tier_order(run)),
            at_risk=at_risk,
            at_risk_total=(
                len(at_risk)
                if len(at_risk) < AT_RISK_SHOWN
                else queries.at_risk_count(session, run)
            ),
            charts=_charts(segments, queries.clv_histogram(session, run)),
            model_note=model_note(run.stats),
        )
    return render(request, "value/index.html", context)


@router.post("/analyze", dependencies=[Depends(csrf_protect)])
def queue_analysis(
    request: Request, session: DbSession, user: Annotated[User, require_page(Role.MANAGER)]
) -> Response:
    """Queue a value analysis as of today (or CENTRICITY_VALUE_AS_OF); the worker runs it
    within seconds."""
    as_of = value_service.default_as_of(request.app.state.settings)
    job_service.enqueue(
        session,
        kind="value.analyze",
        payload={"as_of": as_of.isoformat(), "requested_by": user.id},
    )
    return RedirectResponse("/value?queued=1", status_code=303)
