"""Service metrics: response and resolution times, target attainment, reopen rate, backlog
and waiting time, grouped by department, channel, tier, agent or internal/external.

Times are the working minutes each case's clock counted in its policy's calendar (the time
that counts against the target); a case without a target is measured in elapsed minutes.
Attainment is the share of ended targets (met, or missed, including running ones past
their due time) that were met. Waiting time comes from the contact log's phone and chat
contacts (`waiting_seconds`) as well as from the waiting targets of cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from centricity.accounts.models import Department, Role, User
from centricity.cases.models import Case, CaseTarget, TargetKind, TargetState
from centricity.interactions.models import Channel, Interaction
from centricity.kit.time import utcnow

KINDS = [kind.value for kind in TargetKind]
OPEN_STATUSES = ("new", "open", "waiting_on_customer", "waiting_on_third_party")


class GroupBy(StrEnum):
    """What the figures are broken down by."""

    DEPARTMENT = "department"
    CHANNEL = "channel"
    TIER = "tier"
    AGENT = "agent"
    INTERNAL = "internal"


@dataclass(frozen=True)
class Period:
    """Cases opened from the start of `first` to the end of `last` (UTC days)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first moment of the period."""
        return datetime.combine(self.first, time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The moment after the period."""
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=UTC)


def scope(actor: User) -> ColumnElement[bool]:
    """Whose cases the actor's figures cover: every case for admins, else the cases their
    department owns (managers see their departments' metrics)."""
    if actor.role_enum is Role.ADMIN:
        return Case.id.is_not(None)
    return Case.department_id == actor.department_id


def metrics(
    session: Session, *, actor: User, period: Period, group_by: GroupBy
) -> list[dict[str, Any]]:
    """One row of figures per group, largest group first."""
    cases = _cases(session, actor, period, group_by)
    backlog = _cases(session, actor, period, group_by, still_open=True)
    if cases.is_empty() and backlog.is_empty():
        return []
    targets = _targets(session, cases["id"].to_list())
    now = utcnow()
    rows = []
    groups = [*cases["group"].unique(maintain_order=True)]
    groups += [g for g in backlog["group"].unique(maintain_order=True) if g not in groups]
    for group in groups:
        part = cases.filter(pl.col("group") == group)
        mine = targets.filter(pl.col("case_id").is_in(part["id"].implode()))
        waiting = backlog.filter(pl.col("group") == group)
        rows.append(_figures(str(group), part, mine, waiting, now))
    waits = _contact_waits(session, actor, period, group_by)
    for row in rows:
        row["contact_waiting_p50_seconds"] = waits.get(row["group"], {}).get("p50")
        row["contact_waiting_p90_seconds"] = waits.get(row["group"], {}).get("p90")
    return sorted(rows, key=lambda r: (-r["cases"], r["group"]))


def attainment_by_week(session: Session, *, actor: User, period: Period) -> list[dict[str, Any]]:
    """Per week (Monday, UTC) of opening: the share of ended first-response and resolution
    targets that were met, and how many cases opened. The Service page draws it as the
    attainment-over-time chart."""
    cases = _cases(session, actor, period, GroupBy.INTERNAL)
    if cases.is_empty():
        return []
    targets = _targets(session, cases["id"].to_list())
    now = utcnow()
    weeks = cases.with_columns(pl.col("opened_at").dt.truncate("1w").alias("week"))
    result = []
    for (week,), part in weeks.group_by("week", maintain_order=False):
        mine = targets.filter(pl.col("case_id").is_in(part["id"].implode()))
        result.append(
            {
                "week": week.date(),
                "cases": part.height,
                "first_response": _attainment(mine, TargetKind.FIRST_RESPONSE.value, now),
                "resolution": _attainment(mine, TargetKind.RESOLUTION.value, now),
            }
        )
    return sorted(result, key=lambda row: row["week"])


def _cases(
    session: Session, actor: User, period: Period, group_by: GroupBy, *, still_open: bool = False
) -> pl.DataFrame:
    """The cases opened in the period, or with `still_open` the backlog: every case open
    now that was opened before the period ended, however long ago."""
    group = _group_column(group_by)
    opened: ColumnElement[bool] = (
        and_(Case.status.in_(OPEN_STATUSES), Case.opened_at < period.end)
        if still_open
        else and_(Case.opened_at >= period.start, Case.opened_at < period.end)
    )
    query = (
        select(
            Case.id,
            Case.status,
            Case.opened_at,
            Case.first_responded_at,
            Case.solved_at,
            Case.reopened_count,
            group.label("group"),
        )
        .outerjoin(Department, Department.id == Case.department_id)
        .outerjoin(User, User.id == Case.assignee_id)
        .where(scope(actor), opened)
    )
    rows = session.execute(query.order_by(Case.id)).all()
    schema: dict[str, pl.DataType] = {
        "id": pl.Int64(),
        "status": pl.String(),
        "opened_at": pl.Datetime("us", "UTC"),
        "first_responded_at": pl.Datetime("us", "UTC"),
        "solved_at": pl.Datetime("us", "UTC"),
        "reopened_count": pl.Int64(),
        "group": pl.String(),
    }
    frame = pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    return frame.with_columns(pl.col("group").fill_null("none"))


def _group_column(group_by: GroupBy) -> Any:
    if group_by is GroupBy.DEPARTMENT:
        return Department.name
    if group_by is GroupBy.CHANNEL:
        return Case.channel
    if group_by is GroupBy.TIER:
        return Case.tier
    if group_by is GroupBy.AGENT:
        return User.email
    return when((Case.requesting_department_id.is_not(None), "internal"), else_="external")


def _targets(session: Session, case_ids: list[int]) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {
        "case_id": pl.Int64(),
        "kind": pl.String(),
        "state": pl.String(),
        "due_at": pl.Datetime("us", "UTC"),
        "achieved_minutes": pl.Float64(),
    }
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(case_ids), 10_000):
        chunk = case_ids[start : start + 10_000]
        query = select(
            CaseTarget.case_id,
            CaseTarget.kind,
            CaseTarget.state,
            CaseTarget.due_at,
            CaseTarget.achieved_minutes,
        ).where(CaseTarget.case_id.in_(chunk))
        rows.extend(tuple(r) for r in session.execute(query))
    return pl.DataFrame(rows, schema=schema, orient="row")


def _figures(
    group: str, cases: pl.DataFrame, targets: pl.DataFrame, backlog: pl.DataFrame, now: datetime
) -> dict[str, Any]:
    first = _minutes(cases, targets, "first_response", "first_responded_at")
    resolution = _minutes(cases, targets, "resolution", "solved_at")
    reopened = cases.filter(pl.col("reopened_count") > 0).height
    ages = [(now - opened).total_seconds() / 86400 for opened in backlog["opened_at"]]
    return {
        "group": group,
        "cases": cases.height,
        "first_response_p50_minutes": _quantile(first, 0.5),
        "first_response_p90_minutes": _quantile(first, 0.9),
        "resolution_p50_minutes": _quantile(resolution, 0.5),
        "resolution_p90_minutes": _quantile(resolution, 0.9),
        "attainment": {kind: _attainment(targets, kind, now) for kind in KINDS},
        "reopen_rate": round(reopened / cases.height, 4) if cases.height else None,
        "backlog": backlog.height,
        "backlog_age_days": {
            "under_1": sum(age < 1 for age in ages),
            "1_to_7": sum(1 <= age < 7 for age in ages),
            "7_to_30": sum(7 <= age < 30 for age in ages),
            "over_30": sum(age >= 30 for age in ages),
        },
        "waiting_p50_minutes": _quantile(_achieved(targets, "waiting"), 0.5),
    }


def _achieved(targets: pl.DataFrame, kind: str) -> pl.Series:
    done = targets.filter((pl.col("kind") == kind) & pl.col("achieved_minutes").is_not_null())
    return done["achieved_minutes"]


def _minutes(cases: pl.DataFrame, targets: pl.DataFrame, kind: str, column: str) -> pl.Series:
    """Working minutes of the clock where the case had one, else elapsed minutes."""
    timed = targets.filter((pl.col("kind") == kind) & pl.col("achieved_minutes").is_not_null())
    counted = timed.group_by("case_id").agg(pl.col("achieved_minutes").max())
    elapsed = cases.filter(
        pl.col(column).is_not_null() & ~pl.col("id").is_in(counted["case_id"].implode())
    ).select(((pl.col(column) - pl.col("opened_at")).dt.total_seconds() / 60).alias("m"))
    return pl.concat([counted["achieved_minutes"].alias("m"), elapsed["m"]])


def _quantile(values: pl.Series, q: float) -> float | None:
    if values.is_empty():
        return None
    found = values.cast(pl.Float64).quantile(q, interpolation="linear")
    return None if found is None else round(float(found), 1)


def _attainment(targets: pl.DataFrame, kind: str, now: datetime) -> float | None:
    mine = targets.filter(pl.col("kind") == kind)
    missed = (pl.col("state") == TargetState.BREACHED.value) | (
        (pl.col("state") == TargetState.RUNNING.value) & (pl.col("due_at") <= now)
    )
    met = pl.col("state") == TargetState.ACHIEVED.value
    ended = mine.filter(missed | met)
    if ended.is_empty():
        return None
    return round(ended.filter(met).height / ended.height, 4)


def _contact_waits(
    session: Session, actor: User, period: Period, group_by: GroupBy
) -> dict[str, dict[str, float | None]]:
    """Waiting seconds of phone and chat contacts in the period, per group (by department,
    channel or agent; other breakdowns do not apply to the contact log)."""
    if group_by not in (GroupBy.DEPARTMENT, GroupBy.CHANNEL, GroupBy.AGENT):
        return {}
    group = {
        GroupBy.DEPARTMENT: Department.name,
        GroupBy.CHANNEL: Interaction.channel,
        GroupBy.AGENT: User.email,
    }[group_by]
    visible: ColumnElement[bool] = (
        Interaction.id.is_not(None)
        if actor.role_enum is Role.ADMIN
        else Interaction.department_id == actor.department_id
    )
    query = (
        select(group.label("group"), Interaction.waiting_seconds)
        .outerjoin(Department, Department.id == Interaction.department_id)
        .outerjoin(User, User.id == Interaction.user_id)
        .where(
            visible,
            and_(Interaction.started_at >= period.start, Interaction.started_at < period.end),
            Interaction.channel.in_([Channel.PHONE.value, Channel.CHAT.value]),
            Interaction.waiting_seconds.is_not(None),
        )
    )
    rows = session.execute(query).all()
    frame = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"group": pl.String, "waiting": pl.Float64},
        orient="row",
    ).with_columns(pl.col("group").fill_null("none"))
    waits: dict[str, dict[str, float | None]] = {}
    for (name,), part in frame.group_by("group"):
        waits[str(name)] = {
            "p50": _quantile(part["waiting"], 0.5),
            "p90": _quantile(part["waiting"], 0.9),
        }
    return waits
