"""The feedback list `/feedback`: every item the viewer may see, newest first, filtered by
the address (source, language, score band or range, customer, period, theme, sentiment) so
a filtered list can be bookmarked and shared. Each row links the customer's 360 page, what
the item is about, its theme and, for agents, the form that adds it to an idea."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import QueryParams

from centricity.accounts.models import Role, User
from centricity.feedback import listing
from centricity.feedback.analysis import insights
from centricity.feedback.models import SCALES, SOURCE_LABELS
from centricity.feedback.schemas import SOURCE_PATTERN
from centricity.kit.i18n import LANGUAGES, supported
from centricity.web.api import Offset
from centricity.web.deps import DbSession, require_page
from centricity.web.locale import viewer_locale
from centricity.web.routing import PrefixRouter
from centricity.web.templating import render

router = PrefixRouter(prefix="/feedback", include_in_schema=False)
Viewer = Annotated[User, require_page(Role.VIEWER)]
PAGE_SIZE = 50
FILTER_NAMES = (
    "source",
    "language",
    "band",
    "scale",
    "min",
    "max",
    "customer",
    "from",
    "to",
    "theme_id",
    "sentiment",
)


def _number(text: str) -> Decimal | None:
    if not text or len(text) > 10:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _id(text: str) -> int | None:
    """A positive id from the address, else None (a malformed one is left out)."""
    return int(text) if text.isdigit() and len(text) <= 12 and int(text) > 0 else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _start_of(day: date | None, zone: str) -> datetime | None:
    """Midnight of a day in the viewer's time zone (stored times are UTC)."""
    return None if day is None else datetime.combine(day, time(), tzinfo=ZoneInfo(zone))


def read_filters(params: QueryParams, zone: str) -> tuple[listing.FeedbackFilters, dict[str, str]]:
    """The filters the address names (a malformed value is left out, never an error) and
    the values to show in the form again."""
    shown = {name: str(params.get(name, "")).strip()[:200] for name in FILTER_NAMES}
    source = shown["source"] if re.fullmatch(SOURCE_PATTERN, shown["source"] or "-") else ""
    until = _day(shown["to"])
    filters = listing.FeedbackFilters(
        source=source or None,
        language=supported(shown["language"]),
        band=shown["band"] if shown["band"] in listing.BANDS else None,
        scale=shown["scale"] if shown["scale"] in SCALES else None,
        score_min=_number(shown["min"]),
        score_max=_number(shown["max"]),
        customer=shown["customer"] or None,
        received_from=_start_of(_day(shown["from"]), zone),
        received_before=_start_of(until + timedelta(days=1) if until else None, zone),
        theme_id=_id(shown["theme_id"]),
        sentiment=shown["sentiment"] if shown["sentiment"] in listing.SENTIMENTS else None,
    )
    return filters, shown


@router.get("", response_class=HTMLResponse)
def feedback_list(
    request: Request, session: DbSession, user: Viewer, offset: Offset = 0
) -> Response:
    """Every feedback item the viewer may see, newest first, filtered and paged."""
    locale = viewer_locale(request, user)
    filters, shown = read_filters(request.query_params, locale.time_zone)
    page = listing.search_items(
        session, actor=user, filters=filters, limit=PAGE_SIZE, offset=offset
    )
    kept = {name: value for name, value in shown.items() if value}
    context: dict[str, Any] = {
        "user": user,
        "page": page,
        "names": listing.customer_names(session, page.items),
        "shown": shown,
        "kept": kept,
        "sources": sorted(set(SOURCE_LABELS) | ({shown["source"]} - {""})),
        "feedback_languages": LANGUAGES,
        "bands": listing.BANDS,
        "scales": list(SCALES),
        "can_write": user.role_enum.rank >= Role.AGENT.rank,
        "themes": insights.theme_choices(session, locale.language, filters.theme_id),
        "theme_titles": insights.titles(session, locale.language),
        "sentiments": listing.SENTIMENTS,
        "_block": "results",
    }
    return render(request, "feedback/list.html", context)
