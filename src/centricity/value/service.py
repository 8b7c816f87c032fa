"""Customer-value use cases: run the analysis, and read the latest run's scores."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import delete
from sqlalchemy.orm import Session

from centricity.analytics import io, runs
from centricity.analytics.models import AnalyticsRun
from centricity.config import Settings, get_settings
from centricity.value.models import CustomerValue
from centricity.value.scoring import ValueConfig, score

RUN_KIND = "value"
Progress = Callable[[str], None]


def config_from(settings: Settings) -> ValueConfig:
    """The value configuration from the installation's settings."""
    return ValueConfig(
        discount_rate=settings.value_discount_rate,
        horizon_months=settings.value_horizon_months,
        default_margin=settings.value_default_margin,
        contact_costs=dict(settings.value_contact_costs),
        tiers=tuple(settings.value_tiers),
    )


def _params(config: ValueConfig) -> dict[str, Any]:
    return {
        "discount_rate": config.discount_rate,
        "horizon_months": config.horizon_months,
        "default_margin": config.default_margin,
        "contact_costs": {k: list(v) for k, v in sorted(config.contact_costs.items())},
        "tiers": [list(t) for t in config.tiers],
    }


def _remove_partial(session: Session, run_id: int) -> None:
    session.execute(delete(CustomerValue).where(CustomerValue.run_id == run_id))


runs.register_cleanup(RUN_KIND, _remove_partial)


def analyze(
    session: Session,
    *,
    as_of: date,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> AnalyticsRun:
    """Score every customer as of a date; a finished run for the same inputs is reused.

    Stages: aggregate orders and contacts in the store (one Ibis expression each), fit and
    predict with the pure models, write the scores under the run. Timings go to run.stats.
    """
    config = config_from(settings or get_settings())
    step = progress or (lambda _stage: None)
    run = runs.start(session, kind=RUN_KIND, as_of=as_of, params=_params(config))
    if run.status == "done":
        return run
    timings: dict[str, float] = {}
    started = time.perf_counter()
    step("aggregating orders")
    orders = io.fetch(session, io.order_aggregates(as_of, config.default_margin))
    step("aggregating contacts")
    contacts = io.fetch(session, io.contact_aggregates(as_of))
    timings["aggregate_seconds"] = round(time.perf_counter() - started, 3)
    step("fitting models")
    scores = score(orders, contacts, as_of=as_of, config=config)
    timings["model_seconds"] = round(time.perf_counter() - started - sum(timings.values()), 3)
    step("writing scores")
    frame = scores.frame.with_columns(
        pl.lit(run.id).alias("run_id"), pl.lit(as_of).alias("as_of_date")
    )
    io.write_rows(session, CustomerValue.__table__, frame)  # type: ignore[arg-type]
    timings["write_seconds"] = round(time.perf_counter() - started - sum(timings.values()), 3)
    runs.finish(session, run, {**scores.stats, **timings})
    return run
