"""The voice API (figures with groups and intervals, verbatims) and the Voice page's
figures and filters, on the store of `voice_data`."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from i18n.test_pages_in_every_language import english_left, english_phrases, visible_text
from voice_data import VoiceStore, fill

CONTRACT = {"nps", "responses", "csat", "ces", "closed_loop_rate"}


@pytest.fixture()
def store(db: Session, personas: Any) -> VoiceStore:
    return fill(
        db, department_a=personas.bob.department_id, department_b=personas.charlie.department_id
    )


def test_the_metrics_contract_is_kept_and_intervals_added(
    anon: TestClient, store: VoiceStore, personas: Any, token_for: Any
) -> None:
    survey_id = store.surveys["nps"]
    body = anon.get(
        f"/api/v1/voice/metrics?survey_id={survey_id}", headers=token_for(personas.viewer)
    ).json()
    assert CONTRACT <= set(body)
    # NPS 10, 9, 3, 7, 10, 0 → 16.67 (−55.15…88.48); tasks of answers 3 (solved) and 6.
    assert (body["nps"], body["responses"], body["closed_loop_rate"]) == (16.67, 6, 0.5)
    assert body["nps_interval"] == [-55.15, 88.48]
    assert body["csat"] is None and body["ces"] is None and body["groups"] is None


def test_it_groups_the_figures_for_a_period(
    anon: TestClient, store: VoiceStore, personas: Any, token_for: Any
) -> None:
    viewer = token_for(personas.viewer)
    url = "/api/v1/voice/metrics?group_by=month&from=2026-10-01&to=2026-10-31"
    body = anon.get(url, headers=viewer).json()
    assert (body["from"], body["to"], body["group_by"]) == ("2026-10-01", "2026-10-31", "month")
    # October only: 7 answers; NPS 10, 9, 3, 7 → 25 (−56.26…100); CES 2, 4, 6 → 4.
    assert body["responses"] == 7 and body["nps"] == 25.0
    [october] = body["groups"]
    assert (october["key"], october["label"], october["responses"]) == (
        "2026-10",
        "October 2026",
        7,
    )
    assert october["nps"] == {"value": 25.0, "low": -56.26, "high": 100.0, "responses": 4}
    assert october["ces"] == {"value": 4.0, "low": -0.97, "high": 8.97, "responses": 3}
    assert october["csat"] is None
    tiers = anon.get("/api/v1/voice/metrics?group_by=tier", headers=viewer).json()["groups"]
    assert [(g["key"], g["label"], g["responses"]) for g in tiers] == [
        ("Gold", "Gold", 4),
        ("Silver", "Silver", 4),
        ("unknown", "unknown", 4),
    ]
    for wrong in ("group_by=year", "from=2026-11-02&to=2026-11-01", "from=yesterday"):
        answer = anon.get(f"/api/v1/voice/metrics?{wrong}", headers=viewer)
        assert answer.status_code == 422, wrong


def test_the_verbatims_api_filters_and_hides_another_departments_words(
    anon: TestClient, store: VoiceStore, personas: Any, token_for: Any
) -> None:
    bob, charlie = token_for(personas.bob), token_for(personas.charlie)
    reviews = anon.get("/api/v1/voice/verbatims?source=review", headers=bob).json()["items"]
    assert [(v["origin"], v["text"], v["score"], v["scale"]) for v in reviews] == [
        ("feedback", "Terrible packaging", 2.0, "stars")
    ]
    url = "/api/v1/voice/verbatims?band=detractor&scale=nps"
    assert [v["text"] for v in anon.get(url, headers=charlie).json()["items"]] == [
        "Kurier w dziale B"
    ]
    assert anon.get(url, headers=bob).json()["items"] == []
    bob_texts = {
        v["text"] for v in anon.get("/api/v1/voice/verbatims", headers=bob).json()["items"]
    }
    assert "Confidential complaint for B" not in bob_texts and "Szybko" in bob_texts
    assert anon.get("/api/v1/voice/verbatims?band=angry", headers=bob).status_code == 422


def test_the_voice_page_groups_and_filters_in_czech(
    db: Session, store: VoiceStore, personas: Any, browser_for: Any
) -> None:
    personas.viewer.language = "cs"
    db.commit()
    client = browser_for(personas.viewer).client
    page = client.get("/voice?group_by=tier&from=2026-10-01&to=2026-11-30")
    assert page.status_code == 200 and '<html lang="cs">' in page.text
    figures = page.text.split('id="figures-h"', 1)[1].split("</table>", 1)[0]
    assert figures.count('<th scope="row"') == 4  # Gold, Silver, unknown, and "All"
    assert "neznámé" in figures and "Vše" in figures
    left = english_left(visible_text(page.text), english_phrases("cs"))
    assert not left, left
    filtered = client.get("/voice?source=review&band=unhappy")
    answers = filtered.text.split('id="answers-h"', 1)[1]
    assert "Terrible packaging" in answers and "Szybko" not in answers
    # Vera sees department A's words only: answer 3 (about B's case) is not on her page.
    assert "Kurier w dziale B" not in client.get("/voice").text
    weeks = client.get("/voice?from=2026-11-01&to=2026-11-30")
    assert weeks.text.count("týden od") == 2
