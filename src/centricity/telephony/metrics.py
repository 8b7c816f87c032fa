"""Phone service in figures: how many inbound calls nobody answered, how many of those
customers were phoned back, and how soon, by department and by tier.

- unanswered rate: missed inbound calls / inbound calls that ended in the period;
- call-back rate: missed calls from known customers followed by an answered outbound call
  to that customer / missed calls from known customers (an unknown or hidden number cannot
  be phoned back, so it is not held against anyone);
- time to call back: from the end of the missed call to the start of that outbound call
  (median, minutes).

Managers see their department's calls, admins everyone's (as the case metrics).
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role, User
from centricity.cases.metrics import Period
from centricity.telephony.models import Call, CallDirection, CallState


def scope(actor: User) -> ColumnElement[bool]:
    """Whose calls the actor's figures cover: all for admins, else their department's."""
    if actor.role_enum is Role.ADMIN:
        return Call.id.is_not(None)
    return Call.department_id == actor.department_id


def phone_metrics(session: Session, *, actor: User, period: Period) -> dict[str, Any]:
    """Rows of figures by department and by tier (largest group first)."""
    calls = _inbound(session, actor, period)
    return {
        "start": period.start,
        "end": period.end,
        "by_department": _rows(calls, "department"),
        "by_tier": _rows(calls, "tier"),
    }


def _inbound(session: Session, actor: User, period: Period) -> pl.DataFrame:
    query = (
        select(
            Department.name,
            Call.tier,
            Call.missed,
            Call.customer_id.is_not(None),
            Call.ended_at,
            Call.called_back_at,
        )
        .outerjoin(Department, Department.id == Call.department_id)
        .where(
            scope(actor),
            Call.direction == CallDirection.INBOUND.value,
            Call.state == CallState.ENDED.value,
            Call.started_at >= period.start,
            Call.started_at < period.end,
        )
    )
    rows = session.execute(query).all()
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "department": pl.String,
        "tier": pl.String,
        "missed": pl.Boolean,
        "known": pl.Boolean,
        "ended_at": pl.Datetime("us", "UTC"),
        "called_back_at": pl.Datetime("us", "UTC"),
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _rows(calls: pl.DataFrame, group: str) -> list[dict[str, Any]]:
    if calls.is_empty():
        return []
    known_missed = pl.col("missed") & pl.col("known")
    called_back = known_missed & pl.col("called_back_at").is_not_null()
    wait = (pl.col("called_back_at") - pl.col("ended_at")).dt.total_seconds() / 60
    figures = calls.group_by(group).agg(
        pl.len().alias("inbound_calls"),
        pl.col("missed").sum().alias("unanswered_calls"),
        known_missed.sum().alias("callable"),
        called_back.sum().alias("called_back"),
        wait.filter(called_back).median().alias("median_minutes_to_callback"),
    )
    rows = []
    for row in figures.sort(["inbound_calls", group], descending=[True, False]).iter_rows(
        named=True
    ):
        rows.append(
            {
                "group": row[group],
                "inbound_calls": row["inbound_calls"],
                "unanswered_calls": row["unanswered_calls"],
                "unanswered_rate": _share(row["unanswered_calls"], row["inbound_calls"]),
                "called_back": row["called_back"],
                "callback_rate": _share(row["called_back"], row["callable"]),
                "median_minutes_to_callback": _round(row["median_minutes_to_callback"]),
            }
        )
    return rows


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None
