"""The custom-questions editor, through the API and the page: add, change, move and delete
questions with a text in every language the survey offers (errors in the viewer's
language), answered questions kept whole, and the public page speaking the edited words."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.surveys.models import SurveyAnswer, SurveyQuestion
from survey_helpers import link_path, make_customer, make_survey

QUESTION = {
    "kind": "single",
    "required": True,
    "texts": {"en": "What mattered most?", "cs": "Co bylo nejdůležitější?", "pl": "Co było?"},
    "choices": [
        {"value": "price", "texts": {"en": "Price", "cs": "Cena", "pl": "Cena"}},
        {"value": "speed", "texts": {"en": "Speed", "cs": "Rychlost", "pl": "Szybkość"}},
    ],
}
SCALE = {
    "kind": "scale",
    "texts": {"en": "How easy?", "cs": "Jak snadné?", "pl": "Jak łatwo?"},
    "scale_min": 1,
    "scale_max": 5,
}


def _custom(anon: TestClient, headers: dict[str, str]) -> int:
    return make_survey(
        anon, headers, kind="custom", languages=["pl", "en", "cs"], questions=[QUESTION]
    )


def _questions(anon: TestClient, headers: dict[str, str], survey_id: int) -> list[Any]:
    answer = anon.get(f"/api/v1/surveys/{survey_id}/questions", headers=headers)
    assert answer.status_code == 200
    return list(answer.json()["items"])


def test_it_adds_changes_and_deletes_questions_through_the_api(
    anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice, bob = token_for(personas.alice), token_for(personas.bob)
    survey_id = _custom(anon, alice)
    url = f"/api/v1/surveys/{survey_id}/questions"
    added = anon.post(url, json=SCALE, headers=alice)
    assert added.status_code == 201, added.text
    assert added.json()["position"] == 2 and added.json()["texts"]["pl"] == "Jak łatwo?"
    assert anon.post(url, json=SCALE, headers=bob).status_code == 403  # agents only read
    assert [q["kind"] for q in _questions(anon, bob, survey_id)] == ["single", "scale"]
    no_czech = {**SCALE, "texts": {"en": "How easy?", "pl": "Jak łatwo?"}}
    refused = anon.post(url, json=no_czech, headers=alice)
    assert refused.status_code == 422 and "each language" in refused.text
    blank = {**SCALE, "texts": {**SCALE["texts"], "cs": "  "}}  # type: ignore[dict-item]
    assert anon.post(url, json=blank, headers=alice).status_code == 422
    question_id = added.json()["id"]
    changed = anon.patch(
        f"{url}/{question_id}", json={"kind": "text", "required": True}, headers=alice
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["kind"] == "text" and changed.json()["scale_min"] is None
    bad_scale = anon.patch(
        f"{url}/{question_id}", json={"kind": "scale", "scale_min": 5}, headers=alice
    )
    assert bad_scale.status_code == 422
    assert anon.delete(f"{url}/{question_id}", headers=bob).status_code == 403
    assert anon.delete(f"{url}/{question_id}", headers=alice).status_code == 204
    assert [q["position"] for q in _questions(anon, alice, survey_id)] == [1]
    last = _questions(anon, alice, survey_id)[0]["id"]
    only = anon.delete(f"{url}/{last}", headers=alice)
    assert only.status_code == 409  # a custom survey keeps one question
    other = make_survey(anon, alice, name="Other")
    elsewhere = anon.delete(f"/api/v1/surveys/{other}/questions/{last}", headers=alice)
    assert elsewhere.status_code == 404


def test_an_answered_question_keeps_its_kind_and_chosen_choices(
    db: Session, anon: TestClient, personas: Any, token_for: Any
) -> None:
    alice = token_for(personas.alice)
    survey_id = _custom(anon, alice)
    link = link_path(anon, alice, survey_id, make_customer(db, preferred_language="pl"))
    question_id = _questions(anon, alice, survey_id)[0]["id"]
    done = anon.post(link, data={"page": "questions", f"q{question_id}": "speed"})
    assert done.status_code == 200
    url = f"/api/v1/surveys/{survey_id}/questions/{question_id}"
    assert _questions(anon, alice, survey_id)[0]["answers"] == 1
    assert anon.patch(url, json={"kind": "multiple"}, headers=alice).status_code == 409
    assert anon.delete(url, headers=alice).status_code == 409
    price = QUESTION["choices"][0]  # type: ignore[index]
    without_speed = {"choices": [price, {**price, "value": "x"}]}
    assert anon.patch(url, json=without_speed, headers=alice).status_code == 409
    corrected = {**QUESTION["texts"], "pl": "Co było najważniejsze?"}  # type: ignore[dict-item]
    fixed = anon.patch(url, json={"texts": corrected}, headers=alice)
    assert fixed.status_code == 200 and fixed.json()["texts"]["pl"] == "Co było najważniejsze?"
    assert db.scalar(select(SurveyAnswer.choices)) == ["speed"]  # the answer is untouched


def _post(browser: Any, url: str, data: dict[str, Any]) -> Any:
    return browser.client.post(url, data={"csrf_token": browser.csrf, **data})


def _form(texts: dict[str, str], **fields: str) -> dict[str, str]:
    return {"kind": "text", **{f"text_{code}": text for code, text in texts.items()}, **fields}


def test_the_editor_page_adds_moves_edits_and_deletes_with_czech_errors(
    db: Session, anon: TestClient, personas: Any, token_for: Any, browser_for: Any
) -> None:
    personas.alice.language = "cs"
    db.commit()
    survey_id = _custom(anon, token_for(personas.alice))
    alice, viewer = browser_for(personas.alice), browser_for(personas.viewer)
    page = f"/voice/surveys/{survey_id}/questions"
    read = viewer.client.get(page)
    assert read.status_code == 200 and "Co było?" in read.text
    assert f'action="{page}"' not in read.text  # viewers read, no form
    missing = _post(alice, page, _form({"en": "Why?", "cs": "Proč?"}))
    assert missing.status_code == 422
    assert "každá otázka a možnost potřebuje text v každém jazyce" in missing.text
    assert 'value="Proč?"' in missing.text  # what was typed stays
    choices = {
        "kind": "multiple",
        **{f"text_{c}": "Kanały" for c in ("pl", "en", "cs")},
        "choice_value_0": "",
        "choice_pl_0": "Sklep",
        "choice_en_0": "Shop",
        "choice_cs_0": "Obchod",
        "choice_value_1": "web",
        "choice_pl_1": "Strona",
        "choice_en_1": "Web",
        "choice_cs_1": "Web",
    }
    added = _post(alice, page, choices)
    assert added.status_code == 303, added.text
    new = db.scalars(select(SurveyQuestion).order_by(SurveyQuestion.id.desc())).first()
    assert new is not None and new.position == 2
    assert [c["value"] for c in new.choices] == ["sklep", "web"]
    moved = _post(alice, f"{page}/{new.id}/move", {"direction": "up"})
    assert moved.status_code == 303
    db.expire_all()
    assert [q.id for q in db.scalars(select(SurveyQuestion).order_by(SurveyQuestion.position))][
        0
    ] == new.id
    edit = alice.client.get(f"{page}/{new.id}")
    assert edit.status_code == 200 and 'value="Strona"' in edit.text
    assert viewer.client.get(f"{page}/{new.id}").status_code == 403
    one_choice = {k: v for k, v in choices.items() if not k.endswith("_1")}
    refused = _post(alice, f"{page}/{new.id}", one_choice)
    assert refused.status_code == 422 and "alespoň dvě" in refused.text
    renamed = _post(alice, f"{page}/{new.id}", {**choices, "text_pl": "Skąd?"})
    assert renamed.status_code == 303
    new_id = new.id
    assert _post(alice, f"{page}/{new_id}/delete", {}).status_code == 303
    db.expire_all()
    assert db.get(SurveyQuestion, new_id) is None


def test_the_public_page_speaks_the_edited_polish_words_and_takes_the_answer(
    db: Session, anon: TestClient, personas: Any, token_for: Any, browser_for: Any
) -> None:
    alice_api = token_for(personas.alice)
    survey_id = make_survey(anon, alice_api, languages=["pl", "en", "cs"])  # NPS, no questions
    alice = browser_for(personas.alice)
    page = f"/voice/surveys/{survey_id}/questions"
    texts = {"pl": "Co możemy poprawić?", "en": "What can we improve?", "cs": "Co zlepšit?"}
    assert _post(alice, page, _form(texts, required="1")).status_code == 303
    link = link_path(anon, alice_api, survey_id, make_customer(db, preferred_language="pl"))
    assert anon.post(link, data={"page": "main", "score": "9"}).status_code == 303
    shown = anon.get(link)
    assert '<html lang="pl">' in shown.text and "Co możemy poprawić?" in shown.text
    question_id = shown.text.split('name="q', 1)[1].split('"', 1)[0]
    done = anon.post(link, data={"page": "questions", f"q{question_id}": "Szybszą dostawę."})
    assert done.status_code == 200
    assert db.scalar(select(SurveyAnswer.text)) == "Szybszą dostawę."
