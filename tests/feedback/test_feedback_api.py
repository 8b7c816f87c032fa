"""The feedback API as its contract reads: the list's fields exactly, adding an item from
another source with its rules and their messages, links, idempotency and visibility."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from feedback_helpers import Arranged

CONTRACT = {"id", "customer_id", "source", "score", "scale", "text", "language", "received_at"}


def _post(client: TestClient, **body: Any) -> Any:
    return client.post("/api/v1/feedback", json=body)


def test_it_adds_an_item_and_lists_it_with_the_contract_fields(
    api: dict[str, TestClient], arranged: Arranged
) -> None:
    text = "Dostawa przyszła dwa dni za późno, ale kurier był miły."
    answer = _post(
        api["bob"],
        customer_id=arranged.customer_id,
        source="review",
        score=3,
        scale="csat",
        text=text,
        received_at="2026-11-02T08:30:00Z",
        external_id="R-1",
    )
    assert answer.status_code == 201, answer.text
    item = answer.json()
    assert CONTRACT <= set(item)
    assert (item["score"], item["scale"], item["language"]) == (3, "csat", "pl")
    listed = api["viewer"].get(f"/api/v1/feedback?customer_id={arranged.customer_id}").json()
    assert listed["total"] == 1
    [row] = listed["items"]
    assert {k: row[k] for k in CONTRACT} == {
        "id": item["id"],
        "customer_id": arranged.customer_id,
        "source": "review",
        "score": 3,
        "scale": "csat",
        "text": text,
        "language": "pl",
        "received_at": "2026-11-02T08:30:00Z",
    }


def test_it_keeps_the_language_given_and_the_text_exactly(
    api: dict[str, TestClient], arranged: Arranged
) -> None:
    text = "  <b>Bra</b> & snabbt\n\tmen dyrt  "
    answer = _post(
        api["bob"], customer_id=arranged.customer_id, source="chat", text=text, language="SV-se"
    )
    assert answer.status_code == 201, answer.text
    assert (answer.json()["text"], answer.json()["language"]) == (text, "sv")
    short = _post(api["bob"], customer_id=arranged.customer_id, source="chat", text="ok")
    assert short.json()["language"] is None  # two words or fewer: no language


def test_it_refuses_a_score_off_its_scale_or_without_one_with_a_clear_message(
    api: dict[str, TestClient], arranged: Arranged
) -> None:
    cases = [
        ({"score": 11, "scale": "nps"}, "score", "not a score of this scale"),
        ({"score": 0, "scale": "csat"}, "score", "not a score of this scale"),
        ({"score": 4}, "score", "a score needs its scale"),
        ({"scale": "nps", "text": "x"}, "scale", "a scale needs a score"),
        ({"score": 5, "scale": "likert"}, "scale", ""),
        ({"text": " "}, "text", "give a score, a text or both"),
    ]
    for fields, field, words in cases:
        body = {"customer_id": arranged.customer_id, "source": "api", **fields}
        answer = api["bob"].post("/api/v1/feedback", json=body)
        assert answer.status_code == 422, (fields, answer.text)
        [error] = answer.json()["errors"]
        assert error["field"] == field and words in error["message"], (fields, error)


def test_it_refuses_nul_and_oversize_text(api: dict[str, TestClient], arranged: Arranged) -> None:
    for text in ("a\x00b", "x" * 100_001):
        answer = _post(api["bob"], customer_id=arranged.customer_id, source="api", text=text)
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == "text"


def test_it_links_only_the_customers_own_case_contact_and_order(
    api: dict[str, TestClient], arranged: Arranged
) -> None:
    links = {
        "case_id": arranged.case_id,
        "interaction_id": arranged.interaction_id,
        "order_id": arranged.order_id,
    }
    body = {"customer_id": arranged.customer_id, "source": "email", "text": "Tack!", **links}
    answer = api["bob"].post("/api/v1/feedback", json=body)
    assert answer.status_code == 201, answer.text
    assert {k: answer.json()[k] for k in links} == links
    for field, record_id in links.items():
        wrong = {"customer_id": arranged.other_customer_id, "source": "email", "text": "x"}
        answer = api["bob"].post("/api/v1/feedback", json={**wrong, field: record_id})
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["field"] == field


def test_it_refuses_a_second_item_with_the_same_source_and_external_id(
    api: dict[str, TestClient], arranged: Arranged
) -> None:
    body = {"customer_id": arranged.customer_id, "source": "review", "text": "Fine", "score": 5}
    body |= {"scale": "stars", "external_id": "TP-9"}
    assert api["bob"].post("/api/v1/feedback", json=body).status_code == 201
    again = api["bob"].post("/api/v1/feedback", json=body)
    assert again.status_code == 409
    assert api["bob"].post("/api/v1/feedback", json={**body, "source": "app"}).status_code == 201
    total = api["bob"].get(f"/api/v1/feedback?customer_id={arranged.customer_id}").json()["total"]
    assert total == 2


def test_it_pages_newest_first(api: dict[str, TestClient], arranged: Arranged) -> None:
    for day in ("01", "03", "02"):
        body = {"customer_id": arranged.customer_id, "source": "api", "score": 7, "scale": "nps"}
        answer = api["bob"].post(
            "/api/v1/feedback", json={**body, "received_at": f"2026-10-{day}T00:00:00Z"}
        )
        assert answer.status_code == 201
    page = (
        api["bob"]
        .get(f"/api/v1/feedback?customer_id={arranged.customer_id}&limit=2&offset=1")
        .json()
    )
    assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 1
    assert [i["received_at"][:10] for i in page["items"]] == ["2026-10-02", "2026-10-01"]


def test_viewers_and_read_only_tokens_cannot_add_feedback(
    api: dict[str, TestClient], arranged: Arranged
) -> None:
    body = {"customer_id": arranged.customer_id, "source": "api", "text": "Nice"}
    assert api["viewer"].post("/api/v1/feedback", json=body).status_code == 403
    assert api["read_only"].post("/api/v1/feedback", json=body).status_code == 403
    assert api["bob"].get("/api/v1/feedback").json()["total"] == 0


def test_another_department_sees_no_item_about_a_case_it_cannot_see(
    api: dict[str, TestClient], arranged: Arranged
) -> None:
    body = {"customer_id": arranged.customer_id, "source": "email", "text": "Thanks for help"}
    about_case = api["bob"].post("/api/v1/feedback", json={**body, "case_id": arranged.case_id})
    plain = api["bob"].post("/api/v1/feedback", json=body)
    assert about_case.status_code == plain.status_code == 201
    seen = api["charlie"].get(f"/api/v1/feedback?customer_id={arranged.customer_id}").json()
    assert [i["id"] for i in seen["items"]] == [plain.json()["id"]] and seen["total"] == 1
    assert api["charlie"].get(f"/api/v1/feedback/{about_case.json()['id']}").status_code == 404
    assert api["alice"].get(f"/api/v1/feedback/{about_case.json()['id']}").status_code == 200
    # Nor may Charlie link the case he cannot see: refused like a case of another customer.
    linked = api["charlie"].post("/api/v1/feedback", json={**body, "case_id": arranged.case_id})
    assert linked.status_code == 422 and linked.json()["errors"][0]["field"] == "case_id"
