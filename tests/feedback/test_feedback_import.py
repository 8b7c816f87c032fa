"""`centricity import feedback`: customers by external id or e-mail, bad rows quarantined
with their line and reason, the language detected where none is given, idempotent re-runs,
on both engines."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from feedback_helpers import Arranged
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.feedback import service
from centricity.feedback.models import FeedbackItem
from centricity.feedback.schemas import FeedbackCreate
from centricity.imports.load import runner
from centricity.imports.load.runner import Summary
from centricity.imports.models import QuarantineRow
from centricity.imports.plan import ImportOptions, prepare

HEADER = ["customer_external_id", "customer_email", "source", "score", "scale", "text",
          "received_at", "language", "external_id"]  # fmt: skip
POLISH = "Obsługa była szybka i bardzo uprzejma, dziękuję."


def _row(key: str, **values: str) -> list[str]:
    row = {
        "customer_external_id": "C-1",
        "customer_email": "",
        "source": "review",
        "score": "4.5",
        "scale": "stars",
        "text": POLISH,
        "received_at": "2026-11-03 10:00",
        "language": "",
        "external_id": key,
    } | values
    return [row[name] for name in HEADER]


GOOD = [
    _row("R-1"),
    _row(
        "R-2",
        customer_external_id="",
        customer_email="OLOF@example.se",
        language="sv-SE",
        text="Bra",
        score="9",
        scale="NPS",
    ),  # fmt: skip
    _row("R-3", score="", scale="", text="Хорошо, но доставка была долгой."),
]
BAD = {
    4: (_row("R-4", score="11", scale="nps"), "score: not a score of this scale"),
    5: (_row("R-5", scale=""), "score: a score needs its scale"),
    6: (_row("R-6", customer_external_id="C-404"), "customer_external_id: no customer"),
    7: (
        _row("R-7", customer_external_id="", customer_email="twin@example.se"),
        "customer_email: no customer, or more than one",
    ),  # fmt: skip
    8: (_row("R-8", customer_external_id=""), "customer_external_id, customer_email: one of"),
    9: (_row("R-9", score="", scale="", text=""), "score, text: give a score, a text or both"),
    10: (_row("R-10", source="App Store!"), "source: use a short lower-case code"),
    11: (_row("R-11", received_at="yesterday"), "received_at: not a date"),
}


def _write(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _import(factory: sessionmaker[Session], path: Path, actor_id: int | None = None) -> Summary:
    prepared = prepare(path, ImportOptions(kind="feedback"))
    return runner.run(factory, prepared, actor_id=actor_id, source="web" if actor_id else "cli")


def _twins(db: Session, personas: Any) -> None:
    for name in ("Twin A", "Twin B"):
        data = CustomerCreate(name=name, email="twin@example.se")
        customers.create(db, data=data, actor=personas.bob)
    db.commit()


def test_it_imports_feedback_once_and_quarantines_bad_rows_with_line_and_reason(
    session_maker: sessionmaker[Session],
    db: Session,
    tmp_path: Path,
    arranged: Arranged,
    personas: Any,
) -> None:
    _twins(db, personas)
    rows = [*GOOD, *(row for row, _reason in BAD.values())]
    path = _write(tmp_path / "feedback.csv", rows)
    summary = _import(session_maker, path)
    assert summary.counts.line() == "read=11 inserted=3 updated=0 unchanged=0 quarantined=8"
    found = {
        row.line - 1: row.reason  # line 1 is the header
        for row in db.scalars(select(QuarantineRow).where(QuarantineRow.job_id == summary.job_id))
    }
    assert set(found) == set(BAD)
    for line, (_values, reason) in BAD.items():
        assert found[line].startswith(reason), (line, found[line])
    items = {i.external_id: i for i in db.scalars(select(FeedbackItem))}
    assert set(items) == {"R-1", "R-2", "R-3"}
    first, second, third = items["R-1"], items["R-2"], items["R-3"]
    assert (first.customer_id, first.score, first.scale) == (
        arranged.customer_id, Decimal("4.5"), "stars"
    )  # fmt: skip
    assert (first.text, first.language) == (POLISH, "pl")
    assert (second.customer_id, second.scale, second.language) == (
        arranged.customer_id,
        "nps",
        "sv",
    )
    assert (third.score, third.scale, third.language) == (None, None, "ru")
    again = _import(session_maker, path)
    assert again.counts.line() == "read=11 inserted=0 updated=0 unchanged=3 quarantined=8"
    assert len(list(db.scalars(select(FeedbackItem)))) == 3


def test_it_refuses_a_source_and_external_id_that_the_api_already_holds(
    session_maker: sessionmaker[Session],
    db: Session,
    tmp_path: Path,
    arranged: Arranged,
    personas: Any,
) -> None:
    data = FeedbackCreate(
        customer_id=arranged.customer_id, source="review", text="Via API", external_id="R-1"
    )
    service.create(db, data=data, actor=personas.bob)
    db.commit()
    summary = _import(session_maker, _write(tmp_path / "f.csv", [_row("R-1"), _row("R-2")]))
    assert summary.counts.line() == "read=2 inserted=1 updated=0 unchanged=0 quarantined=1"
    assert summary.problems == [(2, "source, external_id: not available: another record uses "
                                 "this id; choose another")]  # fmt: skip


def test_a_file_without_external_ids_is_keyed_by_customer_source_and_time(
    session_maker: sessionmaker[Session], db: Session, tmp_path: Path, arranged: Arranged
) -> None:
    header = ["customer_email", "source", "score", "scale", "received_at"]
    buffer = io.StringIO()
    rows = [["olof@example.se", "survey", "8", "nps", "2026-10-01T09:00:00Z"],
            ["olof@example.se", "survey", "3", "nps", "2026-10-02T09:00:00Z"]]  # fmt: skip
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path / "nps.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert _import(session_maker, path).counts.inserted == 2
    summary = _import(session_maker, path)
    assert (summary.counts.inserted, summary.counts.unchanged) == (0, 2)
    scores = db.scalars(
        select(FeedbackItem.score).where(FeedbackItem.customer_id == arranged.customer_id)
    )
    assert sorted(scores) == [Decimal(3), Decimal(8)]


def test_an_importer_records_as_themselves(
    session_maker: sessionmaker[Session],
    db: Session,
    tmp_path: Path,
    arranged: Arranged,
    personas: Any,
) -> None:
    del arranged
    summary = _import(session_maker, _write(tmp_path / "f.csv", [_row("R-1")]), personas.bob.id)
    assert summary.counts.inserted == 1
    item = db.scalar(select(FeedbackItem))
    assert item is not None and item.recorded_by_user_id == personas.bob.id
