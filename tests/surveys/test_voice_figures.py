"""The Voice figures by group, against numbers worked out by hand on the store of
`voice_data` (its table says which answer falls in which group)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from centricity.surveys import breakdown, metrics, voice
from centricity.surveys.breakdown import GroupBy
from centricity.surveys.voice_filters import period_of
from voice_data import VoiceStore, fill


@pytest.fixture()
def store(db: Session, personas: Any) -> VoiceStore:
    return fill(
        db, department_a=personas.bob.department_id, department_b=personas.charlie.department_id
    )


def _by_key(db: Session, group_by: GroupBy, **options: Any) -> dict[str, breakdown.Group]:
    return {g.key: g for g in breakdown.groups(db, group_by=group_by, **options)}


def _triple(estimate: metrics.Estimate | None) -> tuple[float, float, float] | None:
    return None if estimate is None else (estimate.value, estimate.low, estimate.high)


def test_it_groups_by_month(db: Session, store: VoiceStore) -> None:
    groups = breakdown.groups(db, group_by=GroupBy.MONTH)
    assert [(g.key, g.responses) for g in groups] == [("2026-10", 7), ("2026-11", 5)]
    october, november = groups
    # October NPS 10, 9, 3, 7: p₊ = .5, p₋ = .25 → 25; var = (.25 + .1875 + 2·.125)/4
    # = .171875 → ±1.96·.41458·100 = ±81.26 → −56.26…106.26, clipped to 100.
    assert _triple(october.nps) == pytest.approx((25.0, -56.256, 100.0), abs=1e-3)
    # October CES 2, 4, 6: mean 4, sd 2, t(.975, 2) = 4.3027 → ±4.968.
    assert _triple(october.ces) == pytest.approx((4.0, -0.968, 8.968), abs=1e-3)
    assert october.csat is None and october.answered("nps") == 4
    # November NPS 10, 0: p₊ = p₋ = .5 → 0; var = (.25 + .25 + .5)/2 = .5 → ±138.6,
    # clipped to −100…100.
    assert _triple(november.nps) == pytest.approx((0.0, -100.0, 100.0), abs=1e-3)
    # November CSAT 5, 4, 2: 2 of 3 satisfied; Wilson with z² = 3.8415: centre
    # (.6667 + .6402)/2.2805 = .5731, half 1.96·√(.0741 + .1067)/2.2805 = .3654.
    assert _triple(november.csat) == pytest.approx((66.667, 20.766, 93.851), abs=1e-3)


def test_it_groups_by_week_within_a_period(db: Session, store: VoiceStore) -> None:
    period = period_of(date(2026, 11, 1), date(2026, 11, 30))
    groups = breakdown.groups(db, group_by=GroupBy.WEEK, period=period)
    # 3 and 4 November fall in the week of Monday 2 November, 10–12 November in that of
    # Monday 9 November; October's answers are outside the period.
    assert [(g.key, g.responses) for g in groups] == [("2026-11-02", 2), ("2026-11-09", 3)]
    assert groups[0].answered("nps") == 2 and groups[1].answered("csat") == 3
    just_the_end = period_of(date(2026, 11, 12), date(2026, 11, 12))
    assert [
        g.responses for g in breakdown.groups(db, group_by=GroupBy.WEEK, period=just_the_end)
    ] == [1]


def test_it_groups_by_the_latest_value_runs_tier_and_segment(
    db: Session, store: VoiceStore
) -> None:
    tiers = _by_key(db, GroupBy.TIER)
    # The older run's Bronze/Hibernating must not show: only the latest run counts.
    assert list(tiers) == ["Gold", "Silver", "unknown"]
    assert {k: g.responses for k, g in tiers.items()} == {"Gold": 4, "Silver": 4, "unknown": 4}
    # Gold (c1): NPS 10, 9 → 100 with no spread; CSAT 5 alone: Wilson 20.66 %–100 %.
    assert _triple(tiers["Gold"].nps) == pytest.approx((100.0, 100.0, 100.0))
    assert _triple(tiers["Gold"].csat) == pytest.approx((100.0, 20.655, 100.0), abs=1e-3)
    assert _triple(tiers["Gold"].ces) == pytest.approx((2.0, 2.0, 2.0))
    # Silver (c2): NPS 3, 7: p₋ = .5 → −50; var = .25/2 = .125 → ±69.30 → −100…19.30.
    assert _triple(tiers["Silver"].nps) == pytest.approx((-50.0, -100.0, 19.295), abs=1e-3)
    # unknown: c3 (not scored) and the erased customer: NPS 10, 0 → 0; CSAT 2 alone → 0 %
    # with Wilson 0 %–79.35 %; CES 6.
    assert _triple(tiers["unknown"].csat) == pytest.approx((0.0, 0.0, 79.345), abs=1e-3)
    assert tiers["unknown"].answered("nps") == 2
    segments = _by_key(db, GroupBy.SEGMENT)
    assert {k: g.responses for k, g in segments.items()} == {
        "Champions": 4,
        "Loyal": 4,
        "unknown": 4,
    }
    assert breakdown.label(segments["Champions"]) == "Champions"


def test_it_groups_by_the_department_of_what_the_survey_was_about(
    db: Session, store: VoiceStore
) -> None:
    groups = _by_key(db, GroupBy.DEPARTMENT)
    a, b = str(store.department_a), str(store.department_b)
    # A: answer 1 (case1), 8 (case3), 10–12 (survey Returns of A); B: 3 (case2), 5 (the
    # contact), 7 and 9 (survey Chat of B); unknown: 2, 4, 6 (NPS survey of no department).
    assert {k: g.responses for k, g in groups.items()} == {a: 5, b: 4, "unknown": 3}
    assert list(groups)[-1] == "unknown"
    assert groups[a].name == "Department A"
    # B: NPS 3, 10 → 0, ±138.6 clipped; CSAT 5, 2 → 50 %, Wilson 9.45 %–90.55 %.
    assert _triple(groups[b].nps) == pytest.approx((0.0, -100.0, 100.0), abs=1e-3)
    assert _triple(groups[b].csat) == pytest.approx((50.0, 9.453, 90.547), abs=1e-3)
    # unknown: NPS 9, 7, 0: p₊ = p₋ = 1/3 → 0; var = (2/9 + 2/9 + 2/9)/3 = .2222 → ±92.39.
    assert _triple(groups["unknown"].nps) == pytest.approx((0.0, -92.394, 92.394), abs=1e-3)


def test_it_groups_by_channel_else_by_how_the_customer_was_asked(
    db: Session, store: VoiceStore
) -> None:
    groups = _by_key(db, GroupBy.CHANNEL)
    assert {k: g.responses for k, g in groups.items()} == {
        "survey_link": 6,  # answers 4, 6, 7, 10, 11, 12
        "chat": 2,  # 3 (case2), 8 (case3)
        "survey_email": 2,  # 2, 9
        "phone": 1,  # 1 (case1)
        "email": 1,  # 5 (the contact)
    }
    # survey_link NPS 7, 0: p₋ = .5 → −50, −100…19.30; CES 2, 4, 6 → 4.0.
    assert _triple(groups["survey_link"].nps) == pytest.approx((-50.0, -100.0, 19.295), abs=1e-3)
    assert _triple(groups["chat"].nps) == pytest.approx((-100.0, -100.0, -100.0))
    assert breakdown.label(groups["survey_link"]) == "survey link"


def test_it_groups_by_survey(db: Session, store: VoiceStore) -> None:
    groups = _by_key(db, GroupBy.SURVEY)
    nps, csat, ces = (str(store.surveys[k]) for k in ("nps", "csat", "ces"))
    assert [groups[k].name for k in (nps, csat, ces)] == ["Dostawa", "Czat", "Zwroty"]
    # Delivery: 10, 9, 3, 7, 10, 0: p₊ = 3/6, p₋ = 2/6 → 16.67; var = (.25 + .2222 +
    # 2·.1667)/6 = .13426 → ±71.82.
    assert _triple(groups[nps].nps) == pytest.approx((16.667, -55.149, 88.483), abs=1e-3)
    assert _triple(groups[csat].csat) == pytest.approx((66.667, 20.766, 93.851), abs=1e-3)
    assert _triple(groups[ces].ces) == pytest.approx((4.0, -0.968, 8.968), abs=1e-3)
    one = breakdown.groups(db, group_by=GroupBy.SURVEY, survey_id=store.surveys["csat"])
    assert [g.key for g in one] == [csat]


def test_erased_answers_count_under_unknown_and_in_the_total(
    db: Session, store: VoiceStore
) -> None:
    tiers = _by_key(db, GroupBy.TIER)
    total = breakdown.total(list(tiers.values()))
    # 12 answers, 2 of them erased (6: NPS 0, 9: CSAT 2): all twelve count.
    assert total.responses == 12
    assert _triple(total.nps) == pytest.approx((16.667, -55.149, 88.483), abs=1e-3)
    found = metrics.figures(db)
    assert found.responses == 12
    assert _triple(found.nps) == pytest.approx(_triple(total.nps))


def test_the_overall_figures_count_follow_ups_in_one_query(db: Session, store: VoiceStore) -> None:
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.get_bind(), "before_cursor_execute", listen)
    try:
        found = metrics.figures(db)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", listen)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    # Two follow-up tasks (answers 3 and 6), one solved: closed-loop rate 1/2.
    assert (found.follow_ups, found.closed_loop_rate) == (2, 0.5)
    november = metrics.figures(db, period=period_of(date(2026, 11, 1), date(2026, 11, 30)))
    assert (november.responses, november.follow_ups, november.closed_loop_rate) == (5, 1, 0.0)
    assert november.ces is None


def test_the_survey_figures_read_the_answers_from_indexes_alone(
    db: Session, store: VoiceStore
) -> None:
    """On SQLite the Voice page's counts by survey and by month never read the answers' or
    invitations' tables row by row (at 100,000 answers that was 80–180 ms a query)."""
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plans")
    executed: list[tuple[str, Any]] = []
    listen = lambda *args: executed.append((args[2], args[3]))  # noqa: E731
    event.listen(db.get_bind(), "before_cursor_execute", listen)
    try:
        breakdown.groups(db, group_by=GroupBy.MONTH)
        voice.survey_rows(db)
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", listen)
    plans = [
        " | ".join(
            row[3] for row in db.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
        )
        for sql, params in executed
        if "survey_responses" in sql or "survey_invitations" in sql
    ]
    assert len(plans) == 3, plans  # answers by month; invitations; answers by survey and score
    for plan in plans:
        assert "survey_responses" in plan or "survey_invitations" in plan, plan
        reads = [step for step in plan.split(" | ") if "survey_" in step]
        assert reads and all(
            "COVERING INDEX" in step or "ix_survey_responses_survey_score_finished" in step
            for step in reads
        ), plan
