"""The customers, interactions and orders API: contract, validation, paging, timeline."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.customers.models import Customer


@pytest.fixture()
def agent(personas: Any, token_for: Any) -> dict[str, str]:
    return token_for(personas.bob)


def _create(anon: Any, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = anon.post("/api/v1/customers", json=fields, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_it_creates_reads_updates_and_deletes_a_customer(
    anon: Any, agent: Any, personas: Any, token_for: Any
) -> None:
    created = _create(
        anon,
        agent,
        external_id="CZ-1",
        name="Jana Dvořáková",
        email="Jana@Example.cz",
        phone="+420 601 234 567",
        preferred_language="cs",
        country="cz",
    )
    assert isinstance(created["id"], int)
    assert created["email"] == "jana@example.cz" and created["country"] == "CZ"
    url = f"/api/v1/customers/{created['id']}"
    assert anon.get(url, headers=agent).json()["name"] == "Jana Dvořáková"
    patched = anon.patch(url, json={"phone": "+420 777 000 111", "postcode": None}, headers=agent)
    assert patched.status_code == 200
    assert patched.json()["phone"] == "+420 777 000 111"
    assert patched.json()["name"] == "Jana Dvořáková"
    manager = token_for(personas.alice)
    assert anon.delete(url, headers=manager).status_code == 204
    assert anon.get(url, headers=agent).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "X", "email": "not-an-email"}, "email"),
        ({"name": "X", "phone": "call me"}, "phone"),
        ({"name": "X", "preferred_language": "czech"}, "preferred_language"),
        ({"name": "X", "country": "CZE"}, "country"),
        ({"name": "X", "unknown": 1}, "unknown"),
        ({}, "name"),
    ],
)
def test_it_answers_422_naming_the_field(
    anon: Any, agent: Any, body: dict[str, Any], field: str, db: Session
) -> None:
    before = db.scalar(select(func.count()).select_from(Customer))
    response = anon.post("/api/v1/customers", json=body, headers=agent)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert db.scalar(select(func.count()).select_from(Customer)) == before


def test_it_refuses_a_duplicate_external_id(anon: Any, agent: Any) -> None:
    _create(anon, agent, external_id="DUP-1", name="First")
    response = anon.post(
        "/api/v1/customers", json={"external_id": "DUP-1", "name": "Second"}, headers=agent
    )
    assert response.status_code == 409
    assert "external_id" in response.text


def test_it_answers_404_for_unknown_ids(anon: Any, agent: Any) -> None:
    for url in (
        "/api/v1/customers/987654",
        "/api/v1/customers/987654/timeline",
        "/api/v1/interactions/987654",
        "/api/v1/orders/987654",
    ):
        assert anon.get(url, headers=agent).status_code == 404, url
    assert (
        anon.patch("/api/v1/customers/987654", json={"name": "x"}, headers=agent).status_code == 404
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dvorakova", ["Jana Dvořáková"]),
        ("DVOŘÁK", ["Jana Dvořáková"]),
        ("jana@example", ["Jana Dvořáková"]),
        ("601 234", ["Jana Dvořáková"]),
        ("601234567", ["Jana Dvořáková"]),
        ("SE-77", ["Åsa Öberg"]),
        ("oberg", ["Åsa Öberg"]),
        ("Ив", ["Иван Петров"]),
        ("петров", ["Иван Петров"]),
        ("zzzz", []),
    ],
)
def test_it_searches_name_email_phone_and_external_id(
    anon: Any, agent: Any, query: str, expected: list[str]
) -> None:
    _create(anon, agent, name="Jana Dvořáková", email="jana@example.cz", phone="+420 601 234 567")
    _create(anon, agent, name="Åsa Öberg", external_id="SE-77", email="asa@example.se")
    _create(anon, agent, name="Иван Петров", phone="+7 912 000 00 00")
    found = anon.get("/api/v1/customers", params={"q": query}, headers=agent).json()
    assert [c["name"] for c in found["items"]] == expected
    assert found["total"] == len(expected)


def test_it_pages_with_limit_and_offset(anon: Any, agent: Any) -> None:
    for i in range(7):
        _create(anon, agent, name=f"Paging Customer {i}")
    first = anon.get("/api/v1/customers?q=paging&limit=3&offset=0", headers=agent).json()
    last = anon.get("/api/v1/customers?q=paging&limit=3&offset=6", headers=agent).json()
    assert first["total"] == last["total"] == 7
    assert len(first["items"]) == 3 and len(last["items"]) == 1
    assert anon.get("/api/v1/customers?limit=0", headers=agent).status_code == 422
    assert anon.get("/api/v1/customers?offset=-1", headers=agent).status_code == 422


def test_it_logs_a_contact_and_shows_one_timeline(anon: Any, agent: Any) -> None:
    customer = _create(anon, agent, name="Timeline Customer")
    contact = anon.post(
        "/api/v1/interactions",
        headers=agent,
        json={
            "customer_id": customer["id"],
            "channel": "chat",
            "direction": "inbound",
            "started_at": "2026-03-01T09:00:00Z",
            "waiting_seconds": 45,
            "duration_seconds": 300,
            "note": "Ptala se na fakturu",
        },
    )
    assert contact.status_code == 201, contact.text
    assert contact.json()["waiting_seconds"] == 45
    order = anon.post(
        "/api/v1/orders",
        headers=agent,
        json={
            "customer_id": customer["id"],
            "ordered_at": "2026-02-01T12:00:00Z",
            "currency": "CZK",
            "lines": [{"quantity": "2", "unit_price": "149.50"}],
        },
    )
    assert order.status_code == 201, order.text
    assert order.json()["total_amount"] == "299.00"
    items = anon.get(f"/api/v1/customers/{customer['id']}/timeline", headers=agent).json()["items"]
    assert [(i["kind"], i["at"][:10]) for i in items] == [
        ("interaction", "2026-03-01"),
        ("order", "2026-02-01"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"waiting_seconds": -1}, "waiting_seconds"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"direction": "sideways"}, "direction"),
        ({"started_at": "2999-01-01T00:00:00Z"}, "started_at"),
        ({"started_at": 1700000000}, "started_at"),  # not read as seconds since 1970
        ({"started_at": "0.83"}, "started_at"),
    ],
)
def test_it_rejects_invalid_contacts(
    anon: Any, agent: Any, body: dict[str, Any], field: str
) -> None:
    customer = _create(anon, agent, name="Contact Validation")
    payload = {"customer_id": customer["id"], "channel": "phone", **body}
    response = anon.post("/api/v1/interactions", json=payload, headers=agent)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize("value", ["0.8291665769426041", "1700000000", "2026-04-02", "soon"])
def test_it_answers_422_to_a_time_that_is_not_iso_8601(anon: Any, agent: Any, value: str) -> None:
    customer = _create(anon, agent, name="Timeline Times")
    url = f"/api/v1/customers/{customer['id']}/timeline"
    assert anon.get(url, params={"before": value}, headers=agent).status_code == 422
    assert (
        anon.get("/api/v1/interactions", params={"since": value}, headers=agent).status_code == 422
    )
    ok = anon.get(url, params={"before": "2026-04-02T00:00:00Z"}, headers=agent)
    assert ok.status_code == 200


def test_it_answers_404_for_a_contact_of_an_unknown_customer(anon: Any, agent: Any) -> None:
    response = anon.post(
        "/api/v1/interactions", headers=agent, json={"customer_id": 999999, "channel": "phone"}
    )
    assert response.status_code == 404


def test_it_refuses_to_delete_a_customer_with_orders(
    anon: Any, agent: Any, personas: Any, token_for: Any
) -> None:
    customer = _create(anon, agent, name="Has Orders")
    anon.post(
        "/api/v1/orders",
        headers=agent,
        json={
            "customer_id": customer["id"],
            "ordered_at": "2026-02-01T12:00:00Z",
            "currency": "EUR",
            "total_amount": "10.00",
        },
    )
    response = anon.delete(f"/api/v1/customers/{customer['id']}", headers=token_for(personas.alice))
    assert response.status_code == 409
    assert anon.get(f"/api/v1/customers/{customer['id']}", headers=agent).status_code == 200


def test_it_filters_contacts_by_channel_and_time(anon: Any, agent: Any) -> None:
    customer = _create(anon, agent, name="Filter Customer")
    for channel, day in (("phone", "01"), ("email", "02"), ("phone", "03")):
        anon.post(
            "/api/v1/interactions",
            headers=agent,
            json={
                "customer_id": customer["id"],
                "channel": channel,
                "started_at": f"2026-04-{day}T10:00:00Z",
            },
        )
    phone = anon.get(
        f"/api/v1/interactions?customer_id={customer['id']}&channel=phone", headers=agent
    ).json()
    assert phone["total"] == 2
    recent = anon.get(
        f"/api/v1/interactions?customer_id={customer['id']}&since=2026-04-02T00:00:00Z",
        headers=agent,
    ).json()
    assert recent["total"] == 2


def test_it_lists_the_newest_first_when_too_many_match(
    anon: Any, agent: Any, monkeypatch: pytest.MonkeyPatch, db: Session
) -> None:
    from centricity.customers import search

    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("the newest-first path is the SQLite FTS optimisation")
    monkeypatch.setattr(search, "SORTED_MATCHES", 3)
    ids = [_create(anon, agent, name=f"Zeta Novotná {i}")["id"] for i in range(5)]
    found = anon.get("/api/v1/customers?q=novotna&limit=2&offset=1", headers=agent).json()
    assert found["total"] == 5
    assert [c["id"] for c in found["items"]] == [ids[3], ids[2]]
    few = anon.get("/api/v1/customers?q=novotna 4", headers=agent).json()
    assert [c["name"] for c in few["items"]] == ["Zeta Novotná 4"]


def test_it_finds_short_queries_and_whole_emails(anon: Any, agent: Any) -> None:
    _create(anon, agent, name="Ola Nordmann", external_id="X1", email="ola@example.no")
    _create(anon, agent, name="Olga Petrova", email="olga@example.ru")
    _create(anon, agent, name="Ábel Šťastný")
    _create(anon, agent, name="Štěpán Řezníček")
    _create(anon, agent, name="Aleš Kos")
    by_prefix = anon.get("/api/v1/customers?q=ol", headers=agent).json()
    assert [c["name"] for c in by_prefix["items"]] == ["Ola Nordmann", "Olga Petrova"]
    # Accents and case do not matter under three letters either; folded-name order.
    for typed in ("ab", "Áb", "ÁB"):
        found = anon.get(f"/api/v1/customers?q={typed}", headers=agent).json()
        assert [c["name"] for c in found["items"]] == ["Ábel Šťastný"], typed
    assert [
        c["name"] for c in anon.get("/api/v1/customers?q=st", headers=agent).json()["items"]
    ] == ["Štěpán Řezníček"]
    a_names = [c["name"] for c in anon.get("/api/v1/customers?q=a", headers=agent).json()["items"]]
    assert a_names == ["Ábel Šťastný", "Aleš Kos"]
    by_id = anon.get("/api/v1/customers?q=X1", headers=agent).json()
    assert [c["name"] for c in by_id["items"]] == ["Ola Nordmann"]
    by_email = anon.get("/api/v1/customers?q=OLGA@example.ru", headers=agent).json()
    assert [c["name"] for c in by_email["items"]] == ["Olga Petrova"]
