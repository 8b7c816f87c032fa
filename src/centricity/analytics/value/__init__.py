"""Customer-value models: pure functions and estimators, no database or web imports.

BG/NBD and Pareto/NBD purchase models, the Gamma-Gamma spend model, CLV, RFM scores and
segments, cost to serve, profitability and service tiers. See docs/value-models.md.
"""

from centricity.analytics.value.bgnbd import BGNBDModel
from centricity.analytics.value.clv import customer_lifetime_value, discount_factors
from centricity.analytics.value.cost_to_serve import (
    ChannelCost,
    cost_to_serve,
    historic_profitability,
    predicted_profitability,
)
from centricity.analytics.value.gamma_gamma import GammaGammaModel
from centricity.analytics.value.pareto_nbd import ParetoNBDModel
from centricity.analytics.value.rfm import SEGMENT_GRID, SEGMENTS, rfm_scores, rfm_summary
from centricity.analytics.value.summary import summary_from_transactions
from centricity.analytics.value.tiers import (
    DEFAULT_TIER_RULES,
    TierRule,
    assign_tiers,
    validate_tier_rules,
)

__all__ = [
    "DEFAULT_TIER_RULES",
    "SEGMENTS",
    "SEGMENT_GRID",
    "BGNBDModel",
    "ChannelCost",
    "GammaGammaModel",
    "ParetoNBDModel",
    "TierRule",
    "assign_tiers",
    "cost_to_serve",
    "customer_lifetime_value",
    "discount_factors",
    "historic_profitability",
    "predicted_profitability",
    "rfm_scores",
    "rfm_summary",
    "summary_from_transactions",
    "validate_tier_rules",
]
