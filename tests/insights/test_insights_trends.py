"""Theme trends: counts, shares and scores per period, and the direction of the last periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from centricity.insights import theme_trends, trend_direction

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)


def test_it_counts_shares_and_scores_per_week() -> None:
    times = [MONDAY + timedelta(days=d) for d in (0, 1, 2, 3, 14)]
    table = theme_trends([1, 1, 2, None, 1], times, [6, 8, 2, 9, 10], period="week")
    first = table.filter(theme_id=1).row(0, named=True)
    assert (first["count"], first["total"], first["share"]) == (2, 4, 0.5)
    assert first["mean_score"] == 7.0
    half = 12.7062  # t(0.975, 1 df) × sd √2 / √(2 items)
    assert (first["score_low"], first["score_high"]) == pytest.approx((7 - half, 7 + half))
    weeks = table.filter(theme_id=2)
    assert weeks["count"].to_list() == [1, 0, 0]  # the empty weeks are listed, not skipped
    assert weeks["total"].to_list() == [4, 0, 1]
    assert weeks["share"].to_list()[1] is None and weeks["mean_score"].to_list()[1] is None


def test_its_share_interval_is_wilsons() -> None:
    """Newcombe (1998), table I: 81/263 -> 0.2553 to 0.3662; 0/20 -> 0 to 0.1611."""
    ids = [1] * 81 + [-1] * 182 + [2] * 20
    times = [MONDAY] * 263 + [MONDAY + timedelta(days=1)] * 20
    table = theme_trends(ids, times, period="day")
    row = table.filter(theme_id=1).row(0, named=True)
    assert (row["share_low"], row["share_high"]) == pytest.approx((0.2553, 0.3662), abs=1e-4)
    zero = table.filter(theme_id=2).row(0, named=True)  # theme 2: none of the first day's 263
    assert zero["count"] == 0 and zero["share_low"] == 0.0
    later = [MONDAY] * 20 + [MONDAY + timedelta(days=1)]
    empty = theme_trends([-1] * 20 + [3], later, period="day")
    assert empty.row(0, named=True)["share_high"] == pytest.approx(0.1611, abs=1e-4)


def test_it_tells_rising_from_flat() -> None:
    rng = np.random.default_rng(4)
    days = rng.uniform(0, 70, 20_000)
    draw, rising_share = rng.uniform(size=days.size), 0.05 + 0.15 * days / 70  # 5% to 20%
    ids = np.where(draw < rising_share, 1, np.where(draw < rising_share + 0.2, 2, -1))
    times = np.datetime64("2026-01-05", "us") + (days * 86_400e6).astype("timedelta64[us]")
    trends = trend_direction(theme_trends(ids, times, period="week"), last=8)
    direction = dict(zip(trends["theme_id"], trends["direction"], strict=True))
    assert direction[1] == "rising"
    assert trends.filter(theme_id=1)["slope"].item() == pytest.approx(0.15 / 10, rel=0.25)
    assert direction[2] == "flat"


def test_months_and_too_few_periods() -> None:
    times = [datetime(2026, 1, 31, 23, tzinfo=UTC), datetime(2026, 2, 1, 1, tzinfo=UTC)]
    table = theme_trends([1, 1], times, period="month")
    assert table["period_start"].to_list() == [datetime(2026, 1, 1), datetime(2026, 2, 1)]
    row = trend_direction(table).row(0, named=True)
    assert row["direction"] == "flat" and row["slope"] is None and row["last_vs_before"] == 0.0
    assert theme_trends([], [], period="day").is_empty()
    assert isinstance(theme_trends([], [], period="day"), pl.DataFrame)
