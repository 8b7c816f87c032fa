"""The Themes and Drivers sections of the Voice page and the theme page: themes with their
figures and links to their verbatims, the drivers chart and table, the themes by value tier,
the feedback list filtered by theme and sentiment, and the managers' forms (rename, owner,
keyword rules, merge, split) with their refusals."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centricity.config import Settings
from centricity.feedback.analysis import insights, segments
from centricity.feedback.analysis.models import Theme
from centricity.feedback.models import FeedbackItem
from theme_data import analysed_store


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _largest(db: Session) -> Theme:
    theme = db.scalar(select(Theme).where(Theme.status == "active").order_by(Theme.size.desc()))
    assert theme is not None
    return theme


def test_it_shows_the_themes_drivers_and_tiers_on_the_voice_page(
    db: Session, settings: Settings, personas: Any, browser_for: Any
) -> None:
    result = analysed_store(db, settings)
    db.commit()
    page = browser_for(personas.viewer).client.get("/voice")
    assert page.status_code == 200
    html = page.text
    themes = db.scalars(select(Theme).where(Theme.status == "active")).all()
    assert len(themes) == result.themes
    for theme in themes:
        assert f'href="/feedback?theme_id={theme.id}"' in html
        assert f'href="/voice/themes/{theme.id}"' in html
    assert "In no theme:" in html
    spec = re.search(r'<script type="application/json" id="chart-drivers">(.*?)</script>', html)
    assert spec, "the drivers chart is drawn from its JSON block"
    bars = json.loads(spec.group(1))["data"][0]
    found = insights.drivers(db, metric="nps", language="en")
    drawn = [d for d in found.items if d.effect is not None]
    assert bars["customdata"] == [f"/feedback?theme_id={d.theme_id}" for d in drawn]
    grey = [c == "#9e9e9e" for c in bars["marker"]["color"]]
    assert grey == [not d.significant for d in drawn]
    # The table marks each non-significant driver (the explanation above it names them too).
    marked = html.count('<span class="muted">not significant</span>')
    assert marked == sum(grey)
    assert "R² = " in html


def test_the_feedback_list_filtered_by_theme_shows_only_its_items(
    db: Session, settings: Settings, personas: Any, browser_for: Any
) -> None:
    analysed_store(db, settings)
    db.commit()
    theme = _largest(db)
    client = browser_for(personas.viewer).client
    page = client.get(f"/feedback?theme_id={theme.id}").text
    inside = db.scalars(select(FeedbackItem).where(FeedbackItem.theme_id == theme.id)).all()
    outside = db.scalars(
        select(FeedbackItem).where(
            (FeedbackItem.theme_id != theme.id) | FeedbackItem.theme_id.is_(None)
        )
    ).all()
    shown = set(re.findall(r'<tr id="fb(\d+)"', page))
    assert len(shown) == min(len(inside), 50) and f"{len(inside)} items" in page
    assert shown <= {str(item.id) for item in inside}
    assert not shown & {str(item.id) for item in outside}
    negative = client.get(f"/feedback?theme_id={theme.id}&sentiment=negative").text
    expected = {str(i.id) for i in inside if i.sentiment == "negative"}
    assert 0 < len(expected) <= 50
    assert set(re.findall(r'<tr id="fb(\d+)"', negative)) == expected
    assert f'<option value="{theme.id}" selected' in page


def test_the_themes_by_tier_put_the_best_tier_first(db: Session, settings: Settings) -> None:
    analysed_store(db, settings)
    table = segments.themes_by_group(db, language="en")
    # No value run in this store: every item falls under "unknown", counted in full.
    assert table.groups == ["unknown"]
    themed = db.scalar(select(func.count()).where(FeedbackItem.theme_id.is_not(None)))
    assert sum(row.total for row in table.rows) == themed
    totals = [row.cells["unknown"].items for row in table.rows]
    assert totals == sorted(totals, reverse=True)


def test_a_manager_renames_sets_owner_and_rules_and_a_viewer_cannot(
    db: Session, settings: Settings, personas: Any, browser_for: Any
) -> None:
    analysed_store(db, settings)
    db.commit()
    theme = _largest(db)
    alice = browser_for(personas.alice).client
    page = alice.get(f"/voice/themes/{theme.id}").text
    token = _csrf(page)
    answer = alice.post(
        f"/voice/themes/{theme.id}/name",
        data={"csrf_token": token, "name": "Late parcels"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert "Late parcels" in alice.get("/voice").text
    answer = alice.post(
        f"/voice/themes/{theme.id}/owner",
        data={"csrf_token": token, "owner_user_id": str(personas.bob.id)},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    answer = alice.post(
        f"/voice/themes/{theme.id}/keywords",
        data={"csrf_token": token, "keywords": "parcel late\n\nparcel late\ncourier"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    db.expire_all()
    theme = db.get(Theme, theme.id)
    assert theme is not None
    assert (theme.name, theme.owner_user_id) == ("Late parcels", personas.bob.id)
    assert len(theme.keywords) == 2
    refused = alice.post(
        f"/voice/themes/{theme.id}/name", data={"csrf_token": token, "name": "   "}
    )
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    refused = alice.post(
        f"/voice/themes/{theme.id}/owner", data={"csrf_token": token, "owner_user_id": "999999"}
    )
    assert refused.status_code == 422
    cleared = alice.post(
        f"/voice/themes/{theme.id}/name",
        data={"csrf_token": token, "name": "", "clear": "1"},
        follow_redirects=False,
    )
    assert cleared.status_code == 303
    db.expire_all()
    assert db.get(Theme, theme.id).name is None  # type: ignore[union-attr]
    viewer = browser_for(personas.viewer).client
    assert 'action="/voice/themes/' not in viewer.get(f"/voice/themes/{theme.id}").text


def test_a_manager_merges_and_splits_a_theme(
    db: Session, settings: Settings, personas: Any, browser_for: Any
) -> None:
    analysed_store(db, settings)
    db.commit()
    first, second = db.scalars(
        select(Theme).where(Theme.status == "active").order_by(Theme.size.desc()).limit(2)
    ).all()
    moved = db.scalar(select(func.count()).where(FeedbackItem.theme_id == second.id))
    kept = db.scalar(select(func.count()).where(FeedbackItem.theme_id == first.id))
    alice = browser_for(personas.alice).client
    token = _csrf(alice.get(f"/voice/themes/{second.id}").text)
    answer = alice.post(
        f"/voice/themes/{second.id}/merge",
        data={"csrf_token": token, "into": str(first.id)},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/voice/themes/{first.id}"
    db.expire_all()
    assert db.scalar(select(func.count()).where(FeedbackItem.theme_id == first.id)) == (
        (kept or 0) + (moved or 0)
    )
    assert "merged" in alice.get(f"/voice/themes/{second.id}").text
    refused = alice.post(
        f"/voice/themes/{first.id}/merge", data={"csrf_token": token, "into": "nothing"}
    )
    assert refused.status_code == 422
    answer = alice.post(
        f"/voice/themes/{first.id}/split", data={"csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303
    new_id = int(answer.headers["location"].rsplit("/", 1)[1])
    assert new_id not in (first.id, second.id)
    db.expire_all()
    in_new = db.scalar(select(func.count()).where(FeedbackItem.theme_id == new_id)) or 0
    in_first = db.scalar(select(func.count()).where(FeedbackItem.theme_id == first.id)) or 0
    assert in_new > 0 and in_first > 0
    assert in_new + in_first == (kept or 0) + (moved or 0)
