"""A realistic data subject in a SQLite store, and scans for what erasure must not leave.

Used by test_privacy_erasure_residue.py: seeding (a person with a maiden and a married
name, e-mail and phones, among other customers, with contacts, orders and quarantined
import rows) and the scans of the store's tables and raw files.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from faker import Faker
from sqlalchemy.orm import Session

from centricity.customers import service as customer_service
from centricity.customers.models import ContactPerson, Customer
from centricity.customers.schemas import CustomerCreate, CustomerUpdate
from centricity.imports.models import ImportJob, QuarantineRow
from centricity.interactions.models import Interaction
from centricity.kit.text import digits, fold
from centricity.orders.models import Order, OrderLine


@dataclass(frozen=True)
class Person:
    """A data subject: every name they had (the current one last), e-mail and phones."""

    names: tuple[str, ...]
    surnames: tuple[str, ...]
    email: str
    phones: tuple[str, ...]

    def needles(self) -> list[str]:
        """Values that must not survive anywhere, as written and as search folds them."""
        texts = [*self.names, *self.surnames, self.email, *self.phones]
        texts += [fold(t) for t in (*self.names, *self.surnames)] + [digits(p) for p in self.phones]
        return sorted(set(texts))


ZDENKA = Person(
    names=("Zdeňka Kvíčalová", "Zdeňka Wrześniewská-Kvíčalová"),
    surnames=("Wrześniewská", "Kvíčalová"),
    email="zdenka.wrzesniewska@example.cz",
    phones=("+420 608 112 334", "+420 731 973 101"),
)
OLAFUR = Person(
    names=("Ólafur Þórðarson", "Ólafur Þórðarson-Brzęczyszczykiewicz"),
    surnames=("Brzęczyszczykiewicz",),
    email="olafur.brzeczyszczykiewicz@example.is",
    phones=("+354 611 4092", "+354 611 4093"),
)
WHEN = datetime(2026, 10, 5, 14, 30, tzinfo=UTC)


def seed_others(session: Session, count: int = 150) -> Customer:
    """Other customers with multilingual names; returns the business both people act for."""
    fake = Faker(["cs_CZ", "pl_PL", "sv_SE", "lt_LT", "ru_RU", "en_GB"])
    fake.seed_instance(20261206)
    for _ in range(count):
        data = CustomerCreate(name=fake.name(), email=fake.unique.email(), phone="+46 70 123 45 67")
        customer_service.create(session, data=data, actor=None)
    business = CustomerCreate(name="Hutní sklady s.r.o.", kind="business")
    return customer_service.create(session, data=business, actor=None)


def seed_person(session: Session, person: Person, business: Customer) -> int:
    """The person under their first name and phone; then their history; then renamed."""
    first = CustomerCreate(name=person.names[0], email=person.email, phone=person.phones[0])
    customer = customer_service.create(session, data=first, actor=None)
    session.commit()  # the first version reaches the WAL before the change
    session.add(ContactPerson(customer_id=business.id, name=person.names[-1], email=person.email))
    for note in (f"{person.surnames[0]} asked about delivery", None):
        session.add(
            Interaction(
                customer_id=customer.id,
                channel="phone",
                direction="inbound",
                started_at=WHEN,
                note=note,
            )
        )
    order = Order(customer_id=customer.id, ordered_at=WHEN, currency="CZK", total_amount=100)
    session.add(order)
    session.flush()
    session.add(OrderLine(order_id=order.id, quantity=Decimal(1), unit_price=100, amount=100))
    seed_quarantine(session, person)
    change = CustomerUpdate(name=person.names[-1], phone=person.phones[-1])
    customer_service.update(session, customer=customer, data=change, actor=None)
    session.commit()
    return customer.id


def seed_quarantine(session: Session, person: Person) -> None:
    """A row of an import file that could not be loaded, naming the person."""
    job = ImportJob(
        kind="customers",
        source_name="crm-export.csv",
        source_format="csv",
        file_sha256="0" * 64,
        fingerprint=hashlib.sha256(person.email.encode()).hexdigest(),
        status="done",
    )
    session.add(job)
    session.flush()
    row = {"name": person.names[-1], "email": person.email, "phone": "not a phone"}
    session.add(QuarantineRow(job_id=job.id, line=7, reason="phone: not a phone number", data=row))


def file_leaks(path: Path, person: Person) -> list[tuple[str, str]]:
    """(file, value) for every value of the person in the raw bytes of the store's files."""
    found = []
    for suffix in ("", "-wal", "-shm", "-journal"):
        file = path.with_name(path.name + suffix)
        data = file.read_bytes() if file.exists() else b""
        for needle in person.needles():
            forms = {needle, needle.lower(), json.dumps(needle)[1:-1]}
            if any(form.encode() in data for form in forms):
                found.append((file.name, needle))
    return found


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[pos + i]
        if i == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, pos + i + 1
    raise AssertionError("unreachable")


def fts_leaf_terms(block: bytes) -> list[bytes]:
    """Every term stored on one FTS5 leaf page, deleted ones included (fts5_index.c: the
    footer lists each term's offset; the first is whole, later ones share a prefix)."""
    offsets, pos, at = [], int.from_bytes(block[2:4], "big"), 0
    while pos < len(block):
        delta, pos = _varint(block, pos)
        at += delta
        offsets.append(at)
    terms: list[bytes] = []
    for index, offset in enumerate(offsets):
        keep, pos = (0, offset) if index == 0 else _varint(block, offset)
        size, pos = _varint(block, pos)
        terms.append((terms[-1][:keep] if terms else b"") + block[pos : pos + size])
    return terms


def stored_trigrams(conn: sqlite3.Connection) -> set[str]:
    """Trigrams in the leaf pages of `customers_fts_data`, those FTS5 marked deleted too."""
    terms: set[str] = set()
    leaves = conn.execute("SELECT id, block FROM customers_fts_data WHERE id >= ?", (1 << 37,))
    for rowid, block in leaves:
        if not (rowid >> 31) & 0x3F:  # not a doclist-index page
            # "0" marks the main index (FTS5_MAIN_PREFIX).
            terms.update(t[1:].decode() for t in fts_leaf_terms(block) if t[:1] == b"0")
    return terms


def trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


def table_leaks(path: Path, keys: set[str], person: Person) -> list[tuple[str, str]]:
    """(table, value or trigram) found in any table of sqlite_master, shadow tables too.

    The person's trigrams are those of their search keys (`keys`: every key they had) that
    no other customer's key (nor the anonymised record's) holds: they point at them alone."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rest = conn.execute(
            "SELECT search_key FROM customers WHERE coalesce(email, '') != ?", (person.email,)
        )
        others = set().union(*(trigrams(k) for (k,) in rest))
        # The erasure's audit entry counts rows per table: table names ("calls" holds the
        # "cal" of Kvíčalová) point at nobody.
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        others |= set().union(*(trigrams(fold(n)) for (n,) in names))
        own = set().union(*(trigrams(k) for k in keys)) - others
        assert len(own) >= 10, "the person's name must be distinctive for the test to mean anything"
        found = [("customers_fts_data (terms)", t) for t in sorted(own & stored_trigrams(conn))]
        # Elsewhere, digit-only trigrams also come from times and ids; the phone is a needle.
        wordy = {t for t in own if not t.isdigit()}
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (table,) in tables.fetchall():
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for cell in row:
                    if isinstance(cell, bytes):  # FTS pages: varints look like letters
                        raw = cell.decode("utf-8", "replace")
                        found += [(table, n) for n in person.needles() if n.lower() in raw]
                        continue
                    folded = fold(str(cell))
                    found += [(table, n) for n in person.needles() if fold(n) in folded]
                    found += [(table, t) for t in wordy if t in folded]
        return sorted(set(found))
    finally:
        conn.close()
