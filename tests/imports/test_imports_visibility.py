"""Every write path applies the read rule: a confidential contact of department A is never
matched, changed, counted or named for department B (REST create, ingest, file import)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from import_files import write_csv
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from centricity.accounts.models import Role
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.imports.load import runner
from centricity.imports.models import QuarantineRow
from centricity.imports.plan import ImportOptions, prepare
from centricity.imports.review import duplicates
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel, Interaction
from centricity.interactions.schemas import InteractionCreate
from centricity.kit.errors import NotFound, PermissionDenied
from fixtures_web import make_user

SECRET = "Complaint about the branch manager SENTINEL-VIS-A"
STARTED = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
TAKEN = "not available: another record uses this id; choose another"


@pytest.fixture()
def secret(db: Session, personas: Any) -> Interaction:
    """Bob's (department A) confidential note with an external id, and an open note."""
    customer = customers.create(
        db, data=CustomerCreate(name="Vis Customer", external_id="VIS-1"), actor=personas.bob
    )
    interactions.create(
        db,
        data=InteractionCreate(
            customer_id=customer.id, channel=Channel.PHONE, note="open", external_id="OPEN-1"
        ),
        actor=personas.bob,
    )
    row = interactions.create(
        db,
        data=InteractionCreate(
            customer_id=customer.id,
            channel=Channel.EMAIL,
            note=SECRET,
            confidential=True,
            external_id="CALL-A-1",
            started_at=STARTED,
        ),
        actor=personas.bob,
    )
    db.commit()
    return row


def _ingest(anon: Any, headers: dict[str, str], **record: Any) -> Any:
    base = {"customer_external_id": "VIS-1", "channel": "email", "started_at": "2025-03-04T09:30Z"}
    return anon.post("/api/v1/ingest/interactions", json=base | record, headers=headers)


def _report(answer: Any) -> dict[str, Any]:
    """The counts of an ingest answer (a batch with nothing imported answers 422)."""
    body: dict[str, Any] = answer.json()
    return body.get("report", body)


def _reload(db: Session, row: Interaction) -> Interaction:
    db.expire_all()
    found = db.get(Interaction, row.id)
    assert found is not None
    return found


def test_it_refuses_ingest_of_another_departments_confidential_contact(
    secret: Interaction, personas: Any, anon: Any, token_for: Any, db: Session
) -> None:
    charlie = token_for(personas.charlie)
    answer = _ingest(anon, charlie, external_id="CALL-A-1", confidential=False, note="mine now")
    assert answer.status_code in (200, 422), answer.text
    report = _report(answer)
    assert (report["updated"], report["unchanged"], report["quarantined"]) == (0, 0, 1)
    assert report["errors"] == [{"index": 0, "reason": f"external_id: {TAKEN}"}]
    assert SECRET not in answer.text and str(secret.id) not in answer.text.replace("index", "")
    stored = _reload(db, secret)
    assert (stored.confidential, stored.note) == (True, SECRET)
    assert anon.get(f"/api/v1/interactions/{secret.id}", headers=charlie).status_code == 404


def test_it_refuses_a_natural_key_match_on_another_departments_confidential_contact(
    secret: Interaction, personas: Any, anon: Any, token_for: Any, db: Session
) -> None:
    bob = token_for(personas.bob)
    keyed = _ingest(anon, bob, note="keyed by customer, channel and start", confidential=True)
    assert keyed.json()["inserted"] == 1, keyed.text  # the natural key now names Bob's row
    row = db.scalar(select(Interaction).where(Interaction.note.startswith("keyed by")))
    assert row is not None and row.department_id == personas.bob.department_id
    charlie = token_for(personas.charlie)
    answer = _ingest(anon, charlie, note="overwritten", confidential=False)
    assert (_report(answer)["updated"], _report(answer)["quarantined"]) == (0, 1)
    assert _reload(db, row).note == "keyed by customer, channel and start"


def test_only_the_hidden_natural_key_of_a_batch_is_refused(
    secret: Interaction, personas: Any, anon: Any, token_for: Any, db: Session
) -> None:
    _ingest(anon, token_for(personas.bob), note="A's chat", confidential=True, channel="chat")
    base = {"customer_external_id": "VIS-1", "started_at": "2025-03-04T09:30Z"}
    batch = [
        base | {"channel": "chat", "note": "overwrite"},  # names A's confidential chat
        base | {"channel": "visit", "note": "B's own visit"},
        base | {"channel": "letter", "note": "B's own letter", "started_at": "2025-03-05T08:00Z"},
    ]
    headers = token_for(personas.charlie) | {"Idempotency-Key": "vis-batch-1"}
    answer = anon.post("/api/v1/ingest/interactions", json=batch, headers=headers)
    report = _report(answer)
    assert (report["inserted"], report["updated"], report["quarantined"]) == (2, 0, 1), report
    assert [e["index"] for e in report["errors"]] == [0]
    notes = set(db.scalars(select(Interaction.note).where(Interaction.channel != "email")))
    assert notes >= {"A's chat", "B's own visit", "B's own letter"} and "overwrite" not in notes


def test_the_same_department_and_admins_still_update_it(
    secret: Interaction, personas: Any, anon: Any, token_for: Any, db: Session
) -> None:
    answer = _ingest(anon, token_for(personas.bob), external_id="CALL-A-1", note="corrected")
    assert answer.json()["updated"] == 1, answer.text
    assert _reload(db, secret).note == "corrected"
    admin = token_for(personas.admin)
    again = _ingest(anon, admin, external_id="CALL-A-1", note="by admin", confidential=True)
    assert again.json()["updated"] == 1
    assert _reload(db, secret).department_id == personas.bob.department_id


def test_another_department_reads_an_open_contact_but_cannot_change_it(
    secret: Interaction, personas: Any, anon: Any, token_for: Any, db: Session
) -> None:
    charlie = token_for(personas.charlie)
    answer = _ingest(anon, charlie, external_id="OPEN-1", note="rewritten", confidential=True)
    report = _report(answer)
    assert (report["updated"], report["quarantined"]) == (0, 1), report
    reason = report["errors"][0]["reason"]
    assert reason.startswith("external_id: names another department's contact")
    opened = db.scalar(select(Interaction).where(Interaction.external_id == "OPEN-1"))
    assert opened is not None and (opened.note, opened.confidential) == ("open", False)
    mine = _ingest(anon, token_for(personas.bob), external_id="OPEN-1", note="by A")
    assert _report(mine)["updated"] == 1


def test_rest_create_answers_a_hidden_id_like_a_visible_one(
    secret: Interaction, personas: Any, anon: Any, token_for: Any
) -> None:
    charlie = token_for(personas.charlie)
    base = {"customer_id": secret.customer_id, "channel": "phone", "note": "x"}
    hidden = anon.post(
        "/api/v1/interactions", json=base | {"external_id": "CALL-A-1"}, headers=charlie
    )
    visible = anon.post(
        "/api/v1/interactions", json=base | {"external_id": "OPEN-1"}, headers=charlie
    )
    assert hidden.status_code == visible.status_code == 422
    strip = {"request_id", "correlation_id"}

    def body(answer: Any) -> Any:
        return {k: v for k, v in answer.json().items() if k not in strip}

    assert body(hidden) == body(visible)
    assert TAKEN in hidden.text and SECRET not in hidden.text
    assert "another interaction" not in hidden.text


def test_a_file_import_by_another_department_quarantines_the_row_without_naming_it(
    secret: Interaction,
    personas: Any,
    session_maker: sessionmaker[Session],
    db: Session,
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "calls.csv",
        ["customer_external_id", "channel", "started_at", "external_id", "note", "confidential"],
        [
            ["VIS-1", "email", "2025-03-04 09:30", "CALL-A-1", "stolen", "no"],
            ["VIS-1", "phone", "2025-03-05 10:00", "CALL-B-1", "B's own", "yes"],
        ],
    )
    prepared = prepare(path, ImportOptions(kind="interactions"))
    summary = runner.run(session_maker, prepared, actor_id=personas.charlie.id, source="web")
    assert summary.counts.line() == "read=2 inserted=1 updated=0 unchanged=0 quarantined=1"
    reasons = list(db.scalars(select(QuarantineRow.reason)))
    assert reasons == [f"external_id: {TAKEN}"]
    assert _reload(db, secret).note == SECRET
    own = db.scalar(select(Interaction).where(Interaction.external_id == "CALL-B-1"))
    assert own is not None and own.confidential
    assert (own.department_id, own.user_id) == (personas.charlie.department_id, personas.charlie.id)
    # B sees its own confidential import; A does not.
    assert interactions.get(db, own.id, actor=personas.charlie).id == own.id
    with pytest.raises(NotFound):
        interactions.get(db, own.id, actor=personas.bob)


def test_the_command_line_import_acts_for_the_operator_and_sees_everything(
    secret: Interaction, session_maker: sessionmaker[Session], db: Session, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "calls.csv",
        ["customer_external_id", "channel", "started_at", "external_id", "note", "confidential"],
        [["VIS-1", "email", "2025-03-04 09:30", "CALL-A-1", "fixed by the operator", "yes"]],
    )
    summary = runner.run(session_maker, prepare(path, ImportOptions(kind="interactions")))
    assert summary.counts.updated == 1
    assert _reload(db, secret).note == "fixed by the operator"


def test_an_upload_whose_owner_was_deactivated_does_not_run(
    secret: Interaction, personas: Any, session_maker: sessionmaker[Session], db: Session,
    tmp_path: Path,
) -> None:  # fmt: skip
    path = write_csv(
        tmp_path / "calls.csv",
        ["customer_external_id", "channel", "started_at", "note"],
        [["VIS-1", "chat", "2025-03-06 10:00", "late"]],
    )
    personas.charlie.is_active = False
    db.commit()
    with pytest.raises(PermissionDenied):
        runner.run(
            session_maker,
            prepare(path, ImportOptions(kind="interactions")),
            actor_id=personas.charlie.id,
            source="web",
        )
    assert db.scalar(select(Interaction).where(Interaction.note == "late")) is None


def test_a_merge_by_another_department_moves_the_contact_but_keeps_it_hidden(
    secret: Interaction, personas: Any, db: Session
) -> None:
    manager_b = make_user(db, "mira@test.example", Role.MANAGER, "Department B")
    survivor = customers.create(db, data=CustomerCreate(name="Vis Customer"), actor=manager_b)
    duplicate = customers.get(db, secret.customer_id, actor=manager_b)
    duplicates.merge(db, survivor=survivor, duplicate=duplicate, actor=manager_b)
    db.commit()
    moved = _reload(db, secret)
    assert moved.customer_id == survivor.id
    assert (moved.confidential, moved.department_id) == (True, personas.bob.department_id)
    seen_by_b = interactions.list(db, actor=manager_b, customer_id=survivor.id)
    assert [i.note for i in seen_by_b.items] == ["open"] and seen_by_b.total == 1
    assert interactions.list(db, actor=personas.bob, customer_id=survivor.id).total == 2


def test_a_manager_of_another_department_cannot_delete_the_customer_with_its_contact(
    secret: Interaction, personas: Any, anon: Any, token_for: Any, db: Session
) -> None:
    manager_b = make_user(db, "mira@test.example", Role.MANAGER, "Department B")
    db.commit()
    url, secret_id = f"/api/v1/customers/{secret.customer_id}", secret.id
    refused = anon.delete(url, headers=token_for(manager_b))
    assert refused.status_code == 409, refused.text
    assert SECRET not in refused.text and "Department A" not in refused.text
    assert _reload(db, secret).note == SECRET
    assert anon.delete(url, headers=token_for(personas.alice)).status_code == 204
    db.expire_all()
    assert db.get(Interaction, secret_id) is None


def test_a_manager_of_another_department_cannot_delete_an_open_contact_to_reimport_it(
    secret: Interaction, personas: Any, anon: Any, token_for: Any, db: Session
) -> None:
    manager_b = make_user(db, "mira@test.example", Role.MANAGER, "Department B")
    db.commit()
    opened = db.scalar(select(Interaction).where(Interaction.external_id == "OPEN-1"))
    assert opened is not None
    url = f"/api/v1/interactions/{opened.id}"
    refused = anon.delete(url, headers=token_for(manager_b))
    assert refused.status_code == 403, refused.text
    assert anon.get(url, headers=token_for(manager_b)).status_code == 200  # still readable
    assert anon.delete(url, headers=token_for(personas.alice)).status_code == 204
