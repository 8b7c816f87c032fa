"""Insights: theme trends, spike alerts and driver analysis over customers' feedback.

`trends`, `spikes` and `drivers` are pure statistics (NumPy, SciPy, Polars; no store, no web):
their inputs are plain arrays, one entry per feedback item. See docs/insights.md.
"""

from centricity.insights.drivers import DriverResult, driver_analysis, nps_coding
from centricity.insights.importance import relative_weights, shapley_r2
from centricity.insights.spikes import WINDOWS, SpikeWindow, spike_alerts
from centricity.insights.trends import theme_trends, trend_direction

__all__ = [
    "WINDOWS",
    "DriverResult",
    "SpikeWindow",
    "driver_analysis",
    "nps_coding",
    "relative_weights",
    "shapley_r2",
    "spike_alerts",
    "theme_trends",
    "trend_direction",
]
