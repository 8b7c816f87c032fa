"""`centricity import cases`: a service desk's history with targets computed for the past,
quarantine, idempotent re-runs, re-targeting and the department rule, on both engines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from centricity.accounts import service as accounts
from centricity.accounts.models import Role
from centricity.accounts.schemas import UserCreate
from centricity.cases import policies
from centricity.cases import timeline as _timeline  # noqa: F401  (registers the sources)
from centricity.cases.models import Case, CaseEvent, CaseTarget, SlaPolicy
from centricity.cases.schemas import PolicyConditions, SlaPolicyCreate
from centricity.cli import app as cli_app
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers import timeline
from centricity.customers.schemas import CustomerCreate
from centricity.db import get_engine, session_factory
from centricity.imports.load import runner
from centricity.imports.load.runner import Summary
from centricity.imports.models import QuarantineRow
from centricity.imports.plan import ImportOptions, prepare
from centricity.privacy import service as privacy
from store_helpers import (
    TEST_SECRET,
    migrated_store,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday; the policies count round the clock
HEADER = [
    "external_id",
    "customer_external_id",
    "requesting_department",
    "subject",
    "channel",
    "priority",
    "status",
    "opened_at",
    "first_responded_at",
    "solved_at",
    "department",
    "assignee_email",
]
A, B = "Department A", "Department B"


def _at(minutes: float, start: datetime = T0) -> str:
    return (start + timedelta(minutes=minutes)).replace(microsecond=0).isoformat()


def _row(key: str, **values: str) -> list[str]:
    """A good row: customer C-1's e-mail case, owned by department A, answered after 30
    minutes and solved after 120."""
    row = {
        "external_id": key,
        "customer_external_id": "C-1",
        "requesting_department": "",
        "subject": f"Case {key}",
        "channel": "email",
        "priority": "",
        "status": "solved",
        "opened_at": _at(0),
        "first_responded_at": _at(30),
        "solved_at": _at(120),
        "department": A,
        "assignee_email": "",
    } | values
    return [row[name] for name in HEADER]


GOOD = [
    _row("K-1"),
    _row("K-2", first_responded_at=_at(90), solved_at=_at(300), status="uzavřeno"),
    _row(
        "K-3",
        customer_external_id="",
        requesting_department=B,
        channel="telefon",
        status="open",
        first_responded_at="",
        solved_at="",
    ),
    _row("K-4", assignee_email="BOB@test.example", priority="vysoká"),
]
BAD = [
    _row("K-5", department="Nowhere"),
    _row("K-6", assignee_email="nobody@test.example"),
    _row("K-7", requesting_department=B),
    _row("K-8", customer_external_id=""),
    _row("K-9", solved_at=_at(-5)),
    _row("K-10", opened_at=_at(0, datetime.now(UTC) + timedelta(days=3))),
    _row("K-11", solved_at=""),
    _row("K-12", assignee_email="charlie@test.example"),  # an agent of department B
    _row("K-13", assignee_email="vera@test.example"),  # a viewer of department A
]
REASONS = {
    "K-5": "department: no department with this name",
    "K-6": "assignee_email: no member of staff with this e-mail address",
    "K-7": "customer_external_id, requesting_department: give only one of them",
    "K-8": "customer_external_id, requesting_department: one of them is required",
    "K-9": "solved_at: earlier than opened_at",
    "K-10": "opened_at: not a date from 1970 to tomorrow",
    "K-11": "solved_at: required for a solved or closed case",
    "K-12": "assignee_email: not an active member of staff of the case's department",
    "K-13": "assignee_email: not an active member of staff of the case's department",
}


def _write(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([HEADER, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _import(factory: sessionmaker[Session], path: Path, actor_id: int | None = None) -> Summary:
    prepared = prepare(path, ImportOptions(kind="cases"))
    return runner.run(factory, prepared, actor_id=actor_id, source="web" if actor_id else "cli")


def _arrange(db: Session, personas: Any) -> None:
    """Customer C-1 and two policies: urgent and high cases answered in 15 minutes,
    every other case in 60, solved in 240, a caller waits 5."""
    customers.create(db, data=CustomerCreate(name="Jana", external_id="C-1"), actor=personas.bob)
    policies.create(
        db,
        data=SlaPolicyCreate(
            name="High",
            position=0,
            conditions=PolicyConditions(priority="high"),
            first_response_minutes=15,
            resolution_minutes=120,
        ),
        actor=personas.admin,
    )
    policies.create(
        db,
        data=SlaPolicyCreate(
            name="All",
            position=10,
            first_response_minutes=60,
            resolution_minutes=240,
            waiting_minutes=5,
        ),
        actor=personas.admin,
    )
    db.commit()


def _targets(db: Session, key: str) -> dict[str, CaseTarget]:
    db.expire_all()
    query = select(CaseTarget).join(Case, Case.id == CaseTarget.case_id)
    rows = db.scalars(query.where(Case.external_id == key))
    return {t.kind: t for t in rows}


def _case(db: Session, key: str) -> Case:
    db.expire_all()
    found = db.scalar(select(Case).where(Case.external_id == key))
    assert found is not None
    return found


def _snapshot(db: Session) -> list[tuple[Any, ...]]:
    db.expire_all()
    targets = db.execute(select(CaseTarget).order_by(CaseTarget.id)).scalars()
    return [tuple(getattr(t, c.key) for c in CaseTarget.__table__.columns) for t in targets]


def test_it_imports_history_and_computes_attainment_for_the_past(
    session_maker: sessionmaker[Session],
    db: Session,
    personas: Any,
    tmp_path: Path,
    anon: Any,
    token_for: Any,
) -> None:
    _arrange(db, personas)
    summary = _import(session_maker, _write(tmp_path / "cases.csv", GOOD))
    assert summary.counts.line() == "read=4 inserted=4 updated=0 unchanged=0 quarantined=0"
    met = _targets(db, "K-1")
    assert {k: (t.state, t.achieved_minutes) for k, t in met.items()} == {
        "first_response": ("achieved", 30.0),
        "resolution": ("achieved", 120.0),
    }
    late = _targets(db, "K-2")["first_response"]
    assert (late.state, late.achieved_minutes) == ("breached", 90.0)
    assert late.breached_at == T0 + timedelta(minutes=60)
    assert late.achieved_at == T0 + timedelta(minutes=90)
    assert _case(db, "K-2").closed_at == T0 + timedelta(minutes=300)
    # An open internal request from long ago: late at once (no flood of breach notices).
    waiting = _targets(db, "K-3")
    assert {k: t.state for k, t in waiting.items()} == {
        "first_response": "breached",
        "waiting": "breached",
        "resolution": "breached",
    }
    assert all(t.achieved_at is None and t.warned_at is not None for t in waiting.values())
    high = _case(db, "K-4")
    assert (high.priority, high.assignee_id) == ("high", personas.bob.id)
    assert _targets(db, "K-4")["first_response"].minutes == 15  # the "High" policy
    assert _targets(db, "K-4")["first_response"].state == "breached"
    k3 = _case(db, "K-3")
    assert (k3.requesting_department_id, k3.customer_id) == (personas.charlie.department_id, None)
    events = db.execute(select(CaseEvent.field, CaseEvent.new_value, CaseEvent.reason))
    assert (
        sorted(events)
        == [("status", "closed", "imported")]
        + [("status", "open", "imported")]
        + [("status", "solved", "imported")] * 2
    )
    answer = anon.get(
        "/api/v1/service/metrics",
        params={"from": "2025-03-01", "to": "2025-03-31"},
        headers=token_for(personas.alice),
    )
    assert answer.status_code == 200, answer.text
    (row,) = answer.json()["items"]
    assert row["cases"] == 4
    # First response: K-1 met; K-2, K-3 and K-4 (15 minutes) missed. Resolution: K-1 and
    # K-4 (120 of 120 minutes) met; K-2 and K-3 missed.
    assert row["attainment"]["first_response"] == 0.25
    assert row["attainment"]["resolution"] == 0.5
    assert row["first_response_p50_minutes"] is not None


def test_it_quarantines_bad_rows_with_line_and_reason_and_keeps_the_good(
    session_maker: sessionmaker[Session], db: Session, personas: Any, tmp_path: Path
) -> None:
    _arrange(db, personas)
    summary = _import(session_maker, _write(tmp_path / "mixed.csv", [*GOOD, *BAD]))
    assert summary.counts.line() == "read=13 inserted=4 updated=0 unchanged=0 quarantined=9"
    rows = db.scalars(
        select(QuarantineRow)
        .where(QuarantineRow.job_id == summary.job_id)
        .order_by(QuarantineRow.line)
    )
    found = {row.data[0]: (row.line, row.reason) for row in rows}
    expected = {key: (6 + n, REASONS[key]) for n, key in enumerate(REASONS)}
    assert found == expected
    assert db.scalar(select(func.count()).select_from(Case)) == 4


def test_it_changes_nothing_on_a_rerun_and_retargets_a_changed_row(
    session_maker: sessionmaker[Session], db: Session, personas: Any, tmp_path: Path
) -> None:
    _arrange(db, personas)
    path = _write(tmp_path / "cases.csv", GOOD)
    _import(session_maker, path)
    before = _snapshot(db)
    again = _import(session_maker, path)
    assert again.counts.line() == "read=4 inserted=0 updated=0 unchanged=4 quarantined=0"
    assert _snapshot(db) == before
    assert db.scalar(select(func.count()).select_from(CaseEvent)) == 4
    ids = {k: t.id for k, t in _targets(db, "K-1").items()}
    changed = [_row("K-1", priority="high", first_responded_at=_at(20)), *GOOD[1:]]
    summary = _import(session_maker, _write(tmp_path / "changed.csv", changed))
    assert summary.counts.line() == "read=4 inserted=0 updated=1 unchanged=3 quarantined=0"
    retargeted = _targets(db, "K-1")
    assert {k: t.id for k, t in retargeted.items()} == ids  # rewritten in place, not added
    first = retargeted["first_response"]
    assert (first.minutes, first.state, first.achieved_minutes) == (15, "breached", 20.0)
    assert retargeted["resolution"].state == "achieved"  # 120 minutes: just within 120
    policy = db.scalar(select(SlaPolicy).where(SlaPolicy.name == "High"))
    assert policy is not None and _case(db, "K-1").policy_id == policy.id
    assert len(_snapshot(db)) == len(before)
    assert db.scalar(select(func.count()).select_from(CaseEvent)) == 5


def test_the_checks_read_the_stored_value_of_a_column_the_file_lacks(
    session_maker: sessionmaker[Session], db: Session, personas: Any, tmp_path: Path
) -> None:
    _arrange(db, personas)
    _import(session_maker, _write(tmp_path / "a.csv", [_row("K-1")]))
    header = ["external_id", "customer_external_id", "subject", "opened_at", "department"]
    rows = [["K-1", "C-1", "Renamed", _at(0), A], ["K-1b", "C-1", "New", _at(0), A]]
    path = tmp_path / "short.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    summary = _import(session_maker, path)
    assert summary.counts.line() == "read=2 inserted=1 updated=1 unchanged=0 quarantined=0"
    renamed = _case(db, "K-1")
    assert (renamed.subject, renamed.status, renamed.solved_at) == (
        "Renamed",
        "solved",
        T0 + timedelta(minutes=120),
    )
    assert _targets(db, "K-1")["resolution"].state == "achieved"
    assert _case(db, "K-1b").status == "open"
    late = [["K-1", "C-1", "Renamed", _at(200), A]]  # now opened after its stored answer
    path.write_text("\n".join(",".join(r) for r in [header, *late]) + "\n", encoding="utf-8")
    summary = _import(session_maker, path)
    assert summary.problems == [(2, "first_responded_at: earlier than opened_at")]


def test_a_reopened_row_runs_its_clocks_again(
    session_maker: sessionmaker[Session], db: Session, personas: Any, tmp_path: Path
) -> None:
    _arrange(db, personas)
    _import(session_maker, _write(tmp_path / "a.csv", [_row("K-1")]))
    recent = datetime.now(UTC) - timedelta(minutes=10)
    reopened = _row(
        "K-1",
        status="čeká na zákazníka",
        opened_at=_at(0, recent),
        first_responded_at="",
        solved_at="",
    )
    _import(session_maker, _write(tmp_path / "b.csv", [reopened]))
    clocks = _targets(db, "K-1")
    assert {k: t.state for k, t in clocks.items()} == {
        "first_response": "paused",
        "resolution": "paused",
    }
    assert all(t.achieved_at is None and t.due_at is None for t in clocks.values())
    assert 500 <= clocks["resolution"].counted_seconds <= 700


def test_a_manager_imports_only_their_own_departments_cases(
    session_maker: sessionmaker[Session], db: Session, personas: Any, tmp_path: Path
) -> None:
    _arrange(db, personas)
    theirs = [
        # B's case that A asked for: A sees it but may not change it.
        _row("B-1", customer_external_id="", requesting_department=A, department=B),
        _row("B-2", department=B),  # B's own case: A does not even see it
    ]
    _import(session_maker, _write(tmp_path / "b.csv", theirs))
    attempt = [
        _row("B-1", customer_external_id="", requesting_department=A, subject="mine now"),
        _row("B-2", subject="mine now"),
        _row("B-3", department=B),
        _row("A-1"),
    ]
    summary = _import(session_maker, _write(tmp_path / "a.csv", attempt), personas.alice.id)
    assert summary.counts.line() == "read=4 inserted=1 updated=0 unchanged=0 quarantined=3"
    assert [reason for _line, reason in summary.problems] == [
        "external_id: names another department's case; only that department can change it",
        "external_id: not available: another record uses this id; choose another",
        "department: you can import only your own department's cases",
    ]
    assert {_case(db, k).subject for k in ("B-1", "B-2")} == {"Case B-1", "Case B-2"}
    mine = _case(db, "A-1")
    assert (mine.department_id, mine.created_by_user_id) == (
        personas.alice.department_id,
        personas.alice.id,
    )
    assert db.scalar(select(func.count()).select_from(Case).where(Case.external_id == "B-3")) == 0


def test_imported_cases_are_on_the_timeline_and_in_a_persons_export(
    session_maker: sessionmaker[Session], db: Session, personas: Any, tmp_path: Path
) -> None:
    _arrange(db, personas)
    jana = customers.get_by_external_id(db, "C-1")
    assert jana is not None
    jana.email = "jana@example.cz"
    db.commit()
    _import(session_maker, _write(tmp_path / "cases.csv", GOOD))
    items = timeline.build(db, customer=jana, actor=personas.bob).items
    assert sorted(str(i.title) for i in items if i.kind == "case") == [
        f"Case opened: Case {key}" for key in ("K-1", "K-2", "K-4")
    ]
    others = timeline.build(db, customer=jana, actor=personas.charlie).items
    assert [i for i in others if i.kind.startswith("case")] == []
    exported = privacy.export_person(db, email="jana@example.cz", actor_label="test")
    text = json.dumps(exported, default=str, ensure_ascii=False)
    assert all(f"Case {key}" in text for key in ("K-1", "K-2", "K-4"))


def test_an_agent_may_not_import_cases(
    db: Session, personas: Any, anon: Any, token_for: Any
) -> None:
    record = dict(zip(HEADER, _row("K-1"), strict=True))
    answer = anon.post("/api/v1/ingest/cases", json=record, headers=token_for(personas.bob))
    assert answer.status_code == 403
    answer = anon.post("/api/v1/ingest/cases", json=record, headers=token_for(personas.alice))
    assert answer.status_code == 422  # a manager may; the customer does not exist here
    assert answer.json()["report"]["errors"] == [
        {"index": 0, "reason": "customer_external_id: no customer with this id"}
    ]


# The command line against a committed store: the summary line and the quarantine file.


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A migrated store the command commits into (not the rolled-back test store)."""
    with migrated_store(request.param, tmp_path, "centricity_cases_import") as url:
        yield url


def test_the_command_prints_the_summary_line(store: str, tmp_path: Path) -> None:
    with session_factory(get_engine(Settings(database_url=store, secret_key=TEST_SECRET)))() as s:
        for email, department in (("bob@test.example", A), ("charlie@test.example", B)):
            data = UserCreate(
                email=email,
                name="X",
                password="correct-horse-battery",
                role=Role.AGENT,
                department=department,
            )
            accounts.create(s, data=data, actor=None)
        customers.create(s, data=CustomerCreate(name="Jana", external_id="C-1"), actor=None)
        s.commit()
    path = _write(tmp_path / "pripady.csv", [*GOOD, BAD[0]])
    env = {"CENTRICITY_DATABASE_URL": store, "CENTRICITY_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(
        cli_app, ["import", "cases", str(path)], env=env, catch_exceptions=False
    )
    lines = result.output.strip().splitlines()
    assert result.exit_code == 0, result.output
    assert lines[-1] == "read=5 inserted=4 updated=0 unchanged=0 quarantined=1"
    quarantined = (tmp_path / "pripady.quarantine.csv").read_text("utf-8")
    assert "department: no department with this name" in quarantined
    again = CliRunner().invoke(cli_app, ["import", "cases", str(path)], env=env)
    assert again.output.strip().splitlines()[-1] == (
        "read=5 inserted=0 updated=0 unchanged=4 quarantined=1"
    )
