"""`centricity sla check` on a real file store: the summary line, and a second run's zero."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from centricity.accounts.models import Role
from centricity.cases import policies, service
from centricity.cases.schemas import CaseCreate, SlaPolicyCreate
from centricity.cli import app
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.db import make_engine, session_factory
from centricity.migrations import runner
from fixtures_web import make_user


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three open cases: one past its first response and resolution, one past 80% of its
    first response, one with time to spare."""
    url = f"sqlite:///{tmp_path / 'sla.db'}"
    engine = make_engine(url)
    runner.upgrade(engine)
    now = datetime.now(UTC)
    with session_factory(engine)() as db:
        admin = make_user(db, "admin@test.example", Role.ADMIN, None)
        bob = make_user(db, "bob@test.example", Role.AGENT, "Support")
        customer = customers.create(db, data=CustomerCreate(name="Klara"), actor=bob)
        policy = SlaPolicyCreate(name="Day", first_response_minutes=600, resolution_minutes=1200)
        policies.create(db, data=policy, actor=admin)
        for hours_ago in (25, 9, 1):
            data = CaseCreate(customer_id=customer.id, subject="x", assignee_id=bob.id)
            service.create(db, data=data, actor=bob, now=now - timedelta(hours=hours_ago))
        db.commit()
    engine.dispose()
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", url)
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(tmp_path))


@pytest.mark.usefixtures("store")
def test_it_prints_what_it_checked_warned_and_breached() -> None:
    first = CliRunner().invoke(app, ["sla", "check"])
    assert first.exit_code == 0, first.output
    assert first.output.strip().splitlines()[-1] == "checked=3 warned=1 breached=2"
    again = CliRunner().invoke(app, ["sla", "check"])
    assert again.output.strip().splitlines()[-1] == "checked=0 warned=0 breached=0"
