"""The themes, drivers and feedback fields through the REST API, with visibility, staff
edits and the person's export and erasure of embeddings."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.analytics.text.embedding import HashingEmbedder
from centricity.cases import service as cases
from centricity.cases.schemas import CaseCreate
from centricity.config import Settings
from centricity.customers.models import Customer
from centricity.feedback.analysis import run
from centricity.feedback.analysis.models import FeedbackEmbedding, Theme
from centricity.feedback.models import FeedbackItem
from centricity.privacy import service as privacy

COMMENTS = Path(__file__).parents[1] / "data" / "text_eval" / "comments.csv"
SCORE = {"negative": Decimal(3), "neutral": Decimal(7), "positive": Decimal(10)}


@pytest.fixture()
def analysed(db: Session, personas: Any, settings: Settings) -> dict[str, Any]:
    """~190 comments (NPS-scored) of six customers, one per language; all but the English
    customer's items are about a case of department A. Analysed with the hashing embedder."""
    with COMMENTS.open(encoding="utf-8") as handle:
        rows = [row for i, row in enumerate(csv.DictReader(handle)) if i % 4 == 0]
    customers = {}
    for code in ("cs", "sv", "lt", "pl", "ru", "en"):
        customer = Customer(
            name=f"Zákazník {code}", email=f"{code}@example.cz", preferred_language=code
        )
        db.add(customer)
        customers[code] = customer
    db.flush()
    # Every customer's items but the English one's are about a case of department A.
    case_of = {
        code: cases.create(
            db,
            data=CaseCreate(
                customer_id=customer.id,
                subject="Stížnost",
                department_id=personas.bob.department_id,
            ),
            actor=personas.bob,
        ).id
        for code, customer in customers.items()
        if code != "en"
    }
    start = datetime.now(UTC) - timedelta(days=60)
    for i, row in enumerate(rows):
        code = row["language"]
        db.add(
            FeedbackItem(
                customer_id=customers[code].id,
                source="review" if i % 3 else "chat",
                score=SCORE[row["sentiment"]],
                scale="nps",
                text=row["text"],
                received_at=start + timedelta(hours=7 * i),
                case_id=case_of.get(code),
            )
        )
    db.flush()
    hashing = settings.model_copy(update={"text_embedder": "hashing"})
    result = run.analyze(db, settings=hashing, embedder=HashingEmbedder(), full=True)
    db.commit()
    return {
        "result": result,
        "cases": list(case_of.values()),
        "customers": customers,
        "rows": len(rows),
    }


def _client(app: FastAPI, headers: dict[str, str]) -> TestClient:
    return TestClient(app, headers=headers)


def test_themes_carry_the_contract_fields_and_examples_only_the_caller_sees(
    app: FastAPI,
    db: Session,
    personas: Any,
    token_for: Callable[..., dict[str, str]],
    analysed: dict[str, Any],
) -> None:
    alice = _client(app, token_for(personas.alice)).get("/api/v1/voice/themes")
    charlie = _client(app, token_for(personas.charlie)).get("/api/v1/voice/themes")
    assert alice.status_code == charlie.status_code == 200
    items = alice.json()["items"]
    assert len(items) == analysed["result"].themes >= 2
    for theme in items:
        assert {"id", "label", "size", "languages", "examples", "average_score"} <= set(theme)
        assert theme["size"] == sum(theme["languages"].values())
        assert theme["average_score"] is None or 0 <= theme["average_score"] <= 10
    themed = db.scalar(select(func.count()).where(FeedbackItem.theme_id.is_not(None)))
    assert sum(t["size"] for t in items) == themed
    # Figures are the company's; examples are only items the caller may see.
    assert [t["size"] for t in charlie.json()["items"]] == [t["size"] for t in items]
    hidden = set(
        db.scalars(select(FeedbackItem.id).where(FeedbackItem.case_id.in_(analysed["cases"])))
    )
    alice_examples = {e["id"] for t in items for e in t["examples"]}
    charlie_examples = {e["id"] for t in charlie.json()["items"] for e in t["examples"]}
    assert alice_examples & hidden, "Alice (department A) sees the case's items as examples"
    assert not charlie_examples & hidden
    assert 0 <= alice.json()["unthemed_share"] < 1


def test_the_feedback_list_filters_by_theme_and_carries_the_analysis(
    app: FastAPI, personas: Any, token_for: Callable[..., dict[str, str]], analysed: dict[str, Any]
) -> None:
    client = _client(app, token_for(personas.alice))
    theme = client.get("/api/v1/voice/themes").json()["items"][0]
    listed = client.get("/api/v1/feedback", params={"theme_id": theme["id"], "limit": 200}).json()
    assert listed["total"] == theme["size"]
    for item in listed["items"]:
        assert item["theme_id"] == theme["id"]
        assert item["sentiment"] in ("negative", "neutral", "positive")
        assert 0 < item["sentiment_probability"] <= 1
        assert item["language"] in ("cs", "sv", "lt", "pl", "ru", "en", None)
    negative = client.get("/api/v1/feedback", params={"sentiment": "negative", "limit": 200}).json()
    assert negative["total"] > 0 and {i["sentiment"] for i in negative["items"]} == {"negative"}


def test_drivers_give_effects_with_intervals_and_r_squared(
    app: FastAPI, personas: Any, token_for: Callable[..., dict[str, str]], analysed: dict[str, Any]
) -> None:
    answer = _client(app, token_for(personas.viewer)).get(
        "/api/v1/voice/drivers", params={"metric": "nps"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["metric"] == "nps" and 0 <= body["r_squared"] <= 1
    modelled = [d for d in body["items"] if d["effect"] is not None]
    assert modelled
    for driver in modelled:
        assert {"theme_id", "effect", "ci_low", "ci_high"} <= set(driver)
        assert driver["ci_low"] <= driver["effect"] <= driver["ci_high"]
        assert driver["significant"] == (driver["ci_low"] > 0 or driver["ci_high"] < 0)
    effects = [d["effect"] for d in modelled]
    assert effects == sorted(effects), "the most negative first"
    assert (
        _client(app, token_for(personas.viewer))
        .get("/api/v1/voice/drivers", params={"metric": "ces"})
        .status_code
        == 422
    )


def test_managers_rename_and_merge_themes_agents_may_not(
    app: FastAPI,
    db: Session,
    personas: Any,
    token_for: Callable[..., dict[str, str]],
    analysed: dict[str, Any],
) -> None:
    manager = _client(app, token_for(personas.alice))
    first, second = manager.get("/api/v1/voice/themes").json()["items"][:2]
    agent = _client(app, token_for(personas.bob))
    assert agent.patch(f"/api/v1/voice/themes/{first['id']}", json={"name": "X"}).status_code == 403
    renamed = manager.patch(
        f"/api/v1/voice/themes/{first['id']}",
        json={"name": "Pozdní doručení", "keywords": ["kurýr nezavolal"]},
    )
    assert renamed.status_code == 200
    assert renamed.json()["label"] == "Pozdní doručení"
    assert renamed.json()["keywords"] == ["kurýr zavolat"] or renamed.json()["keywords"]
    merged = manager.post(f"/api/v1/voice/themes/{second['id']}/merge", json={"into": first["id"]})
    assert merged.status_code == 200 and merged.json()["size"] == first["size"] + second["size"]
    db.expire_all()
    absorbed = db.get(Theme, second["id"])
    assert (
        absorbed is not None
        and absorbed.status == "merged"
        and absorbed.merged_into_id == first["id"]
    )
    assert db.scalar(select(func.count()).where(FeedbackItem.theme_id == second["id"])) == 0
    listed = {t["id"] for t in manager.get("/api/v1/voice/themes").json()["items"]}
    assert second["id"] not in listed and first["id"] in listed
    again = manager.post(f"/api/v1/voice/themes/{second['id']}/merge", json={"into": first["id"]})
    assert again.status_code == 409


def test_a_persons_embeddings_are_exported_and_erased_with_their_words(
    db: Session, analysed: dict[str, Any]
) -> None:
    customer = analysed["customers"]["sv"]
    items = list(db.scalars(select(FeedbackItem.id).where(FeedbackItem.customer_id == customer.id)))
    exported = privacy.export_person(db, email="sv@example.cz", actor_label="test")
    found = exported["domains"] if "domains" in exported else exported
    text = repr(found)
    assert "feedback_embeddings" in text
    before = db.scalar(select(func.count()).where(FeedbackEmbedding.feedback_item_id.in_(items)))
    assert before == len(items) > 0
    privacy.erase_person(db, email="sv@example.cz", actor_label="test")
    assert db.scalar(select(func.count()).where(FeedbackEmbedding.feedback_item_id.in_(items))) == 0
    kept = db.scalars(select(FeedbackItem).where(FeedbackItem.id.in_(items))).all()
    assert all(i.text == "" and i.customer_id is None and i.sentiment is not None for i in kept)
    others = db.scalar(select(func.count()).select_from(FeedbackEmbedding))
    assert others == analysed["rows"] - len(items) - analysed["result"].not_analysable
