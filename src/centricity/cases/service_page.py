"""The Service page: how fast and how reliably the organisation serves, and whether its more
valuable customers are in fact served better. Managers see their department's figures,
admins everyone's; the same figures come from `GET /api/v1/service/metrics`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from centricity.accounts.models import Role, User
from centricity.cases import metrics
from centricity.kit.i18n import lazy, lazy_context
from centricity.kit.time import utcnow
from centricity.value import queries as value_queries
from centricity.web.deps import DbSession, require_page
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/service", include_in_schema=False)
DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
BACKLOG_BANDS = ("under_1", "1_to_7", "7_to_30", "over_30")
# A section a later domain adds below the figures (events: notices given in time): its
# template and context for the viewer and the period, or None to show nothing.
ServiceSection = Callable[[Session, User, metrics.Period], tuple[str, dict[str, Any]] | None]
SECTIONS: list[ServiceSection] = []


def register_section(section: ServiceSection) -> ServiceSection:
    """Let a domain that builds on cases show its figures on the Service page."""
    if section not in SECTIONS:
        SECTIONS.append(section)
    return section


def _period(params: Any) -> tuple[metrics.Period, bool]:
    """The chosen period (default: the last 90 days); False when what was typed could not
    be read and the default is shown instead."""
    today = utcnow().date()
    default = metrics.Period(today - timedelta(days=DEFAULT_DAYS - 1), today)
    first_text, last_text = params.get("from") or "", params.get("to") or ""
    if not first_text and not last_text:
        return default, True
    try:
        last = date.fromisoformat(last_text) if last_text else today
        first = (
            date.fromisoformat(first_text)
            if first_text
            else last - timedelta(days=DEFAULT_DAYS - 1)  # the 90 days before `to`
        )
    except ValueError:
        return default, False
    if last < first or (last - first).days > MAX_DAYS:
        return default, False
    return metrics.Period(first, last), True


def _group_by(params: Any) -> metrics.GroupBy:
    try:
        return metrics.GroupBy(params.get("group_by") or metrics.GroupBy.DEPARTMENT.value)
    except ValueError:
        return metrics.GroupBy.DEPARTMENT


def _tier_rank(session: Any) -> dict[str, int]:
    run = value_queries.latest_run(session)
    order = value_queries.tier_order(run) if run is not None else []
    return {name: index for index, name in enumerate(order)}


def charts(
    weekly: list[dict[str, Any]], overall: list[dict[str, Any]], by_tier: list[dict[str, Any]]
) -> dict[str, Any]:
    """The Plotly specs of the page (texts lazy, so `tojson` writes the viewer's language)."""
    backlog = {
        band: sum(row["backlog_age_days"][band] for row in overall) for band in BACKLOG_BANDS
    }
    band_names = [
        lazy("under a day"),
        lazy("1–7 days"),
        lazy("7–30 days"),
        lazy("over 30 days"),
    ]
    tiers = [lazy_context("tier", row["group"]) for row in by_tier]
    percent_axis = {"tickformat": ".0%", "range": [0, 1.05]}
    return {
        "attainment": {
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": lazy("first response"),
                    "x": [row["week"].isoformat() for row in weekly],
                    "y": [row["first_response"] for row in weekly],
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": lazy("resolution"),
                    "x": [row["week"].isoformat() for row in weekly],
                    "y": [row["resolution"] for row in weekly],
                },
            ],
            "layout": {
                "yaxis": {"title": {"text": lazy("targets met")}, **percent_axis},
                "xaxis": {"title": {"text": lazy("week the cases opened")}},
                "margin": {"t": 20},
                "legend": {"orientation": "h"},
            },
        },
        "backlog": {
            "data": [
                {
                    "type": "bar",
                    "x": band_names,
                    "y": [backlog[band] for band in BACKLOG_BANDS],
                    "name": lazy("open cases"),
                }
            ],
            "layout": {
                "yaxis": {"title": {"text": lazy("open cases")}},
                "xaxis": {"title": {"text": lazy("age")}},
                "margin": {"t": 20},
            },
        },
        "tiers": {
            "data": [
                {
                    "type": "bar",
                    "name": lazy("median"),
                    "x": tiers,
                    "y": [row["first_response_p50_minutes"] for row in by_tier],
                },
                {
                    "type": "bar",
                    "name": lazy("90th percentile"),
                    "x": tiers,
                    "y": [row["first_response_p90_minutes"] for row in by_tier],
                },
            ],
            "layout": {
                "barmode": "group",
                "yaxis": {"title": {"text": lazy("working minutes to first response")}},
                "margin": {"t": 20},
                "legend": {"orientation": "h"},
            },
        },
    }


@router.get("", response_class=HTMLResponse)
def service_page(
    request: Request, session: DbSession, user: Annotated[User, require_page(Role.MANAGER)]
) -> Response:
    """Response and resolution times, attainment, backlog and waiting, for a period and a
    breakdown, with charts of attainment over time, backlog age and first response by tier."""
    period, period_ok = _period(request.query_params)
    group_by = _group_by(request.query_params)
    rows = metrics.metrics(session, actor=user, period=period, group_by=group_by)
    overall = metrics.metrics(session, actor=user, period=period, group_by=metrics.GroupBy.INTERNAL)
    rank = _tier_rank(session)
    by_tier = sorted(
        metrics.metrics(session, actor=user, period=period, group_by=metrics.GroupBy.TIER),
        key=lambda row: (rank.get(row["group"], len(rank)), row["group"]),
    )
    weekly = metrics.attainment_by_week(session, actor=user, period=period)
    context = {
        "user": user,
        "period": period,
        "period_ok": period_ok,
        "group_by": group_by.value,
        "group_choices": [g.value for g in metrics.GroupBy],
        "rows": rows,
        "overall": overall,
        "by_tier": by_tier,
        "charts": charts(weekly, overall, by_tier),
        "bands": BACKLOG_BANDS,
        "has_cases": bool(overall),
        "sections": [
            shown for section in SECTIONS if (shown := section(session, user, period)) is not None
        ],
    }
    return render(request, "cases/service.html", context)
