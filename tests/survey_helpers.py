"""Shared setup of the survey tests: a survey through the API, a customer, a link."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from centricity.customers import service as customers
from centricity.customers.schemas import CustomerCreate


def make_customer(db: Session, name: str = "Anna Kowalska", **fields: Any) -> int:
    """A committed customer (Polish by default) and its id."""
    data = CustomerCreate(name=name, **fields)
    customer = customers.create(db, data=data, actor=None)
    db.commit()
    return customer.id


def make_survey(client: TestClient, headers: dict[str, str], **fields: Any) -> int:
    """Create a survey through the API and return its id."""
    body = {"name": "After-sales NPS", "kind": "nps", "languages": ["en", "pl", "cs"], **fields}
    response = client.post("/api/v1/surveys", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def invite(
    client: TestClient, headers: dict[str, str], survey_id: int, customer_id: int, **fields: Any
) -> Any:
    """POST an invitation; the raw response."""
    body = {"customer_id": customer_id, **fields}
    return client.post(f"/api/v1/surveys/{survey_id}/invitations", json=body, headers=headers)


def link_path(client: TestClient, headers: dict[str, str], survey_id: int, customer_id: int) -> str:
    """A new link's path (`/s/TOKEN`)."""
    response = invite(client, headers, survey_id, customer_id)
    assert response.status_code == 201, response.text
    url = str(response.json()["url"])
    return "/s/" + url.rsplit("/s/", 1)[1]
