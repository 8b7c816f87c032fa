"""Export holds all of a person's data and nobody else's; erasure leaves no trace of them.

Persons P and Q carry unique sentinel tokens in every personal field. After erasing P,
every column of every table is scanned for P's tokens, while Q and the order totals
must stay exactly as they were.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import centricity.models  # noqa: F401  (completes the metadata)
from centricity.accounts import service as accounts_service
from centricity.accounts.models import ApiToken, User, WebSession
from centricity.accounts.schemas import UserCreate
from centricity.audit import service as audit
from centricity.audit.models import AuditEntry
from centricity.cli import app
from centricity.customers import service as customer_service
from centricity.customers.models import ContactPerson, Customer
from centricity.customers.schemas import CustomerCreate
from centricity.db import Base, make_engine, session_factory
from centricity.interactions.models import Interaction
from centricity.jobs.models import Job
from centricity.orders.models import Order, OrderLine
from centricity.privacy.service import erase_person, export_person
from store_helpers import store_for_cli

P, Q = "zq7p7f3a", "zq7q9k2b"
PHONES = {P: "+420 731 973 101", Q: "+420 602 884 517"}
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def email_of(tag: str) -> str:
    return f"{tag}.mail@example.com"


def sentinels(tag: str) -> list[str]:
    """Every distinct personal value seeded for one person (lower-case)."""
    fields = ["name", "pc", "ext", "attr", "contact", "title", "staff", "note", "note2", "audit"]
    digits = PHONES[tag].removeprefix("+420 ")
    return [f"{tag}{f}" for f in fields] + [email_of(tag), digits, digits.replace(" ", "")]


def seed_person(session: Session, tag: str, business: Customer, rng: random.Random) -> None:
    """One person who is a customer, a business contact and a member of staff."""
    email = email_of(tag)
    customer = customer_service.create(
        session,
        data=CustomerCreate(
            name=f"Petra {tag}name",
            email=email,
            phone=PHONES[tag],
            postcode=f"{tag}pc",
            external_id=f"{tag}ext",
            attributes={"hobby": f"{tag}attr"},
        ),
        actor=None,
    )
    contact = ContactPerson(
        customer_id=business.id,
        name=f"Pavel {tag}contact",
        email=email.upper(),
        phone=PHONES[tag],
        job_title=f"{tag}title",
    )
    session.add(contact)
    session.flush()
    user = accounts_service.create(
        session,
        data=UserCreate(email=email, name=f"{tag}staff", password="long enough password 1"),
        actor=None,
    )
    accounts_service.start_session(session, user=user, max_age_seconds=3600)
    accounts_service.create_token(session, user=user, read_only=True, actor=None)
    seed_activity(session, tag, customer, contact, rng)


def seed_activity(
    session: Session, tag: str, customer: Customer, contact: ContactPerson, rng: random.Random
) -> None:
    """Contacts, orders, an audit entry with a stray value and jobs naming the e-mail."""
    email = email_of(tag)
    when = START + timedelta(hours=rng.randint(1, 500))
    session.add_all(
        [
            Interaction(
                customer_id=customer.id,
                channel="phone",
                direction="inbound",
                started_at=when,
                waiting_seconds=rng.randint(5, 300),
                note=f"asked about {tag}note",
            ),
            Interaction(
                customer_id=contact.customer_id,
                contact_person_id=contact.id,
                channel="email",
                direction="outbound",
                started_at=when,
                note=f"reply {tag}note2",
            ),
        ]
    )
    seed_jobs(session, email, customer)
    seed_orders(session, customer, when, rng)
    audit.record(
        session,
        actor=None,
        action="customer.legacy_import",
        entity=("customer", customer.id),
        details={"old_value": f"{tag}audit"},
    )
    # An entry labelled with the staff member's address (a command run on their behalf).
    audit.record(
        session, actor=None, action="product.update", entity=("product", 1), actor_label=email
    )
    session.flush()


def seed_jobs(session: Session, email: str, customer: Customer) -> None:
    """A queued job with the customer's id and e-mail; a finished one naming the e-mail."""
    session.add(Job(kind="notifications.send", payload={"customer_id": customer.id, "to": email}))
    session.add(
        Job(
            kind="imports.row",
            status="done",
            payload={"rows": [email.upper(), "x"]},
            last_error=f"smtp refused {email}",
        )
    )


def seed_orders(session: Session, customer: Customer, when: datetime, rng: random.Random) -> None:
    """Three orders in two currencies, two lines each."""
    for currency in ("EUR", "CZK", "EUR"):
        amounts = [Decimal(rng.randint(100, 99999)) / 100 for _ in range(2)]
        order = Order(
            customer_id=customer.id,
            ordered_at=when,
            currency=currency,
            total_amount=sum(amounts, Decimal("0")),
        )
        session.add(order)
        session.flush()
        session.add_all(
            OrderLine(order_id=order.id, quantity=Decimal(1), unit_price=a, amount=a)
            for a in amounts
        )


def seed_both(session: Session) -> None:
    """P and Q share one business customer (which itself holds no personal data)."""
    rng = random.Random(20261125)
    business = customer_service.create(
        session, data=CustomerCreate(name="Acme Ltd", kind="business"), actor=None
    )
    seed_person(session, P, business, rng)
    seed_person(session, Q, business, rng)


def dump(session: Session) -> dict[str, list[str]]:
    """Every row of every table as lower-case JSON text, for sentinel scans."""
    return {
        table.name: sorted(
            json.dumps(list(row), default=str, sort_keys=True, ensure_ascii=False).lower()
            for row in session.execute(select(table))
        )
        for table in Base.metadata.sorted_tables
    }


def leaks(rows: dict[str, list[str]], tag: str) -> list[tuple[str, str, str]]:
    """(table, token, row) for every sentinel of `tag` still stored anywhere."""
    return [(t, s, r) for t, rs in rows.items() for r in rs for s in sentinels(tag) if s in r]


def totals(session: Session) -> list[tuple[str, Decimal, Decimal]]:
    """Order totals and line sums per currency: erasure must not move them."""
    query = (
        select(Order.currency, func.sum(Order.total_amount), func.sum(OrderLine.amount))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .group_by(Order.currency)
        .order_by(Order.currency)
    )
    return [(c, Decimal(t), Decimal(a)) for c, t, a in session.execute(query)]


def test_it_exports_every_value_of_the_person_and_none_of_others(db: Session) -> None:
    seed_both(db)
    exported = export_person(db, email=email_of(P).upper(), actor_label="test")
    text = json.dumps(exported, ensure_ascii=False).lower()
    assert exported["found"] is True
    assert [s for s in sentinels(P) if s not in text] == []
    assert Q not in text and "602 884 517" not in text
    assert "password_hash" not in text and "token_hash" not in text
    assert len(exported["data"]["orders"]) == 3 and len(exported["data"]["order_lines"]) == 6
    assert all(isinstance(o["total_amount"], str) for o in exported["data"]["orders"])
    assert exported["data"]["orders"][0]["ordered_at"].startswith("2026-")


def test_it_erases_every_trace_of_the_person_and_keeps_others_and_totals(db: Session) -> None:
    seed_both(db)
    before, money = dump(db), totals(db)
    report = erase_person(db, email=email_of(P), actor_label="test")
    after = dump(db)
    assert report.found and report.changed["customers"] == 1
    assert leaks(after, P) == []
    assert totals(db) == money
    for table in before:
        assert [r for r in before[table] if Q in r] == [r for r in after[table] if Q in r]
    customer = db.scalars(select(Customer).where(Customer.id == report.customer_ids[0])).one()
    assert customer.name == f"Erased customer #{customer.id}" and customer.erased_at is not None
    assert customer.email is None and customer.attributes == {}
    user = db.get(User, report.user_ids[0])
    assert user is not None and not user.is_active
    for model in (WebSession, ApiToken):
        assert db.scalar(select(func.count()).where(model.user_id == user.id)) == 0
    assert db.scalar(select(func.count()).where(Order.customer_id == customer.id)) == 3


def test_it_removes_the_address_from_audit_actor_labels(db: Session) -> None:
    seed_both(db)
    audit.record(db, actor=None, action="x.run", entity=("job", 1), actor_label=email_of(P).upper())
    erase_person(db, email=email_of(P), actor_label="test")
    labels = db.scalars(select(AuditEntry.actor_label).where(AuditEntry.action != "privacy.erase"))
    kept = [label.lower() for label in labels]
    assert email_of(P) not in kept and kept.count("erased") == 2
    assert email_of(Q) in kept  # somebody else's label stays


def test_it_treats_a_second_erasure_as_a_no_op(db: Session) -> None:
    seed_both(db)
    erase_person(db, email=email_of(P), actor_label="test")
    before = dump(db)
    report = erase_person(db, email=email_of(P), actor_label="test")
    after = dump(db)
    assert not report.found and report.changed == {}
    assert {t: r for t, r in after.items() if t != "audit_log"} == {
        t: r for t, r in before.items() if t != "audit_log"
    }
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1
    assert export_person(db, email=email_of(P), actor_label="test")["found"] is False


@pytest.fixture(scope="session")
def root_helpers(pytestconfig: pytest.Config) -> Any:
    """tests/conftest.py as a module: `from store_helpers import` is ambiguous once a nested
    conftest.py (tests/analytics/value/) has been imported under the same name."""
    root = str(pytestconfig.rootpath / "tests" / "conftest.py")
    plugins = pytestconfig.pluginmanager.get_plugins()
    return next(p for p in plugins if getattr(p, "__file__", None) == root)


@pytest.fixture()
def cli_store(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root_helpers: Any
) -> Iterator[str]:
    """A fresh migrated store of the same engine that the CLI's own connections can see."""
    is_sqlite = database_url.startswith("sqlite")
    url = (
        f"sqlite:///{tmp_path / 'cli.db'}"
        if is_sqlite
        else root_helpers.create_pg_database("ctr_privacy")
    )
    with store_for_cli(url, tmp_path / "data", monkeypatch, seed_both):
        yield url
    if not is_sqlite:
        root_helpers.drop_pg_database(url)


def store_dump(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return dump(session)
    finally:
        engine.dispose()


def test_it_exports_and_erases_through_the_cli(cli_store: str) -> None:
    cli = CliRunner()
    exported = cli.invoke(app, ["export-person", "--email", email_of(P)])
    assert exported.exit_code == 0, exported.output
    assert [s for s in sentinels(P) if s not in exported.stdout.lower()] == []
    assert json.loads(exported.stdout)["data"]["customers"][0]["email"] == email_of(P)

    refused = cli.invoke(app, ["erase-person", "--email", email_of(P)])
    assert refused.exit_code == 2 and leaks(store_dump(cli_store), P) != []

    erased = cli.invoke(app, ["erase-person", "--email", email_of(P), "--yes"])
    assert erased.exit_code == 0, (erased.exit_code, erased.output, erased.exception)
    assert "Erased: 1 customer(s), 1 contact person(s), 1 user(s)" in erased.stdout
    assert leaks(store_dump(cli_store), P) == []

    again = cli.invoke(app, ["erase-person", "--email", email_of(P), "--yes"])
    assert again.exit_code == 0 and "Nothing to erase" in again.stdout
    assert leaks(store_dump(cli_store), Q) != []
