"""Spike alerts: a theme alerts on a real rise against its own baseline, and noise does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from math import comb
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest

from centricity.insights import spike_alerts
from centricity.insights.spikes import adjust_p_values

AS_OF = datetime(2026, 3, 30, tzinfo=UTC)  # Prague moved to summer time on 29 March
START = np.datetime64("2026-02-23T00:00", "us")  # 35 days before AS_OF
DAY_US = 86_400_000_000


def _items(rng: np.random.Generator, rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poisson items per theme and day (rates: themes × days), at uniform times of the day."""
    counts = rng.poisson(rates)
    themes, days = np.nonzero(counts)
    repeat = counts[themes, days]
    ids = np.repeat(themes, repeat)
    offsets = np.repeat(days, repeat) * DAY_US + rng.integers(0, DAY_US, ids.size)
    return ids, START + offsets.astype("timedelta64[us]")


def _flat_rates(rng: np.random.Generator, themes: int = 200) -> np.ndarray:
    """Steady themes from 0.2 to 30 items a day, the same every day."""
    per_day = np.exp(rng.uniform(np.log(0.2), np.log(30), themes))
    return np.repeat(per_day[:, None], 35, axis=1)


@pytest.mark.parametrize("method", ["share", "rate"])
def test_it_rarely_alerts_on_steady_themes(method: str) -> None:
    runs, alerts, windows_with_alert, tested = 40, 0, 0, 0
    for seed in range(runs):
        rng = np.random.default_rng(seed)
        ids, times = _items(rng, _flat_rates(rng))
        table = spike_alerts(ids, times, as_of=AS_OF, method=method)  # type: ignore[arg-type]
        alerts += int(table["alert"].sum())
        tested += int((table["recent_count"] >= 5).sum())
        windows_with_alert += table.group_by("window").agg(pl.col("alert").any())["alert"].sum()
    # Under no change, Benjamini-Hochberg at 5% keeps P(any alert) <= 5% per window and run:
    # at most 4 of the 80 window runs are expected; twice that is the bound.
    assert windows_with_alert <= 8, (windows_with_alert, alerts)
    assert tested > 5_000  # the themes were tested, not all screened out as too few
    assert alerts / tested < 0.001


def test_it_alerts_on_a_clear_spike() -> None:
    rng = np.random.default_rng(7)
    rates = _flat_rates(rng, themes=50)
    rates[3, :] = 5.0
    rates[3, -1] = 25.0  # the last day: five times the usual
    ids, times = _items(rng, rates)
    table = spike_alerts(ids, times, as_of=AS_OF)
    day = table.filter(window="day", theme_id=3).row(0, named=True)
    assert day["alert"] and day["reason"] is None
    assert day["ratio"] > 3 and day["adjusted_p"] < 0.01
    assert set(table.filter(pl.col("alert"))["theme_id"]) == {3}  # no other theme


def test_it_does_not_alert_below_the_minimum_count() -> None:
    baseline = [AS_OF - timedelta(days=d, hours=5) for d in (2, 5)]
    recent = [AS_OF - timedelta(hours=h) for h in (1, 2, 3, 4)]
    table = spike_alerts([1] * 6, baseline + recent, as_of=AS_OF, method="rate")
    day = table.filter(window="day").row(0, named=True)
    assert day["recent_count"] == 4 and day["baseline_count"] == 2
    assert day["p_value"] < 0.05  # unlikely, yet four items are too few to alert
    assert not day["alert"] and day["reason"] == "too few"


def test_it_ignores_a_rise_of_every_theme_when_comparing_shares() -> None:
    rng = np.random.default_rng(11)
    rates = _flat_rates(rng, themes=30) + 5
    rates[:, -7:] *= 2  # a busy week for everything
    ids, times = _items(rng, rates)
    by_share = spike_alerts(ids, times, as_of=AS_OF, method="share")
    by_rate = spike_alerts(ids, times, as_of=AS_OF, method="rate")
    assert by_share.filter(window="week")["alert"].sum() == 0
    assert by_rate.filter(window="week")["alert"].sum() > 20  # raw counts did double


def test_its_p_value_is_the_binomial_tail() -> None:
    """6 items in the last day and 7 in the 7 before: P(X >= 6), X ~ Binomial(13, 1/8)."""
    times = [AS_OF - timedelta(hours=3)] * 6 + [AS_OF - timedelta(days=3)] * 7
    row = spike_alerts([0] * 13, times, as_of=AS_OF, method="rate").row(0, named=True)
    tail = sum(comb(13, k) * (1 / 8) ** k * (7 / 8) ** (13 - k) for k in range(6, 14))
    assert row["p_value"] == pytest.approx(tail, rel=1e-9)
    assert row["p_value"] == pytest.approx(0.00298, abs=5e-6)  # as docs/insights.md shows
    assert row["expected_count"] == pytest.approx(13 / 8)
    assert row["ratio"] == pytest.approx(6 / 1)  # 6 a day against 1 a day


def test_its_fisher_p_value_counts_every_item() -> None:
    """Theme 0: 5 of 6 recent items, 1 of 10 baseline items: hypergeometric tail by hand."""
    recent = [AS_OF - timedelta(hours=2)] * 6
    baseline = [AS_OF - timedelta(days=4)] * 10
    ids = [0] * 5 + [-1] + [0] + [None] * 9
    row = spike_alerts(ids, recent + baseline, as_of=AS_OF).row(0, named=True)
    tail = sum(comb(6, k) * comb(10, 6 - k) for k in range(5, 7)) / comb(16, 6)
    assert row["p_value"] == pytest.approx(tail, rel=1e-9)
    assert row["p_value"] == pytest.approx(0.00762, abs=5e-6)  # as docs/insights.md shows
    assert row["ratio"] == pytest.approx((5 / 6) / (1 / 10))


def test_its_windows_are_elapsed_time_whatever_the_zone() -> None:
    prague = ZoneInfo("Europe/Prague")
    rng = np.random.default_rng(3)
    ids, times = _items(rng, _flat_rates(rng, themes=20))
    as_utc = [datetime.fromisoformat(str(t)).replace(tzinfo=UTC) for t in times]
    local = [t.astimezone(prague) for t in as_utc]
    expected = spike_alerts(ids, times, as_of=AS_OF)
    assert spike_alerts(ids, local, as_of=AS_OF.astimezone(prague)).equals(expected)
    assert spike_alerts(ids, pl.Series(local), as_of=AS_OF).equals(expected)
    # the last local "day" before 30 March 00:00 in Prague held only 23 hours; ours is 24
    edge = [AS_OF - timedelta(hours=23, minutes=30), AS_OF - timedelta(hours=24, minutes=30)]
    row = spike_alerts([1, 1], edge, as_of=AS_OF).row(0, named=True)
    assert (row["recent_count"], row["baseline_count"]) == (1, 1)


def test_it_reports_themes_without_items_and_short_history() -> None:
    times = [AS_OF - timedelta(hours=1)] * 8 + [AS_OF - timedelta(days=d) for d in range(2, 9)]
    ids = [2] * 8 + [None] * 7  # a week of other feedback, then theme 2 appears
    start = AS_OF - timedelta(days=10)
    table = spike_alerts(ids, times, as_of=AS_OF, themes=np.array([9]), history_start=start)
    assert table.filter(theme_id=9)["reason"].to_list() == ["no items", "short history"]
    day = table.filter(window="day", theme_id=2).row(0, named=True)
    assert day["alert"] and day["ratio"] is None  # nothing before: an unbounded ratio
    assert table.filter(window="week")["alert"].sum() == 0  # 35 days not yet seen


def test_benjamini_hochberg_by_hand() -> None:
    adjusted = adjust_p_values(np.array([0.01, 0.04, 0.03, 0.5]))
    assert adjusted == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    assert adjust_p_values(np.array([0.01, 0.3]), "bonferroni") == pytest.approx([0.02, 0.6])
