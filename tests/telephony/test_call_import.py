"""`centricity import calls`: Asterisk Master.csv without a header, FreeSWITCH CDRs and
mapped CSVs become calls, contacts and call-back tasks; numbers in any written form find the
customer; bad rows go to quarantine; a re-import changes nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from centricity.accounts.models import Department
from centricity.cases.models import Case
from centricity.cli import app as cli_app
from centricity.config import Settings
from centricity.customers import service as customers
from centricity.customers.models import Customer
from centricity.customers.schemas import CustomerCreate
from centricity.db import get_engine, session_factory
from centricity.imports.load import runner
from centricity.imports.load.runner import Summary
from centricity.imports.plan import ImportOptions, prepare
from centricity.interactions.models import Interaction
from centricity.telephony.imports import recognise
from centricity.telephony.models import Call, CallBack
from store_helpers import (
    TEST_SECRET,
    migrated_store,
)


def _asterisk(
    src: str,
    dst: str,
    start: str,
    answer: str,
    end: str,
    billsec: int,
    disposition: str,
    uniqueid: str,
    *,
    lastapp: str = "Dial",
    dstchannel: str = "SIP/200-0002",
) -> list[str]:
    """One Master.csv record in Asterisk's column order."""
    return [
        "", src, dst, "from-pstn", f'"Caller" <{src}>', "SIP/trunk-0001", dstchannel, lastapp,
        "SIP/200,30", start, answer, end, "0", str(billsec), disposition, "DOCUMENTATION",
        uniqueid, "",
    ]  # fmt: skip


# Jana answered at 9:00, then missed at 10:00 (no answer) and 10:20 (busy): one task.
# Petr gave up in the queue at 11:00 and was phoned back at 11:30: no task, called back.
# An unknown caller at 12:00: counted, no task. The last row's start is not a date.
MASTER = [
    _asterisk("601234567", "200", "2026-11-30 09:00:00", "2026-11-30 09:00:12",
              "2026-11-30 09:05:12", 300, "ANSWERED", "1732957200.1"),
    _asterisk("00420601234567", "200", "2026-11-30 10:00:00", "",
              "2026-11-30 10:00:40", 0, "NO ANSWER", "1732960800.2"),
    _asterisk("+420 601 234 567", "200", "2026-11-30 10:20:00", "",
              "2026-11-30 10:20:05", 0, "BUSY", "1732962000.3"),
    _asterisk("420777111222", "200", "2026-11-30 11:00:00", "2026-11-30 11:00:01",
              "2026-11-30 11:03:01", 180, "ANSWERED", "1732964400.4",
              lastapp="Queue", dstchannel=""),
    _asterisk("201", "777 111 222", "2026-11-30 11:30:00", "2026-11-30 11:30:09",
              "2026-11-30 11:32:09", 120, "ANSWERED", "1732966200.5"),
    _asterisk("733999888", "200", "2026-11-30 12:00:00", "",
              "2026-11-30 12:00:30", 0, "NO ANSWER", "1732968000.6"),
    _asterisk("601234567", "200", "yesterday", "", "", 0, "NO ANSWER", "1732968000.7"),
]  # fmt: skip


def _write(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _customers(db: Session) -> tuple[Customer, Customer]:
    jana = customers.create(
        db, data=CustomerCreate(name="Jana", phone="601 234 567", country="CZ"), actor=None
    )
    petr = customers.create(db, data=CustomerCreate(name="Petr", phone="+420777111222"), actor=None)
    db.commit()
    return jana, petr


def _import(factory: sessionmaker[Session], path: Path, **options: Any) -> Summary:
    prepared = prepare(path, ImportOptions(kind="calls", **options))
    return runner.run(factory, prepared, actor_id=None, source="cli")


def test_it_recognises_headerless_call_records_and_nothing_else() -> None:
    assert recognise(MASTER[0])[:3] == ["accountcode", "src", "dst"]
    longer = recognise([*MASTER[0], "peer", "1732957200.1", "7"])
    assert longer is not None and longer[-1] == "column 21"
    freeswitch = [
        "Jana", "601234567", "200", "default", "2026-11-30 09:00:00", "2026-11-30 09:00:05",
        "2026-11-30 09:01:00", "60", "55", "NORMAL_CLEARING",
        "a3f1c9e2-6b1d-4c8e-9f00-1234567890ab", "", "", "PCMA", "PCMA",
    ]  # fmt: skip
    assert recognise(freeswitch)[:2] == ["caller_id_name", "caller_id_number"]  # type: ignore[index]
    assert recognise(["uniqueid", "src", "dst", "start", "disposition"]) is None


def test_master_csv_becomes_calls_contacts_and_one_call_back_task(
    db: Session, session_maker: sessionmaker[Session], tmp_path: Path, personas: Any
) -> None:
    jana, petr = _customers(db)
    path = _write(tmp_path / "Master.csv", MASTER)
    summary = _import(session_maker, path, timezone="Europe/Prague")
    counts = summary.counts
    assert (counts.read, counts.inserted, counts.quarantined) == (7, 6, 1)
    assert summary.problems[0][0] == 7  # the line of the row whose start is no date
    calls = {c.call_id: c for c in db.scalars(select(Call))}
    first = calls["1732957200.1"]
    # Times are read in the file's zone (Prague, UTC+1 in November) and stored in UTC.
    assert first.started_at.hour == 8 and first.waiting_seconds == 12
    assert (first.direction, first.customer_id, first.outcome, first.missed) == (
        "inbound",
        jana.id,
        "answered",
        False,
    )
    assert first.duration_seconds == 300
    gave_up = calls["1732964400.4"]
    assert (gave_up.customer_id, gave_up.outcome, gave_up.missed) == (petr.id, "abandoned", True)
    assert gave_up.waiting_seconds == 181  # from the start until the caller gave up
    assert gave_up.called_back_at == calls["1732966200.5"].started_at
    assert calls["1732966200.5"].direction == "outbound"
    assert calls["1732968000.6"].customer_id is None and calls["1732968000.6"].missed
    tasks = db.scalars(select(Case).where(Case.kind == "task")).all()
    assert [(t.customer_id, t.channel, t.status) for t in tasks] == [(jana.id, "phone", "new")]
    callback = db.scalars(select(CallBack)).one()
    assert callback.missed_calls == 2
    contacts = db.scalar(select(func.count()).select_from(Interaction))
    assert contacts == 5  # every call with a customer; the unknown caller's is not
    again = _import(session_maker, path, timezone="Europe/Prague")
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 6)
    assert db.scalar(select(func.count()).select_from(Case)) == 1
    assert db.scalar(select(func.count()).select_from(Interaction)) == 5
    db.expire_all()
    assert db.scalars(select(CallBack)).one().missed_calls == 2


def test_a_later_answered_call_in_a_second_file_closes_the_task(
    db: Session, session_maker: sessionmaker[Session], tmp_path: Path, personas: Any
) -> None:
    jana, _ = _customers(db)
    _import(session_maker, _write(tmp_path / "a.csv", MASTER[1:3]), timezone="UTC")
    task = db.scalars(select(Case).where(Case.kind == "task")).one()
    later = _asterisk("200", "601234567", "2026-11-30 15:00:00", "2026-11-30 15:00:03",
                      "2026-11-30 15:01:03", 60, "ANSWERED", "1732978800.9")  # fmt: skip
    _import(session_maker, _write(tmp_path / "b.csv", [later]), timezone="UTC")
    db.expire_all()
    assert db.get(Case, task.id).status == "solved"  # type: ignore[union-attr]
    assert db.scalars(select(CallBack)).one().closed_by == "answered"
    assert all(
        c.called_back_at is not None for c in db.scalars(select(Call).where(Call.missed.is_(True)))
    )
    assert jana.id == task.customer_id


def test_a_corrected_record_updates_its_call_and_its_contact(
    db: Session, session_maker: sessionmaker[Session], tmp_path: Path, personas: Any
) -> None:
    """The call keeps the department that owns it; one whose department was deleted gets
    the default owner again."""
    _customers(db)
    _import(session_maker, _write(tmp_path / "a.csv", MASTER[:2]), timezone="UTC")
    sales = Department(name="Sales")
    db.add(sales)
    db.flush()
    first, second = (db.scalars(select(Call).where(Call.call_id == k)).one() for k in KEYS)
    default = second.department_id
    first.department_id, second.department_id = sales.id, None
    db.commit()
    corrected = [
        _asterisk("601234567", "200", "2026-11-30 09:00:00", "2026-11-30 09:00:20",
                  "2026-11-30 09:06:00", 340, "ANSWERED", KEYS[0]),
        _asterisk("00420601234567", "200", "2026-11-30 10:00:00", "",
                  "2026-11-30 10:00:45", 0, "NO ANSWER", KEYS[1]),
    ]  # fmt: skip
    again = _import(session_maker, _write(tmp_path / "b.csv", corrected), timezone="UTC")
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 2, 0)
    db.expire_all()
    owners = dict(db.execute(select(Call.call_id, Call.department_id)).all())
    assert owners == {KEYS[0]: sales.id, KEYS[1]: default}
    contacts = {i.external_id: i for i in db.scalars(select(Interaction))}
    assert len(contacts) == 2
    contact = contacts[f"call:{KEYS[0]}"]
    assert (contact.waiting_seconds, contact.duration_seconds) == (20, 340)
    assert contact.department_id == sales.id
    assert contacts[f"call:{KEYS[1]}"].waiting_seconds == 45


KEYS = ("1732957200.1", "1732960800.2")


def test_a_mapped_csv_with_a_header_and_a_direction_column(
    db: Session, session_maker: sessionmaker[Session], tmp_path: Path, personas: Any
) -> None:
    jana, _ = _customers(db)
    header = ["Call ID", "Caller", "Called number", "Start time", "Answered", "End", "Směr"]
    rows = [["x-1", "+420601234567", "+420222111222", "2026-11-30T08:00:00Z", "", "", "in"]]
    summary = _import(
        session_maker,
        _write(tmp_path / "calls.csv", rows, header),
        overrides={"Answered": "answer"},
    )
    assert summary.counts.inserted == 1
    call = db.scalars(select(Call)).one()
    assert (call.customer_id, call.missed, call.outcome, call.line_e164) == (
        jana.id,
        True,
        "no_answer",
        "+420222111222",
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A migrated store the command commits into (not the rolled-back test store)."""
    with migrated_store(request.param, tmp_path, "centricity_calls_import") as url:
        yield url


def test_the_command_prints_the_summary_line_and_quarantines_bad_rows(
    store: str, tmp_path: Path
) -> None:
    """On a store with no department at all (right after `centricity init`), the call-back
    tasks get one."""
    with session_factory(get_engine(Settings(database_url=store, secret_key=TEST_SECRET)))() as s:
        customers.create(s, data=CustomerCreate(name="Jana", phone="601234567"), actor=None)
        s.commit()
    path = _write(tmp_path / "Master.csv", MASTER)
    env = {"CENTRICITY_DATABASE_URL": store, "CENTRICITY_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(cli_app, ["import", "calls", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "read=7 inserted=6 updated=0 unchanged=0 quarantined=1"
    )
    assert "start" in (tmp_path / "Master.quarantine.csv").read_text("utf-8")
    with session_factory(get_engine(Settings(database_url=store, secret_key=TEST_SECRET)))() as s:
        task = s.scalars(select(Case).where(Case.kind == "task", Case.status == "new")).one()
        assert task.channel == "phone"
        assert s.get(Department, task.department_id).name == "Customer Service"  # type: ignore[union-attr]
    again = CliRunner().invoke(cli_app, ["import", "calls", str(path)], env=env)
    assert again.output.strip().splitlines()[-1] == (
        "read=7 inserted=0 updated=0 unchanged=6 quarantined=1"
    )


def test_a_history_import_opens_call_backs_only_for_the_last_days_missed_calls(
    db: Session, session_maker: sessionmaker[Session], tmp_path: Path, personas: Any
) -> None:
    """Jana's call missed ten days before the newest record is history; Petr's, missed on
    the last day, still waits for a call-back."""
    jana, petr = _customers(db)
    rows = [
        _asterisk("601234567", "200", "2026-11-20 10:00:00", "", "2026-11-20 10:00:30",
                  0, "NO ANSWER", "h-1"),
        _asterisk("777111222", "200", "2026-11-30 10:00:00", "", "2026-11-30 10:00:30",
                  0, "NO ANSWER", "h-2"),
    ]  # fmt: skip
    _import(session_maker, _write(tmp_path / "history.csv", rows))
    tasks = db.scalars(select(Case.customer_id).where(Case.kind == "task")).all()
    assert tasks == [petr.id]
    assert db.scalar(select(Call.missed).where(Call.call_id == "h-1")) is True  # still counted
    assert jana.id not in tasks


def test_a_withheld_number_is_an_outside_caller_not_an_extension(
    db: Session, session_maker: sessionmaker[Session], tmp_path: Path, personas: Any
) -> None:
    rows = [
        _asterisk("anonymous", "200", "2026-11-30 10:00:00", "", "2026-11-30 10:00:30",
                  0, "NO ANSWER", "w-1"),
        _asterisk("", "200", "2026-11-30 10:05:00", "", "2026-11-30 10:05:30",
                  0, "NO ANSWER", "w-2"),
    ]  # fmt: skip
    _import(session_maker, _write(tmp_path / "withheld.csv", rows))
    calls = db.execute(select(Call.direction, Call.missed, Call.customer_id)).all()
    assert [tuple(c) for c in calls] == [("inbound", True, None)] * 2
