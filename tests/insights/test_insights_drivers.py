"""Driver analysis: known effects come back inside their intervals; importance adds up to R²."""

from __future__ import annotations

import numpy as np
import pytest

from centricity.insights import driver_analysis, relative_weights, shapley_r2

EFFECTS = np.array([-2.0, -1.0, 0.0, 0.5, 1.0, -0.3])
CHANNELS = np.array(["web", "mail", "phone"])


def _survey(seed: int, n: int = 6_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores with known theme effects, a phone penalty and noise whose spread differs by
    theme (so ordinary standard errors would be wrong and HC3 is needed)."""
    rng = np.random.default_rng(seed)
    theme = rng.integers(-1, EFFECTS.size, n)
    channel = CHANNELS[rng.choice(3, n, p=[0.5, 0.3, 0.2])]
    spread = np.where(theme >= 0, 1.0 + 0.5 * np.clip(theme, 0, None), 2.0)
    effect = np.where(theme >= 0, EFFECTS[np.clip(theme, 0, None)], 0.0)
    score = 7.0 + effect - 0.5 * (channel == "phone") + rng.normal(0, 1, n) * spread
    return score, theme, channel


def test_its_intervals_cover_the_true_effects() -> None:
    covered, total = 0, 0
    for seed in range(40):
        score, theme, channel = _survey(seed)
        drivers = driver_analysis(score, theme, channel).drivers.sort("theme_id")
        truth = EFFECTS[drivers["theme_id"].to_numpy()]
        inside = (drivers["ci_low"].to_numpy() <= truth) & (truth <= drivers["ci_high"].to_numpy())
        covered += int(inside.sum())
        total += inside.size
    assert 0.90 <= covered / total <= 0.99, covered / total  # nominal 95% of 240 intervals


def test_it_equals_ols_with_hc3_on_the_full_design() -> None:
    score, theme, channel = _survey(1, n=3_000)
    result = driver_analysis(score, theme, channel)
    columns = [np.ones(score.size), channel == "mail", channel == "phone"]
    x = np.column_stack(columns + [theme == t for t in range(EFFECTS.size)]).astype(float)
    beta, *_ = np.linalg.lstsq(x, score, rcond=None)
    residual = score - x @ beta
    inverse = np.linalg.inv(x.T @ x)
    leverage = np.einsum("ij,jk,ik->i", x, inverse, x)
    cov = inverse @ (x.T * (residual / (1 - leverage)) ** 2) @ x @ inverse
    drivers = result.drivers.sort("theme_id")
    assert drivers["effect"].to_numpy() == pytest.approx(beta[3:], abs=1e-10)
    assert drivers["std_error"].to_numpy() == pytest.approx(np.sqrt(np.diag(cov))[3:], rel=1e-9)
    total = (score - score.mean()) @ (score - score.mean())
    assert result.r_squared == pytest.approx(1 - residual @ residual / total, rel=1e-10)
    assert result.dropped == {}


def test_its_importance_adds_up_to_r_squared() -> None:
    score, theme, channel = _survey(2)
    result = driver_analysis(score, theme, channel)
    assert result.shapley_method == "exact"
    weights = result.drivers["relative_weight"].sum() + result.channel_weight
    shapley = result.drivers["shapley"].sum() + result.channel_shapley
    assert weights == pytest.approx(result.r_squared, rel=1e-9)
    assert shapley == pytest.approx(result.r_squared, rel=1e-9)
    ranked = result.drivers["theme_id"].to_list()
    assert ranked[:2] == [0, 1]  # the most negative effects first


def test_two_predictors_by_hand() -> None:
    """r12 = 0.5, r1y = 0.6, r2y = 0.4: R² = (0.36 + 0.16 - 0.24) / 0.75 = 0.37333; Shapley
    gives x1 (0.36 + 0.37333 - 0.16) / 2 = 0.28667 and x2 (0.16 + 0.37333 - 0.36) / 2 =
    0.08667; Johnson's weights, with R^(1/2) = [[0.96593, 0.25882], [0.25882, 0.96593]] and
    beta = R^(-1/2) r = (0.54967, 0.26683), give 0.28667 and 0.08667 as well."""
    corr_xx = [[1.0, 0.5], [0.5, 1.0]]
    corr_xy = [0.6, 0.4]
    shapley, method = shapley_r2(corr_xx, corr_xy)
    assert method == "exact"
    assert shapley == pytest.approx([0.28667, 0.08667], abs=1e-5)
    assert relative_weights(corr_xx, corr_xy) == pytest.approx([0.28667, 0.08667], abs=1e-5)


def test_uncorrelated_predictors_get_their_squared_correlations() -> None:
    rng = np.random.default_rng(5)
    corr_xy = rng.uniform(-0.3, 0.3, 6)
    expected = corr_xy**2
    assert relative_weights(np.eye(6), corr_xy) == pytest.approx(expected, rel=1e-12)
    assert shapley_r2(np.eye(6), corr_xy)[0] == pytest.approx(expected, rel=1e-12)


def test_sampled_shapley_is_close_to_exact() -> None:
    rng = np.random.default_rng(6)
    data = rng.normal(size=(2_000, 14)) @ rng.normal(size=(14, 14)) * 0.3
    outcome = data @ rng.normal(size=14) + rng.normal(size=2_000) * 3
    corr = np.corrcoef(np.column_stack([data, outcome]), rowvar=False)
    exact, _ = shapley_r2(corr[:14, :14], corr[:14, 14], exact_max=14)
    sampled, method = shapley_r2(corr[:14, :14], corr[:14, 14], exact_max=12, seed=1)
    assert method == "sampled: 512 orders"
    assert sampled.sum() == pytest.approx(exact.sum(), rel=1e-10)
    assert np.abs(sampled - exact).max() < 0.02 * exact.sum()


def test_it_marks_a_theme_without_an_effect_and_keeps_its_estimate() -> None:
    score, theme, channel = _survey(3, n=4_000)
    row = driver_analysis(score, theme, channel).drivers.filter(theme_id=2).row(0, named=True)
    assert row["significant"] is False and row["p_value"] > 0.05
    assert row["effect"] != 0 and row["ci_low"] < 0 < row["ci_high"]
    assert row["reason"] is None


def test_it_leaves_out_small_themes_collinear_columns_and_flat_scores() -> None:
    rng = np.random.default_rng(8)
    theme = rng.integers(0, 3, 900)  # every item has a theme: one theme is redundant
    theme[:10] = 7  # a theme of ten items: left out, not made the reference
    score = rng.normal(7, 2, 900)
    result = driver_analysis(score, theme, None, min_items=30)
    assert result.n_items == 890
    reasons = dict(zip(result.drivers["theme_id"], result.drivers["reason"], strict=True))
    assert reasons[7] == "too few items"
    assert reasons[2] == "collinear with intercept, theme=0, theme=1"
    assert result.dropped == {"theme=2": "collinear with intercept, theme=0, theme=1"}
    flat = driver_analysis(np.full(900, 8.0), theme, None)
    assert np.isnan(flat.r_squared)
    assert set(flat.drivers["reason"]) == {"score has no variance", "too few items"}


def test_nps_points_by_hand() -> None:
    """Theme 1: scores 3, 5, 8, 10 (NPS (1 - 2) / 4 = -25); the rest 9, 10, 9, 7, 6, 10 (NPS
    (4 - 1) / 6 = 50); all ten: (5 - 3) / 10 = 20. The theme moves the NPS by 20 - 50 = -30,
    which is its share 0.4 × (-25 - 50)."""
    scores = [3, 5, 8, 10, 9, 10, 9, 7, 6, 10]
    themes = [1, 1, 1, 1, -1, -1, -1, -1, -1, -1]
    row = driver_analysis(scores, themes, metric="nps", min_items=1).drivers.row(0, named=True)
    assert (row["nps_theme"], row["nps_rest"], row["nps_points"]) == pytest.approx((-25, 50, -30))
    assert row["effect"] == pytest.approx(6.5 - 8.5)  # mean 0-10 score, theme vs the rest
    with pytest.raises(ValueError, match="between 0 and 10"):
        driver_analysis([11, 3], [1, 1], metric="nps")


def test_it_gives_no_interval_where_items_fit_exactly_and_handles_no_items() -> None:
    scores = [1, 5, 7, 8, 9, 3, 4]
    result = driver_analysis(scores, [0, 1, 0, -1, -1, -1, 0], min_items=1)
    single = result.drivers.filter(theme_id=1).row(0, named=True)  # one item: leverage 1
    assert single["effect"] == pytest.approx(5 - 20 / 3)
    assert single["std_error"] is None and single["significant"] is None
    assert single["reason"] == "no interval: too few items to estimate it"
    rng = np.random.default_rng(9)
    channel = np.where(np.arange(200) == 0, "fax", "web")  # one fax: its own parameter
    themes = np.arange(200) % 3 - 1
    themes[0] = 0  # the fax item is in theme 0, yet theme 0's estimate does not use it
    lone = driver_analysis(rng.normal(7, 2, 200), themes, channel, min_items=1)
    assert lone.drivers["reason"].to_list() == [None, None]  # the themes' intervals stand
    empty = driver_analysis([], [])
    assert empty.drivers.is_empty() and empty.n_items == 0 and np.isnan(empty.r_squared)
