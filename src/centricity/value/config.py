"""How value is measured: the settings of a value analysis, without the models.

Kept apart from `scoring.py` so that commands and pages which only read the configuration
(`centricity sla check`, every CLI start) do not import SciPy and the fitting code: the
whole CLI started in 3.0 s with them, measured with `python -X importtime`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from centricity.analytics.value import TierRule

# Why a run has no model predictions: `model_note` says it in English (CLI, API), the code
# lets the Value page say it in the viewer's language.
NOTE_NOT_FITTED = "not_fitted"
NOTE_UNUSABLE = "unusable"


@dataclass(frozen=True)
class ValueConfig:
    """How value is measured: discounting, horizon, default margin, contact costs, tiers."""

    discount_rate: float = 0.10
    horizon_months: int = 24
    default_margin: float = 0.30
    contact_costs: dict[str, tuple[float, float]] = field(default_factory=dict)
    tiers: tuple[tuple[str, float, float | None], ...] = ()

    def tier_rules(self) -> list[TierRule]:
        """The tier configuration as the tier model's rules."""
        from centricity.analytics.value import TierRule  # noqa: PLC0415  (SciPy: see above)

        return [
            TierRule(
                name,
                min_clv_quantile=quantile,
                min_profitability=-math.inf if profit is None else profit,
            )
            for name, quantile, profit in self.tiers
        ]

    @property
    def monthly_discount_rate(self) -> float:
        """The monthly rate equivalent to the yearly discount rate."""
        return float((1 + self.discount_rate) ** (1 / 12) - 1)
