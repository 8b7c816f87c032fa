"""Relative importance of correlated predictors: how much of R² each one accounts for.

Both methods split the model's R² among the predictors so the parts add up to R², and
both share it fairly between predictors that overlap (two themes that often come
together), which raw regression coefficients do not. They work on correlations only:
``corr_xx``, the predictors' correlation matrix, and ``corr_xy``, each predictor's
correlation with the outcome (a linear model with an intercept has R² = r' R⁻¹ r).

* Johnson's relative weights (Johnson 2000, Multivariate Behavioral Research 35(1)):
  regress the outcome on the orthogonal variables Z = X R^(-1/2) that are closest to the
  predictors, then give each predictor the squared weights of the Z it is made of:
  ε_j = Σ_k (R^(1/2))_jk² β_k², with β = R^(-1/2) r.
* The Shapley decomposition of R² (Lipovetsky & Conklin 2001; "dominance analysis",
  Budescu 1993, averages the same increments by subset size): each predictor's R² gain
  when added, averaged over every order of adding them. Exact over all 2^P subsets up to
  ``exact_max`` players; beyond that, averaged over random orders (Castro, Gómez & Tejada
  2009), each order together with its reverse, from a seeded generator so a run repeats.
"""

from __future__ import annotations

from math import factorial

import numpy as np
import numpy.typing as npt
from scipy import linalg

from centricity.insights._inputs import FloatArray, IntArray

EXACT_MAX = 12  # 2^12 = 4,096 subsets, a few hundred milliseconds
PERMUTATIONS = 256


def relative_weights(corr_xx: npt.ArrayLike, corr_xy: npt.ArrayLike) -> FloatArray:
    """Johnson's relative weights of each predictor; they sum to the model's R².

    ``corr_xx`` must be non-singular (drop perfectly collinear predictors first).
    """
    matrix = np.asarray(corr_xx, dtype=np.float64)
    target = np.asarray(corr_xy, dtype=np.float64)
    eigenvalues, vectors = np.linalg.eigh(matrix)
    roots = np.sqrt(np.clip(eigenvalues, 0.0, None))
    half = (vectors * roots) @ vectors.T  # R^(1/2), symmetric
    beta = vectors @ ((vectors.T @ target) / roots)  # R^(-1/2) r
    weights: FloatArray = (half**2) @ (beta**2)
    return weights


def r_squared(corr_xx: FloatArray, corr_xy: FloatArray, columns: IntArray) -> float:
    """R² of the outcome on the given predictor columns: r_S' R_SS⁻¹ r_S (0 for none)."""
    if columns.size == 0:
        return 0.0
    r = corr_xy[columns]
    return float(r @ np.linalg.solve(corr_xx[np.ix_(columns, columns)], r))


def shapley_r2(
    corr_xx: npt.ArrayLike,
    corr_xy: npt.ArrayLike,
    groups: npt.ArrayLike | None = None,
    *,
    exact_max: int = EXACT_MAX,
    permutations: int = PERMUTATIONS,
    seed: int = 0,
) -> tuple[FloatArray, str]:
    """Shapley values of R² per player, and how they were computed ("exact" or "sampled: N
    orders").

    ``groups`` gives each predictor column its player (0..P-1), so a set of columns such as
    the channel dummies enters and leaves the model together; by default every column is a
    player. The values always sum to the full model's R² (exactly, also when sampled).
    """
    matrix = np.asarray(corr_xx, dtype=np.float64)
    target = np.asarray(corr_xy, dtype=np.float64)
    owner = np.arange(target.size) if groups is None else np.asarray(groups, dtype=np.int64)
    players = int(owner.max()) + 1 if owner.size else 0
    members = [np.flatnonzero(owner == p) for p in range(players)]
    if players <= exact_max:
        return _exact(matrix, target, members), "exact"
    values = _sampled(matrix, target, members, permutations, seed)
    return values, f"sampled: {2 * permutations} orders"


def _exact(matrix: FloatArray, target: FloatArray, members: list[IntArray]) -> FloatArray:
    """Shapley values from R² of every subset of players (bit masks)."""
    players = len(members)
    value = np.empty(2**players, dtype=np.float64)
    for mask in range(2**players):
        chosen = [members[p] for p in range(players) if mask >> p & 1]
        columns = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)
        value[mask] = r_squared(matrix, target, columns)
    sizes = np.array([bin(mask).count("1") for mask in range(2**players)])
    weight = np.array(
        [factorial(s) * factorial(players - s - 1) / factorial(players) for s in range(players)]
    )
    shapley = np.zeros(players, dtype=np.float64)
    masks = np.arange(2**players)
    for p in range(players):
        without = masks[(masks >> p & 1) == 0]
        shapley[p] = np.sum(weight[sizes[without]] * (value[without | 1 << p] - value[without]))
    return shapley


def _sampled(
    matrix: FloatArray,
    target: FloatArray,
    members: list[IntArray],
    permutations: int,
    seed: int,
) -> FloatArray:
    """Average R² gains over random orders of the players, each with its reverse.

    Along one order the models are nested, so one Cholesky factor L of the predictors'
    correlations in that order gives them all: with z = L⁻¹ r, the R² of the first k columns
    is z_1² + ... + z_k² (the leading block of L is the factor of the leading block of R).
    """
    rng = np.random.default_rng(seed)
    players = len(members)
    sizes = np.array([m.size for m in members])
    total = np.zeros(players, dtype=np.float64)
    for _ in range(permutations):
        order = rng.permutation(players)
        for sequence in (order, order[::-1]):
            columns = np.concatenate([members[p] for p in sequence])
            factor = np.linalg.cholesky(matrix[np.ix_(columns, columns)])
            z = linalg.solve_triangular(factor, target[columns], lower=True)
            reached = np.cumsum(z**2)[np.cumsum(sizes[sequence]) - 1]
            total[sequence] += np.diff(reached, prepend=0.0)
    result: FloatArray = total / (2 * permutations)
    return result
