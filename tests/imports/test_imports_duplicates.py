"""Duplicate customers: found by e-mail, phone or name + postcode; merged with history."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from import_files import run_import, write_csv
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from centricity.audit.models import AuditEntry
from centricity.customers import service as customers
from centricity.customers.models import ContactPerson, Customer
from centricity.customers.schemas import ContactPersonCreate, CustomerCreate
from centricity.imports.models import CustomerMerge, DuplicatePair, QuarantineRow
from centricity.imports.review import duplicates
from centricity.interactions import service as interactions
from centricity.interactions.models import Channel, Interaction
from centricity.interactions.schemas import InteractionCreate
from centricity.orders import service as orders
from centricity.orders.models import Order
from centricity.orders.schemas import OrderCreate
from centricity.privacy import service as privacy


def _customer(db: Session, actor: Any, **values: Any) -> Customer:
    return customers.create(db, data=CustomerCreate(**values), actor=actor)


def _reasons(db: Session) -> dict[frozenset[str], str]:
    names = dict(db.execute(select(Customer.id, Customer.name)).all())
    pairs = db.scalars(select(DuplicatePair).where(DuplicatePair.dismissed_at.is_(None)))
    return {frozenset({names[p.customer_a_id], names[p.customer_b_id]}): p.reason for p in pairs}


def test_it_finds_pairs_by_email_phone_and_similar_name_at_one_postcode(
    db: Session, personas: Any
) -> None:
    bob = personas.bob
    _customer(db, bob, name="Jana Dvořáková", email="jana@example.cz")
    _customer(db, bob, name="J. Dvorakova", email="JANA@example.cz")
    _customer(db, bob, name="Erik Lindqvist", phone="+46 70 123 45 67")
    _customer(db, bob, name="E. Lindqvist", phone="070-123 45 67")
    _customer(db, bob, name="Petr Novák", postcode="602 00")
    _customer(db, bob, name="Novák Petr", postcode="60200")
    _customer(db, bob, name="Petra Nováková", postcode="60200")
    _customer(db, bob, name="Somebody Else", email="else@example.cz", postcode="60200")
    assert duplicates.scan(db) == 3
    assert _reasons(db) == {
        frozenset({"Jana Dvořáková", "J. Dvorakova"}): "email",
        frozenset({"Erik Lindqvist", "E. Lindqvist"}): "phone",
        frozenset({"Petr Novák", "Novák Petr"}): "name_postcode",
    }
    pair = db.scalars(select(DuplicatePair).where(DuplicatePair.reason == "phone")).one()
    duplicates.dismiss(db, pair=pair, actor=personas.alice)
    assert duplicates.scan(db) == 2  # a dismissed pair stays dismissed


def test_a_merge_moves_orders_contacts_and_people_and_is_audited(
    db: Session, personas: Any, session_maker: sessionmaker[Session], tmp_path: Path
) -> None:
    bob, alice = personas.bob, personas.alice
    keep = _customer(db, bob, name="Jana Dvořáková", email="jana@example.cz", external_id="K-1")
    dup = _customer(
        db,
        bob,
        name="Jana D.",
        email="jana@example.cz",
        external_id="D-1",
        phone="+420 601 234 567",
        postcode="60200",
    )
    orders.create(
        db,
        data=OrderCreate(
            customer_id=dup.id,
            external_id="O-9",
            currency="CZK",
            ordered_at=datetime(2025, 1, 5, tzinfo=UTC),
            total_amount=Decimal("10"),
        ),
        actor=bob,
    )
    interactions.create(
        db, data=InteractionCreate(customer_id=dup.id, channel=Channel.PHONE), actor=bob
    )
    customers.add_contact_person(
        db, customer=dup, data=ContactPersonCreate(name="Assistant"), actor=bob
    )
    duplicates.scan(db)
    record = duplicates.merge(db, survivor=keep, duplicate=dup, actor=alice)
    db.commit()
    assert record.moved == {
        "contact_people.customer_id": 1,
        "interactions.customer_id": 1,
        "orders.customer_id": 1,
    }
    assert db.get(Customer, dup.id) is None
    assert db.scalar(select(Order.customer_id).where(Order.external_id == "O-9")) == keep.id
    assert (
        db.scalar(
            select(func.count()).select_from(Interaction).where(Interaction.customer_id == keep.id)
        )
        == 1
    )
    assert db.scalar(select(ContactPerson.customer_id)) == keep.id
    assert (keep.phone, keep.postcode, keep.external_id) == ("+420 601 234 567", "60200", "K-1")
    assert record.snapshot["name"] == "Jana D." and record.duplicate_external_id == "D-1"
    assert db.scalar(select(func.count()).select_from(DuplicatePair)) == 0
    audited = db.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "customer.merge"))
    assert sorted(audited) == sorted([str(keep.id), str(dup.id)])

    again = write_csv(tmp_path / "c.csv", ["external_id", "name"], [["D-1", "Jana D."]])
    summary = run_import(session_maker, again, "customers")
    assert summary.counts.line() == "read=1 inserted=0 updated=0 unchanged=0 quarantined=1"
    assert summary.problems == [(2, f"external_id: merged into customer #{keep.id}")]
    later = write_csv(
        tmp_path / "o.csv",
        ["external_id", "customer_external_id", "ordered_at", "total_amount", "currency"],
        [["O-10", "D-1", "2025-02-01", "5.00", "CZK"]],
    )
    assert run_import(session_maker, later, "orders").counts.inserted == 1
    assert db.scalar(select(Order.customer_id).where(Order.external_id == "O-10")) == keep.id


def test_the_review_page_merges_the_chosen_direction(
    db: Session, personas: Any, browser_for: Any
) -> None:
    first = _customer(db, personas.bob, name="Ann", email="ann@example.cz")
    second = _customer(db, personas.bob, name="Ann B.", email="ann@example.cz")
    duplicates.scan(db)
    db.commit()
    browser = browser_for(personas.alice)
    page = browser.client.get("/customers/duplicates")
    assert page.status_code == 200 and "same e-mail" in page.text and "Ann B." in page.text
    pair = db.scalars(select(DuplicatePair)).one()
    merged = browser.client.post(
        f"/customers/duplicates/{pair.id}/merge",
        data={"csrf_token": browser.csrf, "keep": "second"},
    )
    assert merged.status_code == 303 and merged.headers["location"] == f"/customers/{second.id}"
    first_id = first.id
    db.expire_all()
    assert db.get(Customer, first_id) is None
    scanned = browser.client.post("/customers/duplicates/scan", data={"csrf_token": browser.csrf})
    assert scanned.headers["location"] == "/customers/duplicates?scanned=0"


def test_merges_and_quarantined_rows_are_exported_and_erased(
    db: Session, personas: Any, session_maker: sessionmaker[Session], tmp_path: Path
) -> None:
    keep = _customer(
        db,
        personas.bob,
        name="Eva",
        email="eva@example.cz",
        external_id="E-1",
        phone="+420 601 234 567",
    )
    dup = _customer(db, personas.bob, name="Eva Old", email="eva.old@example.cz")
    duplicates.merge(db, survivor=keep, duplicate=dup, actor=personas.alice)
    db.commit()
    bad = write_csv(
        tmp_path / "bad.csv",
        ["external_id", "name", "email", "phone"],
        [
            ["E-1", "", "eva@example.cz", ""],
            ["X-1", "", "other@example.cz", ""],
            ["X-2", "", "", "00420601234567"],  # Eva's number, written another way
            ["X-3", "", "", "601 234 999"],  # someone else's number
            ["X-4", "", "", "Eva"],  # a name alone identifies nobody
        ],
    )
    run_import(session_maker, bad, "customers")
    exported = privacy.export_person(db, email="eva@example.cz", actor_label="test")["data"]
    assert [m["snapshot"]["name"] for m in exported["customer_merges"]] == ["Eva Old"]
    assert [q["line"] for q in exported["import_quarantine"]] == [2, 4]
    report = privacy.erase_person(db, email="eva@example.cz", actor_label="test")
    assert report.changed["import_quarantine"] == 2 and report.changed["customer_merges"] == 1
    assert db.scalar(select(func.count()).select_from(QuarantineRow)) == 3  # someone else's
    merge = db.scalars(select(CustomerMerge)).one()
    assert merge.snapshot == {} and merge.duplicate_external_id is None
