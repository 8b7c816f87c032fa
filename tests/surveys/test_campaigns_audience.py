"""Audience campaigns: a send to a value tier, a segment or a pasted list (unknown
entries reported), in resumable batches that never invite twice, every refusal logged
with its reason, the figures per campaign, and who may run campaigns."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign_helpers import invitations, make_campaign, run_survey_jobs, skips, value_run
from centricity.notifications import unsubscribe
from centricity.surveys import campaign_runs
from centricity.surveys.campaign_models import SurveyCampaign, SurveyCampaignRecipient
from survey_helpers import invite, make_customer, make_survey


def _send(client: TestClient, headers: dict[str, str], campaign_id: int) -> Any:
    return client.post(f"/api/v1/campaigns/{campaign_id}/send", headers=headers)


def test_it_sends_to_a_value_tier_once_however_often_it_is_sent(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice, name="Gold NPS")
    gold = [make_customer(db, f"Gold {n}", email=f"gold{n}@example.cz") for n in range(3)]
    silver = make_customer(db, "Silver", email="silver@example.cz")
    value_run(db, {**dict.fromkeys(gold, ("Champions", "gold")), silver: ("Loyal", "silver")})
    campaign = make_campaign(anon, alice, survey_id, name="Gold", trigger="audience", tier="gold")
    started = _send(anon, alice, campaign["id"])
    assert started.status_code == 202 and started.json()["job_id"] > 0
    assert invitations(db, campaign["id"]) == []  # the job sends, not the request
    run_survey_jobs(db)
    assert {i.customer_id for i in invitations(db, campaign["id"])} == set(gold)
    assert _send(anon, alice, campaign["id"]).status_code == 202
    run_survey_jobs(db)  # sent again: nobody twice, nothing logged for those done
    assert len(invitations(db, campaign["id"])) == 3 and skips(db, campaign["id"]) == []
    listed = anon.get(f"/api/v1/surveys/{survey_id}/campaigns", headers=alice).json()
    figures = listed["items"][0]["figures"]
    assert figures["invited"] == 3 and figures["sent"] == 3 and figures["answered"] == 0
    assert figures["response_rate"] == 0 and figures["audience"] == 3


def test_it_works_through_a_segment_in_batches_and_resumes(
    db: Session, anon: TestClient, personas: Any, token_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(campaign_runs, "BATCH_SIZE", 2)
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    loyal = [make_customer(db, f"Loyal {n}") for n in range(5)]
    value_run(db, dict.fromkeys(loyal, ("Loyal", "silver")))
    campaign = make_campaign(
        anon, alice, survey_id, trigger="audience", segment="Loyal", send="link"
    )
    assert _send(anon, alice, campaign["id"]).status_code == 202
    kinds = run_survey_jobs(db)
    assert kinds == ["surveys.campaign_send"] * 3  # 2 + 2 + 1, each its own transaction
    assert {i.customer_id for i in invitations(db, campaign["id"])} == set(loyal)
    waiting = select(SurveyCampaignRecipient).where(SurveyCampaignRecipient.outcome.is_(None))
    assert db.scalars(waiting).all() == []


def test_it_reports_unknown_list_entries_and_logs_every_refusal(
    db: Session,
    anon: TestClient,
    personas: Any,
    token_for: Any,
) -> None:
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    other_survey = make_survey(anon, alice, name="Another survey")
    survey_id = make_survey(anon, alice, name="Listed")
    fresh = make_customer(db, "Fresh", email="Fresh@Example.cz")
    asked = make_customer(db, "Asked", email="asked@example.cz", external_id="EXT-9")
    no_mail = make_customer(db, "No mail")
    gone = make_customer(db, "Gone", email="gone@example.cz")
    unsubscribe.unsubscribe(db, customer_id=gone, topic="surveys")
    db.commit()
    assert invite(anon, bob, other_survey, asked).status_code == 201  # asked by hand today
    text = f"fresh@example.cz\nEXT-9, {no_mail};{gone}\nnobody@example.cz\nEXT-404\n999999\n"
    campaign = make_campaign(
        anon, alice, survey_id, name="List", trigger="audience", customers=text
    )
    assert campaign["unknown"] == ["nobody@example.cz", "EXT-404", "999999"]
    run_survey_jobs(db)  # nothing until a manager sends
    assert invitations(db, campaign["id"]) == []
    _send(anon, alice, campaign["id"])
    run_survey_jobs(db)
    assert [i.customer_id for i in invitations(db, campaign["id"])] == [fresh]
    assert sorted(skips(db, campaign["id"])) == ["fatigue", "no_email", "unsubscribed"]
    listed = anon.get(f"/api/v1/surveys/{survey_id}/campaigns", headers=alice).json()
    skipped = listed["items"][0]["figures"]["skipped"]
    assert skipped == {"fatigue": 1, "no_email": 1, "unsubscribed": 1}


def test_the_fatigue_rule_holds_across_campaigns(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    customers = [make_customer(db, f"Both {n}", email=f"both{n}@example.cz") for n in range(2)]
    text = "\n".join(str(c) for c in customers)
    first = make_campaign(
        anon, alice, make_survey(anon, alice), name="A", trigger="audience", customers=text
    )
    second = make_campaign(
        anon,
        alice,
        make_survey(anon, alice, kind="csat"),
        name="B",
        trigger="audience",
        customers=text,
    )
    for campaign in (first, second):
        _send(anon, alice, campaign["id"])
        run_survey_jobs(db)
    assert len(invitations(db, first["id"])) == 2
    assert invitations(db, second["id"]) == []
    assert skips(db, second["id"]) == ["fatigue", "fatigue"]


def test_a_paused_campaign_neither_sends_nor_follows(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = make_survey(anon, alice)
    customer = make_customer(db, "Paused", email="paused@example.cz")
    campaign = make_campaign(anon, alice, survey_id, trigger="audience", customers=str(customer))
    paused = anon.patch(
        f"/api/v1/campaigns/{campaign['id']}", json={"active": False}, headers=alice
    )
    assert paused.status_code == 200 and paused.json()["active"] is False
    refused = _send(anon, alice, campaign["id"])
    assert refused.status_code == 409
    wrong = anon.patch(f"/api/v1/campaigns/{campaign['id']}", json={"days": 3}, headers=alice)
    assert wrong.status_code == 422  # days belong to another trigger: checked as a whole
    anon.patch(f"/api/v1/campaigns/{campaign['id']}", json={"active": True}, headers=alice)
    assert _send(anon, alice, campaign["id"]).status_code == 202
    run_survey_jobs(db)
    assert [i.customer_id for i in invitations(db, campaign["id"])] == [customer]


def test_only_managers_of_the_surveys_department_run_campaigns(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    admin = token_for(personas.admin)
    department_b = personas.charlie.department_id
    theirs = make_survey(anon, admin, name="B's survey", department_id=department_b)
    ours = make_survey(anon, alice)
    body = {"name": "X", "trigger": "case_solved"}
    assert anon.post(f"/api/v1/surveys/{ours}/campaigns", json=body, headers=bob).status_code == 403
    denied = anon.post(f"/api/v1/surveys/{theirs}/campaigns", json=body, headers=alice)
    assert denied.status_code == 403
    # Alice may not aim a campaign at department B's cases either.
    aimed = {**body, "department_id": department_b}
    assert (
        anon.post(f"/api/v1/surveys/{ours}/campaigns", json=aimed, headers=alice).status_code == 422
    )
    created = make_campaign(anon, admin, theirs, trigger="audience", customers="1")
    change = anon.patch(f"/api/v1/campaigns/{created['id']}", json={"active": False}, headers=alice)
    assert change.status_code == 403
    assert _send(anon, alice, created["id"]).status_code == 403
    assert db.get(SurveyCampaign, created["id"]).active is True  # type: ignore[union-attr]
    # An event campaign is not sent by hand.
    event = make_campaign(anon, alice, ours)
    assert _send(anon, alice, event["id"]).status_code == 409
