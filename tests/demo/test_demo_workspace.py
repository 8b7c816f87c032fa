"""The seeded demo workspace: deterministic, multilingual, idempotent, realistic, served by CLI."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from statistics import median
from typing import Any

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from centricity.accounts.models import User
from centricity.analytics.models import AnalyticsRun
from centricity.customers import service as customer_service
from centricity.customers.models import ContactPerson, Customer
from centricity.customers.schemas import CustomerCreate
from centricity.db import make_engine
from centricity.demo import cli, generator, notes, people, service_desk
from centricity.interactions.models import Interaction
from centricity.kit.errors import Conflict
from centricity.kit.time import today_utc
from centricity.migrations import runner
from centricity.orders.models import Order, OrderLine
from centricity.value.models import CustomerValue
from demo_letters import NATIVE
from store_helpers import create_pg_database, drop_pg_database, pg_or_skip

SMALL = 200
CHECKED = (Customer, ContactPerson, Order, OrderLine, Interaction)


def _migrated(url: str) -> str:
    engine = make_engine(url)
    runner.upgrade(engine)
    engine.dispose()
    return url


def _build(url: str, seed: int = 42, customers: int = SMALL) -> generator.BuildSummary:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            summary = generator.build(session, generator.DemoOptions(seed, customers))
            session.commit()
        return summary
    finally:
        engine.dispose()


def _plain(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, Decimal):
        return str(value)
    return repr(value)


def checksum(url: str) -> str:
    """A digest of every demo row, engine-neutral (times in UTC, decimals as text)."""
    digest = hashlib.sha256()
    engine = make_engine(url)
    with Session(engine) as session:
        for model in CHECKED:
            for row in session.execute(select(model.__table__).order_by(model.id)):
                digest.update("|".join(_plain(v) for v in row).encode())
    engine.dispose()
    return digest.hexdigest()


def _sqlite(tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    return _migrated(f"sqlite:///{tmp_path_factory.mktemp(name) / 'centricity.db'}")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store holding the seed-42 workspace of 200 customers."""
    url = _sqlite(tmp_path_factory, "demo42")
    _build(url)
    return url


@pytest.fixture()
def session(store: str) -> Iterator[Session]:
    engine = make_engine(store)
    with Session(engine) as db:
        yield db
    engine.dispose()


def test_it_builds_identical_rows_for_the_same_seed(
    store: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = _sqlite(tmp_path_factory, "again42")
    _build(again)
    other = _sqlite(tmp_path_factory, "other7")
    _build(other, seed=7)
    assert checksum(again) == checksum(store)
    assert checksum(other) != checksum(store)


def test_it_does_not_duplicate_rows_when_run_again(store: str) -> None:
    before = checksum(store)
    summary = _build(store)
    assert not summary.built
    assert summary.counts["customers"] == SMALL
    assert checksum(store) == before


def test_it_refuses_to_mix_workspaces(store: str) -> None:
    with pytest.raises(Conflict, match="seed 42"):
        _build(store, seed=7)


def test_it_covers_every_language_with_native_letters(session: Session) -> None:
    rows = session.execute(
        select(Customer.preferred_language, Customer.name, Interaction.note).join(
            Interaction, Interaction.customer_id == Customer.id
        )
    ).all()
    languages = {language for language, _, _ in rows}
    assert languages == {"cs", "sv", "lt", "pl", "ru", "en"}
    for language, letters in NATIVE.items():
        names = "".join(name for lang, name, _ in rows if lang == language).casefold()
        texts = "".join(note for lang, _, note in rows if lang == language).casefold()
        assert letters & set(names), language
        assert letters & set(texts), language
    english = "".join(note for lang, _, note in rows if lang == "en").casefold()
    assert "customer" in english


def test_it_has_a_dozen_templates_per_language_with_the_native_words() -> None:
    expected = {"cs": "doručení", "sv": "leverans", "lt": "pristatymas", "pl": "dostawa"}
    for language, templates in notes.TEMPLATES.items():
        assert len(templates) == len(notes.TOPICS) >= 12
        joined = " ".join(templates).casefold()
        assert expected.get(language, "") in joined
        for index in range(len(templates)):
            text = notes.render(language, index, order="#1", product="Kite", days=7, amount=9.9)
            assert "{" not in text
    assert any("\u0430" <= ch <= "\u044f" for ch in " ".join(notes.TEMPLATES["ru"]))


# Written out by hand from the seed-42 rows (not computed by the code under test):
# accents and `ł` folded, case folded, phone reduced to digits, ids and postcode kept.
EXPECTED_KEYS = {
    "demo-42-C0000001": (
        "евгения самсонова evgeniya.samsonova@post.lt.example 37067214309 demo-42-c0000001 lt-06520"
    ),
    "demo-42-C0000002": (
        "charlie bjorklund charlie.bjorklund@mail.se.example 46742755361 demo-42-c0000002 394 20"
    ),
    "demo-42-C0000011": (
        "jaroslava maresova jaroslava.maresova@mail.cz.example 420720098135 demo-42-c0000011 108 89"
    ),
    "demo-42-C0000042": (
        "vratislav kriz vratislav.kriz@mail.cz.example 420775611122 demo-42-c0000042 238 89"
    ),
    "demo-42-C0000055": (
        "rafal raczkiewicz rafal.raczkiewicz@inbox.pl.example 48551004995 demo-42-c0000055 32-419"
    ),
    "demo-42-C0000069": (
        "egle pocius egle.pocius@post.lt.example 37060218668 demo-42-c0000069 lt-50836"
    ),
}


def test_it_fills_the_search_keys_with_folded_names_and_phone_digits(session: Session) -> None:
    rows = session.execute(
        select(Customer.external_id, Customer.name, Customer.search_key).where(
            Customer.external_id.in_(EXPECTED_KEYS)
        )
    )
    names, keys = {}, {}
    for external_id, name, key in rows:
        names[external_id], keys[external_id] = name, key
    assert keys == EXPECTED_KEYS
    assert names["demo-42-C0000042"] == "Vratislav Kříž"  # the row the key above folds


def test_it_fills_every_search_key_without_case_or_accents(session: Session) -> None:
    rows = session.execute(select(Customer.external_id, Customer.phone, Customer.search_key))
    checked = 0
    for external_id, phone, key in rows:
        assert key and key == key.lower(), external_id
        assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", key))
        assert external_id.lower() in key
        assert phone is None or "".join(filter(str.isdigit, phone)) in key
        checked += 1
    assert checked == SMALL


def test_it_gives_business_customers_contact_people(session: Session) -> None:
    businesses = session.scalar(
        select(func.count()).select_from(Customer).where(Customer.kind == "business")
    )
    contacts = session.scalar(select(func.count(func.distinct(ContactPerson.customer_id))))
    assert businesses and contacts == businesses


def test_it_simulates_repeat_buying_with_churn(session: Session) -> None:
    per_customer = session.scalars(
        select(func.count()).select_from(Order).group_by(Order.customer_id)
    ).all()
    assert min(per_customer) == 1 and max(per_customer) >= 8
    assert 0.2 < sum(1 for n in per_customer if n == 1) / len(per_customer) < 0.7
    as_of = datetime(2026, 11, 1, tzinfo=UTC)
    assert session.scalar(select(func.max(Order.ordered_at))) < as_of
    assert session.scalar(select(func.max(Interaction.started_at))) < as_of


def test_it_keeps_order_totals_equal_to_their_lines(session: Session) -> None:
    line_sum = select(OrderLine.order_id, func.sum(OrderLine.amount).label("total")).group_by(
        OrderLine.order_id
    )
    sums = {order_id: Decimal(str(total)) for order_id, total in session.execute(line_sum)}
    totals = session.execute(select(Order.id, Order.total_amount)).all()
    assert all(sums[order_id].quantize(Decimal("0.01")) == total for order_id, total in totals)


def test_it_makes_phone_waits_short_and_email_replies_slow(session: Session) -> None:
    def waits(channel: str) -> list[int]:
        query = select(Interaction.waiting_seconds).where(
            Interaction.channel == channel, Interaction.waiting_seconds.is_not(None)
        )
        return [w for w in session.scalars(query) if w is not None]

    assert 10 < median(waits("phone")) < 300
    assert median(waits("email")) > 3600


@pytest.mark.postgres
def test_it_builds_the_same_workspace_on_postgresql(store: str) -> None:
    pg_or_skip()
    url = _migrated(create_pg_database("centricity_demo"))
    try:
        assert _build(url).built
        assert not _build(url).built
        assert checksum(url) == checksum(store)
    finally:
        drop_pg_database(url)


@pytest.fixture()
def demo_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> typer.Typer:
    """A bare CLI with only `demo`, writing to a fresh data folder; the variables `demo`
    sets for its in-process worker are restored afterwards."""
    for name in ("CENTRICITY_ENVIRONMENT", "CENTRICITY_TIME_ZONE", "CENTRICITY_VALUE_AS_OF"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.delenv("CENTRICITY_DATABASE_URL", raising=False)
    monkeypatch.delenv("CENTRICITY_SECRET_KEY", raising=False)
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(tmp_path / "data"))
    # Spelling-only embeddings: the demo's feedback is analysed in seconds, with no model.
    monkeypatch.setenv("CENTRICITY_TEXT_EMBEDDER", "hashing")
    app = typer.Typer()
    app.callback()(lambda: None)
    cli.register(app)
    return app


def test_it_prints_the_url_and_login_without_serving(demo_app: typer.Typer, tmp_path: Path) -> None:
    runner_ = CliRunner()
    args = ["demo", "--no-serve", "--customers", "50", "--port", "8123"]
    first = runner_.invoke(demo_app, args)
    assert first.exit_code == 0, first.output
    assert "http://127.0.0.1:8123/" in first.output
    assert people.ADMIN_EMAIL in first.output and generator.demo_password(42) in first.output
    # The summary counts the desk's cases and the call-back tasks its phone calls left.
    cases = re.search(r"([\d,]+) cases", first.output)
    assert cases is not None and int(cases.group(1).replace(",", "")) >= service_desk.MIN_CASES
    assert (tmp_path / "data" / "secret_key").is_file()
    second = runner_.invoke(demo_app, args)
    assert "already built" in second.output
    reset = runner_.invoke(demo_app, [*args, "--reset", "--seed", "7"])
    assert reset.exit_code == 0, reset.output
    assert "built in" in reset.output and generator.demo_password(7) in reset.output


def test_it_refuses_another_seed_without_reset(demo_app: typer.Typer) -> None:
    runner_ = CliRunner()
    assert runner_.invoke(demo_app, ["demo", "--no-serve", "--customers", "20"]).exit_code == 0
    refused = runner_.invoke(demo_app, ["demo", "--no-serve", "--customers", "20", "--seed", "1"])
    assert refused.exit_code == 1


def test_it_scores_the_demo_customers_value(demo_app: typer.Typer, tmp_path: Path) -> None:
    args = ["demo", "--no-serve", "--customers", "60", "--as-of", "2026-06-30"]
    result = CliRunner().invoke(demo_app, args)
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'centricity.db'}")
    try:
        with Session(engine) as session:
            run = session.scalars(select(AnalyticsRun)).one()
            buyers = session.scalar(
                select(func.count(func.distinct(Order.customer_id))).where(
                    Order.status == "completed", Order.ordered_at < datetime(2026, 7, 1, tzinfo=UTC)
                )
            )
            scored = session.scalar(select(func.count()).select_from(CustomerValue))
    finally:
        engine.dispose()
    assert (run.kind, run.status, run.as_of_date) == ("value", "done", date(2026, 6, 30))
    assert scored == buyers and scored > 0


def test_it_uses_development_settings_unless_told_otherwise(
    demo_app: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli.demo_settings().is_development
    monkeypatch.setenv("CENTRICITY_ENVIRONMENT", "test")
    assert cli.demo_settings().environment == "test"
    monkeypatch.setenv("CENTRICITY_ENVIRONMENT", "production")
    with pytest.raises(typer.Exit):
        cli.demo_settings()


def test_the_demo_password_follows_the_seed_and_passes_the_policy() -> None:
    from centricity.accounts import passwords

    assert generator.demo_password(42) == generator.demo_password(42)
    assert generator.demo_password(42) != generator.demo_password(43)
    passwords.check_policy(generator.demo_password(42))


def test_it_ends_the_history_today_and_rebuilds_an_outdated_workspace(
    demo_app: typer.Typer, tmp_path: Path
) -> None:
    runner_ = CliRunner()
    args = ["demo", "--no-serve", "--customers", "60"]
    pinned = runner_.invoke(demo_app, [*args, "--as-of", "2026-06-30"])
    assert pinned.exit_code == 0, pinned.output
    fresh = runner_.invoke(demo_app, args)
    assert fresh.exit_code == 0, fresh.output
    today = today_utc()
    assert f"rebuilding it to end on {today}" in fresh.output
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'centricity.db'}")
    try:
        with Session(engine) as session:
            assert generator.built_as_of(session) == today
            run = session.scalars(select(AnalyticsRun)).one()
            week_ago = datetime.now(UTC) - timedelta(days=7)
            recent = session.scalar(
                select(func.count())
                .select_from(Interaction)
                .where(Interaction.started_at >= week_ago)
            )
            staff = dict(session.execute(select(User.email, User.language)).all())
    finally:
        engine.dispose()
    assert run.as_of_date == today
    assert recent and recent > 0, "a live-looking demo has contacts in the last 7 days"
    assert staff[people.staff_email("Piotr Wiśniewski")] == "pl"
    again = runner_.invoke(demo_app, args)
    assert "already built" in again.output and "rebuilding" not in again.output


def test_it_keeps_an_outdated_workspace_someone_worked_in(
    demo_app: typer.Typer, tmp_path: Path
) -> None:
    runner_ = CliRunner()
    args = ["demo", "--no-serve", "--customers", "40"]
    assert runner_.invoke(demo_app, [*args, "--as-of", "2026-06-30"]).exit_code == 0
    url = f"sqlite:///{tmp_path / 'data' / 'centricity.db'}"
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            customer_service.create(session, data=CustomerCreate(name="Real Customer"), actor=None)
            session.commit()
    finally:
        engine.dispose()
    kept = runner_.invoke(demo_app, args)
    assert kept.exit_code == 0, kept.output
    assert "it is kept" in kept.output and "rebuilding" not in kept.output
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            names = set(session.scalars(select(Customer.name)))
            runs = {run.as_of_date for run in session.scalars(select(AnalyticsRun))}
            assert generator.built_as_of(session) == date(2026, 6, 30)
    finally:
        engine.dispose()
    assert "Real Customer" in names
    assert runs == {date(2026, 6, 30)}, "a kept workspace is analysed as of its own day"
