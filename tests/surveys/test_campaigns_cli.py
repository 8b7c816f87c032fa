"""`centricity surveys send` on a real file store: the summary line with the skips by
reason, a second run that invites nobody twice, and a refusal for an event campaign."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from centricity.accounts.models import Role
from centricity.cli import app
from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate
from centricity.db import make_engine, session_factory
from centricity.migrations import runner
from centricity.surveys import campaigns
from centricity.surveys import service as surveys
from centricity.surveys.campaign_schemas import CampaignCreate
from centricity.surveys.schemas import SurveyCreate
from fixtures_web import make_user


@pytest.fixture()
def campaign_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """An audience list of three (one without an e-mail address) and an event campaign."""
    url = f"sqlite:///{tmp_path / 'campaigns.db'}"
    engine = make_engine(url)
    runner.upgrade(engine)
    with session_factory(engine)() as db:
        lead = make_user(db, "lead@test.example", Role.MANAGER, "Support")
        survey = surveys.create(
            db, data=SurveyCreate(name="NPS", kind="nps", languages=["cs"]), actor=lead
        )
        ids = [
            customers.create(db, data=CustomerCreate(name=name, email=email), actor=None).id
            for name, email in (("Eva", "eva@example.cz"), ("Jan", "jan@example.cz"), ("Ota", None))
        ]
        listed = CampaignCreate(name="List", trigger="audience", customers="\n".join(map(str, ids)))
        audience, _unknown = campaigns.create(db, survey=survey, data=listed, actor=lead)
        solved = CampaignCreate(name="Solved", trigger="case_solved")
        event, _unknown = campaigns.create(db, survey=survey, data=solved, actor=lead)
        db.commit()
        found = (audience.id, event.id)
    engine.dispose()
    monkeypatch.setenv("CENTRICITY_DATABASE_URL", url)
    monkeypatch.setenv("CENTRICITY_DATA_DIR", str(tmp_path))
    return found


def test_it_sends_an_audience_and_prints_the_summary(campaign_ids: tuple[int, int]) -> None:
    audience, event = campaign_ids
    first = CliRunner().invoke(app, ["surveys", "send", str(audience)])
    assert first.exit_code == 0, first.output
    assert first.output.strip().splitlines()[-1] == "invited=2 skipped=1 no_email=1"
    again = CliRunner().invoke(app, ["surveys", "send", str(audience)])
    assert again.output.strip().splitlines()[-1] == "invited=0 skipped=0"
    refused = CliRunner().invoke(app, ["surveys", "send", str(event)])
    assert refused.exit_code == 1
