"""Customer-value use cases: run the analysis, and read the latest run's scores."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from centricity.analytics import runs
from centricity.analytics.models import AnalyticsRun
from centricity.config import Settings, get_settings
from centricity.interactions.models import Interaction
from centricity.kit.time import today_utc
from centricity.orders.models import Order
from centricity.value.config import ValueConfig
from centricity.value.models import CustomerValue

LOG = logging.getLogger(__name__)
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


def _watermark(session: Session) -> dict[str, int]:
    """The newest order and contact ids: new data makes a new run on the same day."""
    newest_order = session.scalar(select(func.max(Order.id))) or 0
    newest_contact = session.scalar(select(func.max(Interaction.id))) or 0
    return {"orders": int(newest_order), "interactions": int(newest_contact)}


# Called in the analysis's session after a new run finished (the service desk re-evaluates
# the targets of open cases whose customer changed tier).
RunHandler = Callable[[Session, AnalyticsRun], None]
_FINISHED_HANDLERS: list[RunHandler] = []


def on_finished(handler: RunHandler) -> None:
    """Call `handler` whenever a value analysis finishes a new run (not a reused one)."""
    if handler not in _FINISHED_HANDLERS:
        _FINISHED_HANDLERS.append(handler)


def default_as_of(settings: Settings) -> date:
    """The day an analysis without a date scores as of: CENTRICITY_VALUE_AS_OF (a demo
    pinned to its history's last day), else today in UTC."""
    return settings.value_as_of or today_utc()


def analyze(
    session: Session,
    *,
    as_of: date,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> AnalyticsRun:
    """Score every customer as of a date; a finished run for the same inputs is reused.

    Unlike other services this one commits, between stages and between result batches: on
    SQLite a transaction that holds the write lock for the whole analysis would stall every
    other writer. That is safe because the run is resumable: if the process dies, the next
    call removes the partial scores and starts again.
    """
    config = config_from(settings or get_settings())
    step = progress or (lambda _stage: None)
    params = {**_params(config), "data": _watermark(session)}
    run = runs.start(session, kind=RUN_KIND, as_of=as_of, params=params)
    if run.status == "done":
        return run
    session.commit()
    try:
        _score_run(session, run, config, step)
    except Exception as exc:
        session.rollback()
        runs.fail(session, run, type(exc).__name__)
        session.commit()
        raise
    for handler in _FINISHED_HANDLERS:
        try:
            with session.begin_nested():
                handler(session, run)
        except Exception:  # a follower's failure must not undo a finished analysis
            LOG.exception("a value-run handler failed: %s", getattr(handler, "__name__", "?"))
    session.commit()
    return run


def _score_run(session: Session, run: AnalyticsRun, config: ValueConfig, step: Progress) -> None:
    # Imported here: Ibis and SciPy cost every CLI start ~0.8 s (see value/config.py).
    from centricity.analytics import io  # noqa: PLC0415
    from centricity.value.scoring import predict, with_costs  # noqa: PLC0415

    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 3)

    step("aggregating orders and contacts")
    reads = io.aggregates(session, run.as_of_date, config.default_margin)
    try:
        orders = reads.orders()
        session.commit()
        lap("aggregate_seconds")
        step("fitting models")
        # On SQLite the contacts are still being read by a child process while the models fit.
        predicted = predict(orders, as_of=run.as_of_date, config=config)
        scores = with_costs(predicted, reads.contacts(), config=config)
    finally:
        reads.close()
    lap("model_seconds")
    step("writing scores")
    frame = scores.frame.with_columns(
        pl.lit(run.id).alias("run_id"), pl.lit(run.as_of_date).alias("as_of_date")
    )
    table = CustomerValue.__table__
    io.write_rows(session, table, frame, after_batch=session.commit)  # type: ignore[arg-type]
    lap("write_seconds")
    runs.finish(session, run, {**scores.stats, **timings})
    session.commit()
