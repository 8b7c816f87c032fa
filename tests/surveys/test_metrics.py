"""NPS, CSAT and CES with their 95 % intervals, against figures worked out by hand."""

from __future__ import annotations

import pytest

from centricity.surveys import metrics


def test_it_computes_nps_and_its_interval_by_hand() -> None:
    # 4 promoters, 2 passives, 4 detractors of 10: NPS 0; var = (.24+.24+2·.16)/10 = .08.
    found = metrics.nps([10, 9, 9, 8, 7, 6, 3, 0, 10, 5])
    assert found is not None
    assert found.value == pytest.approx(0.0)
    assert found.low == pytest.approx(-55.437, abs=1e-3)
    assert found.high == pytest.approx(55.437, abs=1e-3)
    # 6 promoters, 2 detractors: NPS 40; var = (.24+.16+2·.12)/10 = .064 → ±49.584.
    second = metrics.nps([10] * 6 + [7] * 2 + [2] * 2)
    assert second is not None
    assert (second.value, second.low, second.high) == pytest.approx(
        (40.0, -9.584, 89.584), abs=1e-3
    )


def test_it_clips_the_nps_interval_to_its_scale() -> None:
    found = metrics.nps([10, 10, 9])
    assert found is not None
    assert found.value == 100 and found.high == 100 and found.low == 100


def test_it_computes_csat_with_the_wilson_interval() -> None:
    # 3 satisfied of 5: Wilson 95 % is 23.07 %–88.24 % (the normal interval would be
    # 17 %–103 %, past the scale).
    found = metrics.csat([5, 4, 4, 3, 1])
    assert found is not None
    assert found.value == pytest.approx(60.0)
    assert found.low == pytest.approx(23.07, abs=0.01)
    assert found.high == pytest.approx(88.24, abs=0.01)


def test_it_computes_ces_with_the_t_interval() -> None:
    # Mean 4, sd 2, n 3: t(.975, 2) = 4.3027 → ±4.968.
    found = metrics.ces([2, 4, 6])
    assert found is not None
    assert (found.value, found.low, found.high) == pytest.approx((4.0, -0.968, 8.968), abs=1e-3)


def test_it_has_no_figure_without_answers() -> None:
    assert metrics.nps([]) is None and metrics.csat([]) is None and metrics.ces([]) is None
