"""The closed loop's pages: the follow-up section and close form on the case page (in
the viewer's language, no English left), the guard on the case page's own status form,
and who may keep the root causes."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.cases.models import Case
from centricity.surveys.loop.models import RootCause
from closed_loop_helpers import cause_id, unhappy_task
from i18n.test_pages_in_every_language import english_left, english_phrases, visible_text


def _section(html: str) -> str:
    found = re.search(r'<section[^>]*id="follow-up".*?</section>', html, re.S)
    assert found, "no follow-up section"
    return found.group(0)


def _status(db: Session, task: int) -> str:
    db.expire_all()
    return str(db.scalar(select(Case.status).where(Case.id == task)))


def test_the_case_page_refuses_to_solve_without_outcome_and_closes_with_the_form(
    db: Session, anon: TestClient, personas: Any, token_for: Any, browser_for: Any
) -> None:
    task, _ = unhappy_task(
        db, anon, token_for(personas.alice), department_id=personas.bob.department_id
    )
    bob = browser_for(personas.bob)
    page = bob.client.get(f"/cases/{task}")
    assert page.status_code == 200
    section = _section(page.text)
    assert "Nikdo nevolal" in section and 'action="/cases/' in section
    refused = bob.client.post(
        f"/cases/{task}/edit", data={"status": "solved", "csrf_token": bob.csrf}
    )
    assert refused.status_code == 409
    assert "Record the outcome and the root cause" in refused.text
    missing = bob.client.post(
        f"/cases/{task}/follow-up/close", data={"outcome": "reached", "csrf_token": bob.csrf}
    )
    assert missing.status_code == 422 and 'id="fu-cause-error"' in missing.text
    assert _status(db, task) == "new"
    form = {"outcome": "not_reached", "root_cause_id": str(cause_id(db)), "csrf_token": bob.csrf}
    done = bob.client.post(f"/cases/{task}/follow-up/close", data=form)
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{task}"
    assert _status(db, task) == "solved"
    # The close form is refused without the CSRF token.
    no_token = {k: v for k, v in form.items() if k != "csrf_token"}
    assert bob.client.post(f"/cases/{task}/follow-up/close", data=no_token).status_code == 403


def test_the_follow_up_section_speaks_czech(
    db: Session, anon: TestClient, personas: Any, token_for: Any, browser_for: Any
) -> None:
    task, _ = unhappy_task(
        db, anon, token_for(personas.alice), department_id=personas.bob.department_id
    )
    user = db.get(User, personas.bob.id)
    assert user is not None
    user.language = "cs"
    db.commit()
    bob = browser_for(personas.bob)
    section = _section(bob.client.get(f"/cases/{task}").text)
    text = visible_text(section)
    assert "Následný úkol k odpovědi v průzkumu" in text and "Doručení" in text
    assert "zastižen" in text  # the outcome labels
    assert english_left(text, english_phrases("cs")) == []


def test_managers_keep_the_root_causes(
    db: Session, anon: TestClient, personas: Any, token_for: Any, browser_for: Any
) -> None:
    assert browser_for(personas.bob).client.get("/voice/root-causes").status_code == 403
    refused = anon.post(
        "/api/v1/follow-up-root-causes",
        json={"names": {"en": "Packaging"}},
        headers=token_for(personas.bob),
    )
    assert refused.status_code == 403
    alice = browser_for(personas.alice)
    page = alice.client.get("/voice/root-causes")
    assert page.status_code == 200 and "Delivery" in page.text
    empty = alice.client.post("/voice/root-causes", data={"csrf_token": alice.csrf})
    assert empty.status_code == 422
    added = alice.client.post(
        "/voice/root-causes",
        data={"name_en": "Packaging", "name_cs": "Balení", "csrf_token": alice.csrf},
    )
    assert added.status_code == 303
    db.expire_all()
    cause = db.scalars(select(RootCause).where(RootCause.position == 0)).all()
    packaging = [c for c in cause if c.names.get("en") == "Packaging"]
    assert len(packaging) == 1 and packaging[0].names["cs"] == "Balení"
    off = alice.client.post(
        f"/voice/root-causes/{packaging[0].id}",
        data={"name_en": "Packaging", "name_pl": "Opakowanie", "csrf_token": alice.csrf},
    )
    assert off.status_code == 303
    db.expire_all()
    saved = db.get(RootCause, packaging[0].id)
    assert saved is not None and saved.active is False  # unticked: no longer offered
    assert saved.names == {"en": "Packaging", "pl": "Opakowanie"}
    listed = anon.get("/api/v1/follow-up-root-causes", headers=token_for(personas.viewer))
    assert any(item["id"] == saved.id for item in listed.json()["items"])
