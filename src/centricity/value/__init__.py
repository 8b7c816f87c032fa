"""Customer value: per-customer scores from the value models, tiers and the Value page."""
