"""Service tiers from predicted CLV and profitability.

"Service level matches customer profitability": an ordered list of rules maps each customer to
a tier; the first rule whose every condition holds wins, and the last rule must accept everyone
so that no customer is left without a tier. Conditions: CLV at or above an absolute amount,
CLV at or above a quantile of the customer base (so defaults work in any currency), and
profitability at or above an amount (so unprofitable customers are not upgraded by CLV alone).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class TierRule:
    """A tier and the conditions a customer must all meet to be placed in it."""

    name: str
    min_clv: float = -math.inf
    min_clv_quantile: float = 0.0
    min_profitability: float = -math.inf

    @property
    def accepts_everyone(self) -> bool:
        """True when the rule has no condition, as the last rule must."""
        return (
            self.min_clv == -math.inf
            and self.min_clv_quantile == 0
            and self.min_profitability == -math.inf
        )


DEFAULT_TIER_RULES: tuple[TierRule, ...] = (
    TierRule("Platinum", min_clv_quantile=0.95, min_profitability=0.0),
    TierRule("Gold", min_clv_quantile=0.80, min_profitability=0.0),
    TierRule("Silver", min_clv_quantile=0.50, min_profitability=0.0),
    TierRule("Bronze"),
)


def _check_rule(rule: TierRule) -> None:
    """Reject an unnamed rule or a threshold that is NaN or out of range."""
    if not rule.name.strip():
        raise ValueError("every tier rule needs a non-empty name")
    if math.isnan(rule.min_clv) or math.isnan(rule.min_profitability) or rule.min_clv == math.inf:
        raise ValueError(f"tier {rule.name!r}: thresholds must be numbers below +inf (or -inf)")
    if not 0.0 <= rule.min_clv_quantile <= 1.0:
        raise ValueError(
            f"tier {rule.name!r}: min_clv_quantile must be in [0, 1], got {rule.min_clv_quantile}"
        )


def validate_tier_rules(rules: Sequence[TierRule]) -> None:
    """Check a tier configuration: named, unique, valid thresholds, catch-all last rule."""
    if not rules:
        raise ValueError("no tier rules given; pass at least one rule, e.g. TierRule('Standard')")
    for rule in rules:
        _check_rule(rule)
    names = [rule.name for rule in rules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"tier names must be unique; repeated: {duplicates}")
    if not rules[-1].accepts_everyone:
        raise ValueError(
            f"the last tier rule ({rules[-1].name!r}) must have no conditions so every customer "
            "gets a tier; add a catch-all rule such as TierRule('Bronze')"
        )
    if any(rule.accepts_everyone for rule in rules[:-1]):
        raise ValueError(
            "only the last tier rule may have no conditions; later rules would never apply"
        )


def assign_tiers(
    customers: pl.DataFrame,
    rules: Sequence[TierRule] = DEFAULT_TIER_RULES,
    *,
    clv_col: str = "clv",
    profitability_col: str = "profitability",
) -> pl.DataFrame:
    """Add a ``tier`` column: the first rule (in order) whose conditions the customer meets.

    Quantile thresholds are taken over the customers given (NumPy's linear interpolation).
    """
    validate_tier_rules(rules)
    for column in (clv_col, profitability_col):
        if column not in customers.columns:
            raise ValueError(f"customers lack column {column!r}; pass clv_col=/profitability_col=")
    clv = customers[clv_col].cast(pl.Float64).to_numpy()
    profit = customers[profitability_col].cast(pl.Float64).to_numpy()
    bad = ~(np.isfinite(clv) & np.isfinite(profit))
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} of {clv.size} customers have a missing CLV or profitability"
        )
    tier = np.full(clv.size, rules[-1].name, dtype=object)
    for rule in reversed(rules[:-1]):
        threshold = (
            max(rule.min_clv, float(np.quantile(clv, rule.min_clv_quantile))) if clv.size else 0.0
        )
        meets = (clv >= threshold) & (profit >= rule.min_profitability)
        tier[meets] = rule.name
    return customers.with_columns(pl.Series("tier", tier.tolist(), dtype=pl.String))
