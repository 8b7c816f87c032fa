"""The demo's service desk: business calendars, service-level policies by value tier, and a
few hundred cases played through the real case services.

It runs after the value analysis, because a case takes its customer's tier from the latest
value run when it opens (`cases.service.create`) and the tier policies match on that; a
case opened before the analysis would never meet a Platinum or Bronze policy. Every moment
is handed to the services as `now` or `opened_at`, so the same seed and as-of date give the
same cases, clocks and history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.accounts import service as account_service
from centricity.accounts.models import Department, User
from centricity.accounts.schemas import StaffUpdate
from centricity.audit import service as audit
from centricity.calendars import service as calendars
from centricity.calendars.models import Calendar
from centricity.calendars.schemas import CalendarCreate
from centricity.cases import policies
from centricity.cases.models import Case, SlaPolicy
from centricity.cases.schemas import PolicyConditions, SlaPolicyCreate
from centricity.customers.models import Customer
from centricity.demo import calls, case_plans, case_play, generator, people, surveys

WINDOW_DAYS = 90  # cases open over the last three months of the history
CASES_PER_CUSTOMER = 0.1
MIN_CASES, MAX_CASES = 24, 400  # enough of every kind in a small demo; bounded build time
PRAGUE, STOCKHOLM, BACK_OFFICE = "Prague office", "Stockholm office", "Back office"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def case_count(customers: int) -> int:
    """How many cases, tasks and internal requests the demo holds: about one per ten
    customers, at least enough to show every kind, at most what builds in seconds."""
    return min(MAX_CASES, max(MIN_CASES, round(customers * CASES_PER_CUSTOMER)))


def history_end(options: generator.DemoOptions) -> datetime:
    """The moment the demo's history ends (midnight UTC starting the as-of day): the
    service desk's `now`, so open cases are as staff would find them that morning."""
    return datetime(options.as_of.year, options.as_of.month, options.as_of.day, tzinfo=UTC)


def load_staff(session: Session) -> case_plans.Staff:
    """The demo staff created by the workspace build, found by their demo e-mails."""
    by_email = {people.staff_email(name): name for name, _, _ in people.STAFF}
    found = session.scalars(select(User).where(User.email.in_(by_email)).order_by(User.id))
    departments = session.execute(
        select(Department.name, Department.id).where(Department.name.in_(people.DEPARTMENTS))
    )
    return case_plans.Staff({by_email[u.email]: u for u in found}, dict(departments.all()))


def wanted(session: Session, options: generator.DemoOptions) -> bool:
    """Whether to add the service desk: only to this seed's workspace, when nobody changed
    it since it was built and it holds no cases, policies or demo calendars yet, so the
    demo's rules are never mixed with an organisation's own."""
    if generator.existing_seed(session) != options.seed:
        return False
    taken = select(Calendar.id).where(Calendar.name.in_((PRAGUE, STOCKHOLM, BACK_OFFICE)))
    for query in (select(Case.id), select(SlaPolicy.id), taken):
        if session.scalar(query.limit(1)) is not None:
            return False
    return not generator.changed_since_build(session, options)


def build(session: Session, options: generator.DemoOptions) -> int:
    """Add calendars, policies, cases, two weeks of phone calls (`calls.py`) and survey
    answers after solved cases (`surveys.py`) to the
    freshly built (and analysed) workspace; returns how many cases it opened, 0 when the
    store is not one to add them to."""
    if not wanted(session, options):
        return 0
    end = history_end(options)
    staff = load_staff(session)
    set_up = end - timedelta(days=WINDOW_DAYS + 7)
    clocks = create_calendars(session, staff, end.date(), set_up)
    create_policies(session, staff, clocks, set_up)
    count = case_count(session.scalar(select(func.count()).select_from(Customer)) or 0)
    start = end - timedelta(days=WINDOW_DAYS)
    plans = case_plans.draw(session, staff, seed=options.seed, count=count, start=start, end=end)
    player = case_play.Player(session, end, options.seed, options.prefix)
    for plan in plans:
        player.play(plan)
    played = calls.build(session, options, end, staff.team(calls.DEPARTMENT))
    answers = surveys.build(session, options.seed, end, staff)
    audit.record(
        session,
        actor=None,
        action=generator.DESK_ACTION,
        entity=("demo", options.seed),
        details={"cases": len(plans), "calls": played, "survey_answers": answers},
    )
    return len(plans)


def _office_hours(end: str, friday: str | None = None) -> dict[str, list[list[str]]]:
    hours: dict[str, list[list[str]]] = {day: [["08:00", end]] for day in _WEEKDAYS}
    if friday:
        hours["fri"] = [["08:00", friday]]
    return {**hours, "sat": [], "sun": []}


def _team_day(end: date) -> date:
    """The back office's company day off: the Friday four to five weeks before the end."""
    day = end - timedelta(days=28)
    return day - timedelta(days=(day.weekday() - 4) % 7)


def create_calendars(
    session: Session, staff: case_plans.Staff, end: date, set_up: datetime
) -> dict[str, Calendar]:
    """The offices' working time: Prague (Czech holidays), Stockholm (Swedish holidays and
    the de facto days off such as Midsummer Eve) and the back office that answers internal
    requests; each member of staff works to their office's calendar."""
    back_office_hours = {day: [["09:00", "15:00"]] for day in _WEEKDAYS}
    definitions = (
        CalendarCreate(
            name=PRAGUE,
            time_zone="Europe/Prague",
            hours=_office_hours("16:30"),
            holiday_country="CZ",
        ),
        CalendarCreate(
            name=STOCKHOLM,
            time_zone="Europe/Stockholm",
            hours=_office_hours("17:00", friday="15:00"),
            holiday_country="SE",
            holiday_categories=["public", "de_facto"],
        ),
        CalendarCreate(
            name=BACK_OFFICE,
            time_zone="Europe/Prague",
            hours={**back_office_hours, "sat": [], "sun": []},
            holiday_country="CZ",
            closed_dates=[_team_day(end)],
        ),
    )
    created = {}
    for data in definitions:
        calendar = calendars.create(session, data=data, actor=None)
        calendar.created_at = calendar.updated_at = set_up  # never the clock
        created[data.name] = calendar
    session.flush()
    for name, user in staff.users.items():
        office = STOCKHOLM if people.STAFF_LANGUAGES.get(name) == "sv" else PRAGUE
        account_service.update_staff(
            session, user=user, data=StaffUpdate(calendar_id=created[office].id), actor=None
        )
    return created


def _policy_rows(staff: case_plans.Staff, clocks: dict[str, int]) -> list[dict[str, Any]]:
    """The demo's policies, tried in this order: urgent first, then internal requests,
    the valuable tiers, the key-account desk, the other tiers, and a catch-all.
    Targets in working minutes of the policy's calendar (an office day is 510 minutes)."""
    key_accounts = staff.departments["Key Accounts"]
    rows: list[tuple[str, dict[str, Any], str, int, int, int, int | None]] = [
        ("Urgent", {"priority": "urgent"}, "24/7", 30, 60, 480, 1),
        ("Internal requests", {"internal": True}, BACK_OFFICE, 240, 240, 1440, None),
        ("Platinum", {"tier": "Platinum"}, "24/7", 60, 120, 1440, 1),
        ("Gold", {"tier": "Gold"}, PRAGUE, 120, 240, 1020, 2),
        ("Key Accounts", {"department_id": key_accounts}, STOCKHOLM, 240, 480, 1620, 2),
        ("Silver", {"tier": "Silver"}, PRAGUE, 480, 480, 2040, 3),
        ("Bronze", {"tier": "Bronze"}, PRAGUE, 1020, 1020, 4080, 5),
        ("Standard", {}, PRAGUE, 1020, 1020, 4080, 5),
    ]
    return [
        {
            "name": name,
            "position": 10 * (index + 1),
            "conditions": PolicyConditions.model_validate(conditions),
            "calendar_id": clocks[calendar],
            "first_response_minutes": first,
            "next_response_minutes": following,
            "resolution_minutes": resolution,
            "waiting_minutes": waiting,
        }
        for index, (name, conditions, calendar, first, following, resolution, waiting) in enumerate(
            rows
        )
    ]


def create_policies(
    session: Session, staff: case_plans.Staff, created: dict[str, Calendar], set_up: datetime
) -> list[SlaPolicy]:
    """The ordered service-level policies: Platinum and Gold customers and urgent cases are
    answered sooner than Silver and Bronze ones, Platinum and urgent around the clock. No
    policy escalates: an escalation by the breach check while the demo is served would count
    as a change and stop tomorrow's rebuild."""
    clocks = {name: calendar.id for name, calendar in created.items()}
    clocks["24/7"] = calendars.round_the_clock(session).id
    made = []
    for row in _policy_rows(staff, clocks):
        policy = policies.create(session, data=SlaPolicyCreate(**row), actor=None)
        policy.created_at = policy.updated_at = set_up
        made.append(policy)
    session.flush()
    return made
