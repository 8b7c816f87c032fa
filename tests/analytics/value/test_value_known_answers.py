"""Published CDNOW figures, reproduced from the raw transaction file.

Fader, Hardie & Lee (2005) and the Fader & Hardie notes report, on the 2,357-customer CDNOW
sample with a 39-week calibration period ending 1997-09-30 (weekly units):
BG/NBD r=0.2426 alpha=4.414 a=0.7929 b=2.426 (LL -9582.4); Pareto/NBD r=0.553 alpha=10.58
s=0.606 beta=11.67 (LL -9595.0); Gamma-Gamma p=6.25 q=3.74 gamma=15.44.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from scipy.special import gammaln

from centricity.analytics.value import (
    BGNBDModel,
    GammaGammaModel,
    ParetoNBDModel,
    summary_from_transactions,
)
from centricity.analytics.value._pareto_likelihood import negative_log_likelihood, profiles
from centricity.analytics.value.pareto_nbd import _log_interval

CALIBRATION_END = date(1997, 9, 30)


@pytest.fixture(scope="module")
def summary(cdnow_transactions: pl.DataFrame) -> pl.DataFrame:
    return summary_from_transactions(cdnow_transactions, calibration_end=CALIBRATION_END)


@pytest.fixture(scope="module")
def bgnbd(summary: pl.DataFrame) -> BGNBDModel:
    return BGNBDModel().fit(summary["frequency"], summary["recency"], summary["T"])


@pytest.fixture(scope="module")
def pareto(summary: pl.DataFrame) -> ParetoNBDModel:
    return ParetoNBDModel().fit(summary["frequency"], summary["recency"], summary["T"])


def assert_params(params: dict[str, float], expected: dict[str, float], rel: float) -> None:
    for name, value in expected.items():
        assert params[name] == pytest.approx(value, rel=rel), name


def assert_published(params: dict[str, float], published: dict[str, str]) -> None:
    """Agree to the stated digits: within 1e-3 relative or half a unit of the last digit."""
    for name, stated in published.items():
        decimals = len(stated.partition(".")[2])
        tolerance = max(1e-3 * float(stated), 0.5 * 10.0**-decimals)
        assert params[name] == pytest.approx(float(stated), abs=tolerance), name


def test_it_builds_the_published_calibration_summary_from_raw_transactions(
    summary: pl.DataFrame, cdnow_reference: pl.DataFrame
) -> None:
    assert summary.height == 2357
    assert summary["customer_id"].to_list() == list(range(1, 2358))
    np.testing.assert_array_equal(summary["frequency"], cdnow_reference["x"])
    np.testing.assert_allclose(summary["recency"], cdnow_reference["t_x"], atol=0.005)
    np.testing.assert_allclose(summary["T"], cdnow_reference["T"], atol=0.005)
    np.testing.assert_allclose(summary["monetary_value"], cdnow_reference["zbar"], atol=0.005)
    assert summary["T"].max() == pytest.approx(272 / 7)


def test_it_reproduces_the_published_bgnbd_estimates(bgnbd: BGNBDModel) -> None:
    assert_published(bgnbd.params_, {"r": "0.2426", "alpha": "4.414", "a": "0.7929", "b": "2.426"})
    assert bgnbd.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)


def test_it_reproduces_the_bgnbd_estimates_from_the_ready_made_summary(
    cdnow_dir: object, cdnow_reference: pl.DataFrame, bgnbd: BGNBDModel
) -> None:
    ref = cdnow_reference
    model = BGNBDModel().fit(ref["x"], ref["t_x"], ref["T"])
    assert_params(model.params_, bgnbd.params_, 2e-3)


def test_it_reproduces_the_bgnbd_conditional_expectation_of_fader_hardie_lee(
    bgnbd: BGNBDModel,
) -> None:
    # "Implementing the BG/NBD model in Excel": customer with x=2, t_x=30.43, T=38.86
    expected = bgnbd.expected_purchases(39, [2], [30.43], [38.86])
    assert expected[0] == pytest.approx(1.226, abs=5e-4)
    assert bgnbd.probability_alive([2], [30.43], [38.86])[0] == pytest.approx(0.7266, abs=5e-4)


def test_it_reproduces_the_published_pareto_nbd_estimates(pareto: ParetoNBDModel) -> None:
    expected = {"r": "0.553", "alpha": "10.58", "s": "0.606", "beta": "11.67"}
    assert_published(pareto.params_, expected)
    assert pareto.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)


def test_it_matches_lifetimes_pareto_nbd_estimates_at_a_tight_tolerance(
    pareto: ParetoNBDModel,
) -> None:
    # lifetimes 0.11.3 ParetoNBDFitter().fit(..., tol=1e-10) on the same data; at its default
    # tol=1e-4 its estimates move from run to run in the fourth or fifth digit
    expected = {"r": 0.5532770375, "alpha": 10.57768335, "s": 0.6062399803, "beta": 11.66873569}
    assert_params(pareto.params_, expected, 1e-6)


def test_it_gives_pareto_nbd_standard_errors_from_the_curvature_at_the_optimum(
    pareto: ParetoNBDModel,
) -> None:
    # central second differences of the hyp2f1 closed-form likelihood in log-parameters give
    # r 0.0476278, alpha 0.842721, s 0.187279, beta 6.21104 (difference error ~1e-5)
    expected = {"r": 0.0476279, "alpha": 0.842723, "s": 0.187281, "beta": 6.21111}
    assert_params(pareto.standard_errors_, expected, 2e-5)


def test_it_agrees_between_the_series_likelihood_and_the_hyp2f1_closed_form(
    summary: pl.DataFrame, pareto: ParetoNBDModel
) -> None:
    x, t_x, T = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    params = np.array(list(pareto.params_.values()))
    data = profiles(x, t_x, T, np.ones(x.size))
    series_value, _, _ = negative_log_likelihood(np.log(params), data)
    r, alpha, s, beta = params
    log_first = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    closed = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    closed = closed + np.logaddexp(log_first, _log_interval(params, x, t_x, T))
    assert -series_value == pytest.approx(closed.sum(), rel=1e-12)


def test_it_reproduces_the_published_gamma_gamma_estimates(summary: pl.DataFrame) -> None:
    model = GammaGammaModel().fit(summary["frequency"], summary["monetary_value"])
    assert_published(model.params_, {"p": "6.25", "q": "3.74", "gamma": "15.44"})
    repeat = summary.filter(pl.col("frequency") > 0)
    same = GammaGammaModel().fit(repeat["frequency"], repeat["monetary_value"])
    assert same.params_ == model.params_


def test_it_matches_lifetimes_standard_errors_for_bgnbd(bgnbd: BGNBDModel) -> None:
    # lifetimes 0.11.3 BetaGeoFitter on the same data (autograd Hessian)
    expected = {"r": 0.012557, "alpha": 0.37822, "a": 0.18572, "b": 0.70534}
    assert_params(bgnbd.standard_errors_, expected, 2e-3)
