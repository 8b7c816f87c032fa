"""`centricity import events`: idempotent on external_id, bad rows quarantined, notices
planned, moved and withdrawn by the import, the department rule, on both engines."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from centricity.cases.models import Case, CaseTarget
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.events import rules
from centricity.events.models import Event, EventNotice
from centricity.events.schemas import NoticeRuleCreate
from centricity.imports.load import runner
from centricity.imports.load.runner import Summary
from centricity.imports.models import QuarantineRow
from centricity.imports.plan import ImportOptions, prepare

HEADER = ["external_id", "customer_external_id", "kind", "starts_at", "time_zone", "place",
          "department", "note", "status"]  # fmt: skip
START = (datetime.now(UTC) + timedelta(days=10)).replace(hour=8, minute=0, second=0, microsecond=0)
A = "Department A"


def _row(key: str, **values: str) -> list[str]:
    row = {
        "external_id": key,
        "customer_external_id": "C-1",
        "kind": "doručení",
        "starts_at": START.isoformat(),
        "time_zone": "Europe/Prague",
        "place": "Hlavní 5",
        "department": A,
        "note": "",
        "status": "",
    } | values
    return [row[name] for name in HEADER]


GOOD = [_row("E-1"), _row("E-2", kind="visit", status="naplánováno")]
BAD = {
    "E-3": (_row("E-3", department="Nowhere"), "department: no department with this name"),
    "E-4": (_row("E-4", kind="party"), "kind: must be one of"),
    "E-5": (_row("E-5", time_zone="Mars/Olympus"), "time_zone: not an IANA time zone"),
    "E-6": (_row("E-6", customer_external_id="C-404"), "customer_external_id: no customer"),
    "E-7": (_row("E-7", starts_at="soon"), "starts_at: not a date"),
}


def _write(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _import(factory: sessionmaker[Session], path: Path, actor_id: int | None = None) -> Summary:
    prepared = prepare(path, ImportOptions(kind="events"))
    return runner.run(factory, prepared, actor_id=actor_id, source="web" if actor_id else "cli")


@pytest.fixture()
def arranged(db: Session, personas: Any) -> None:
    customers.create(db, data=CustomerCreate(name="Jana", external_id="C-1"), actor=personas.bob)
    rules.create(
        db,
        data=NoticeRuleCreate(
            event_kind="delivery",
            minutes_before=60,
            action="task",
            department_id=personas.bob.department_id,
        ),
        actor=personas.alice,
    )
    db.commit()


def _first_due(db: Session, key: str) -> datetime | None:
    db.expire_all()
    return db.scalar(
        select(CaseTarget.due_at)
        .join(EventNotice, EventNotice.case_id == CaseTarget.case_id)
        .join(Event, Event.id == EventNotice.event_id)
        .where(Event.external_id == key, CaseTarget.kind == "first_response")
    )


@pytest.mark.usefixtures("arranged")
def test_it_imports_events_once_and_quarantines_bad_rows(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    rows = [*GOOD, *(row for row, _reason in BAD.values())]
    summary = _import(session_maker, _write(tmp_path / "events.csv", rows))
    assert summary.counts.line() == "read=7 inserted=2 updated=0 unchanged=0 quarantined=5"
    found = {
        row.data[0]: row.reason
        for row in db.scalars(select(QuarantineRow).where(QuarantineRow.job_id == summary.job_id))
    }
    assert set(found) == set(BAD)
    for key, (_row_values, reason) in BAD.items():
        assert found[key].startswith(reason), (key, found[key])
    event = db.scalars(select(Event).where(Event.external_id == "E-1")).one()
    assert (event.kind, event.status, event.time_zone) == ("delivery", "scheduled", "Europe/Prague")
    assert _first_due(db, "E-1") == START - timedelta(minutes=60)
    # The same file again changes nothing and opens no second task.
    again = _import(session_maker, _write(tmp_path / "again.csv", GOOD))
    assert again.counts.line() == "read=2 inserted=0 updated=0 unchanged=2 quarantined=0"
    assert db.scalar(select(func.count()).select_from(Case)) == 1
    assert db.scalar(select(func.count()).select_from(Event)) == 2


@pytest.mark.usefixtures("arranged")
def test_a_re_import_moves_or_cancels_the_events_notices(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    _import(session_maker, _write(tmp_path / "events.csv", GOOD[:1]))
    later = START + timedelta(days=1)
    moved = _import(
        session_maker, _write(tmp_path / "moved.csv", [_row("E-1", starts_at=later.isoformat())])
    )
    assert moved.counts.updated == 1
    assert _first_due(db, "E-1") == later - timedelta(minutes=60)
    _import(session_maker, _write(tmp_path / "cancel.csv", [_row("E-1", status="zrušeno")]))
    db.expire_all()
    notice = db.scalars(select(EventNotice)).one()
    assert (notice.state, notice.reason) == ("withdrawn", "cancelled")
    assert db.get(Case, notice.case_id).status == "closed"  # type: ignore[union-attr]


@pytest.mark.usefixtures("arranged")
def test_a_manager_imports_only_their_departments_events(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path, personas: Any
) -> None:
    rows = [_row("E-1"), _row("E-9", department="Department B")]
    summary = _import(session_maker, _write(tmp_path / "events.csv", rows), personas.alice.id)
    assert summary.counts.inserted == 1 and summary.counts.quarantined == 1
    reason = db.scalars(select(QuarantineRow.reason).where(QuarantineRow.job_id == summary.job_id))
    assert list(reason) == ["department: you can import only your own department's events"]
