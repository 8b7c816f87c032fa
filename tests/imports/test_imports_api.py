"""REST ingest and export: validation per record, idempotency keys, formula escaping."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.audit.models import AuditEntry
from centricity.customers.models import Customer
from centricity.imports.models import IdempotencyKey
from centricity.kit.time import utcnow

CUSTOMER = {"external_id": "API-1", "name": "Jana Dvořáková", "email": "jana@example.cz"}


def _post(
    client: TestClient,
    headers: dict[str, str],
    body: Any,
    key: str | None = None,
    kind: str = "customers",
) -> Any:
    extra = {"Idempotency-Key": key} if key else {}
    return client.post(f"/api/v1/ingest/{kind}", json=body, headers={**headers, **extra})


def test_it_ingests_one_record_and_reports_counts(
    anon: TestClient, personas: Any, token_for: Any, db: Session
) -> None:
    headers = token_for(personas.bob)
    first = _post(anon, headers, CUSTOMER)
    assert first.status_code == 200
    assert first.json() == {
        "kind": "customers",
        "read": 1,
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
        "errors": [],
    }
    again = _post(anon, headers, CUSTOMER).json()
    assert (again["inserted"], again["unchanged"]) == (0, 1)
    found = anon.get("/api/v1/customers?q=dvorakova", headers=headers).json()
    assert [c["external_id"] for c in found["items"]] == ["API-1"]


def test_a_batch_reports_each_bad_record_and_imports_the_rest(
    anon: TestClient, personas: Any, token_for: Any
) -> None:
    batch = [
        CUSTOMER,
        {"external_id": "API-2", "name": ""},
        {"external_id": "API-3", "name": "Erik", "shoe_size": 44},
        {"external_id": "API-1", "name": "Again"},
    ]
    answer = _post(anon, token_for(personas.bob), batch, key="batch-1")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["read"], body["inserted"], body["quarantined"]) == (4, 1, 3)
    assert body["errors"] == [
        {"index": 1, "reason": "name: required"},
        {"index": 2, "reason": "unknown field(s): shoe_size"},
        {"index": 3, "reason": "duplicate: an earlier row has the same external_id"},
    ]


def test_a_field_a_record_leaves_out_is_kept_even_when_others_in_the_batch_send_it(
    anon: TestClient, personas: Any, token_for: Any, db: Session
) -> None:
    headers = token_for(personas.bob)
    both = [CUSTOMER | {"phone": "+420 601 234 567"}, {"external_id": "API-2", "name": "Erik"}]
    assert _post(anon, headers, both, key="first").json()["inserted"] == 2
    renamed = [
        {"external_id": "API-2", "name": "Erik", "email": "erik@example.se"},
        {"external_id": "API-1", "name": "Jana Nováková"},  # no email, no phone: keep them
        {"external_id": "API-3", "email": "no-name@example.se"},
    ]
    body = _post(anon, headers, renamed, key="second").json()
    assert (body["inserted"], body["updated"], body["quarantined"]) == (0, 2, 1)
    assert body["errors"] == [{"index": 2, "reason": "required field(s) missing: name"}]
    jana = db.scalar(select(Customer).where(Customer.external_id == "API-1"))
    assert jana is not None
    assert (jana.name, jana.email, jana.phone) == (
        "Jana Nováková",
        "jana@example.cz",
        "+420 601 234 567",
    )
    erik = db.scalar(select(Customer).where(Customer.external_id == "API-2"))
    assert erik is not None and erik.email == "erik@example.se"
    too_many = _post(anon, headers, [CUSTOMER] * 10_001, key="big")
    assert too_many.status_code == 413 and "10000" in too_many.json()["detail"]


def test_orders_naming_unknown_customers_are_reported_not_dropped(
    anon: TestClient, personas: Any, token_for: Any
) -> None:
    headers = token_for(personas.bob)
    _post(anon, headers, CUSTOMER)
    orders = [
        {
            "external_id": "O-1",
            "customer_external_id": "API-1",
            "ordered_at": "2025-01-05T10:00:00Z",
            "total_amount": 12.5,
            "currency": "EUR",
        },
        {
            "external_id": "O-2",
            "customer_external_id": "NOPE",
            "ordered_at": "2025-01-05",
            "total_amount": "1,5",
            "currency": "EUR",
        },
    ]
    body = _post(anon, headers, orders, key="orders-1", kind="orders").json()
    assert body["inserted"] == 1
    assert body["errors"] == [
        {"index": 1, "reason": ("total_amount: not a number with at most 2 decimals")}
    ]
    body = _post(anon, headers, [orders[1] | {"total_amount": "1.5"}], key="o2", kind="orders")
    assert body.status_code == 422
    assert body.json()["errors"] == [
        {"field": "[0]", "message": "customer_external_id: no customer with this id"}
    ]


def test_it_answers_request_errors_in_the_api_error_shape(
    anon: TestClient, personas: Any, token_for: Any
) -> None:
    bob = token_for(personas.bob)
    missing_key = _post(anon, bob, [CUSTOMER])
    assert missing_key.status_code == 400 and "Idempotency-Key" in missing_key.json()["detail"]
    assert _post(anon, bob, CUSTOMER, kind="invoices").status_code == 404
    assert _post(anon, bob, {"name": "No id"}).status_code == 422
    assert _post(anon, bob, [], key="empty").status_code == 422
    products = _post(anon, bob, {"external_id": "P-1", "name": "Widget"}, kind="products")
    assert products.status_code == 403  # products need a manager
    manager = _post(
        anon, token_for(personas.alice), {"external_id": "P-1", "name": "W"}, kind="products"
    )
    assert manager.status_code == 200


def test_a_replay_returns_the_stored_answer_and_a_changed_body_is_refused(
    anon: TestClient, personas: Any, token_for: Any, db: Session
) -> None:
    headers = token_for(personas.bob)
    first = _post(anon, headers, [CUSTOMER], key="k-1")
    replay = _post(anon, headers, [CUSTOMER], key="k-1")
    assert replay.status_code == 200 and replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert first.json()["inserted"] == 1  # the replay did not run again (it would say unchanged)
    other = _post(anon, headers, [CUSTOMER | {"name": "Changed"}], key="k-1")
    assert other.status_code == 422
    assert db.scalar(select(Customer.name).where(Customer.external_id == "API-1")) == (
        "Jana Dvořáková"
    )
    runs = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import.ingest")
    assert db.scalar(runs) == 1


def test_a_key_still_running_is_a_conflict_until_it_is_abandoned(
    anon: TestClient, personas: Any, token_for: Any, db: Session
) -> None:
    headers = token_for(personas.bob)
    _post(anon, headers, [CUSTOMER], key="slow")
    row = db.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "slow"))
    assert row is not None
    row.status, row.response_status, row.created_at = "running", None, utcnow()
    db.commit()
    assert _post(anon, headers, [CUSTOMER], key="slow").status_code == 409
    row.created_at = utcnow().replace(year=2000)
    db.commit()
    assert _post(anon, headers, [CUSTOMER], key="slow").status_code == 200


def test_a_key_is_remembered_for_24_hours_and_then_runs_again(
    anon: TestClient, personas: Any, token_for: Any, db: Session
) -> None:
    headers = token_for(personas.bob)
    first = _post(anon, headers, [CUSTOMER], key="daily")
    row = db.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "daily"))
    assert row is not None
    assert timedelta(hours=23, minutes=59) < row.expires_at - row.created_at <= timedelta(hours=24)
    row.created_at, row.expires_at = utcnow() - timedelta(hours=23), utcnow() + timedelta(hours=1)
    db.commit()
    replay = _post(anon, headers, [CUSTOMER], key="daily")
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.json() == first.json()
    row.created_at, row.expires_at = utcnow() - timedelta(hours=25), utcnow() - timedelta(hours=1)
    db.commit()
    again = _post(anon, headers, [CUSTOMER], key="daily")
    assert "Idempotent-Replayed" not in again.headers
    assert (again.json()["inserted"], again.json()["unchanged"]) == (0, 1)


def test_a_token_cannot_replay_another_tokens_key(
    anon: TestClient, personas: Any, token_for: Any
) -> None:
    bob, charlie = token_for(personas.bob), token_for(personas.charlie)
    assert _post(anon, bob, [CUSTOMER], key="shared").json()["inserted"] == 1
    theirs = _post(anon, charlie, [CUSTOMER], key="shared")
    assert theirs.status_code == 200 and "Idempotent-Replayed" not in theirs.headers
    assert (theirs.json()["inserted"], theirs.json()["unchanged"]) == (0, 1)
    different = _post(anon, charlie, [CUSTOMER | {"name": "Other"}], key="shared-2")
    assert different.status_code == 200


def test_exports_escape_formulas_in_csv_and_xlsx(
    anon: TestClient, personas: Any, token_for: Any
) -> None:
    bob = token_for(personas.bob)
    _post(
        anon,
        bob,
        [
            {
                "external_id": "X-1",
                "name": '=HYPERLINK("http://evil")',
                "phone": "+420 601 234 567",
            },
            {"external_id": "X-2", "name": "@SUM(A1)", "email": "plain@example.cz"},
            {"external_id": "X-3", "name": "-2+3"},
        ],
        key="x",
    )
    manager = token_for(personas.alice)
    assert anon.get("/api/v1/exports/customers", headers=bob).status_code == 403
    answer = anon.get("/api/v1/exports/customers?format=csv", headers=manager)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    names = {r["external_id"]: r["name"] for r in rows}
    assert names == {"X-1": '\'=HYPERLINK("http://evil")', "X-2": "'@SUM(A1)", "X-3": "'-2+3"}
    assert {r["phone"] for r in rows} == {"'+420 601 234 567", ""}
    search = anon.get("/api/v1/exports/customers?format=xlsx&q=X-2", headers=manager)
    book = load_workbook(io.BytesIO(search.content))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert values[0][:3] == ["id", "external_id", "name"] and len(values) == 2
    assert values[1][2] == "'@SUM(A1)" and not str(values[1][2]).startswith(("=", "@"))
