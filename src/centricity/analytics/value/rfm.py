"""RFM (recency, frequency, monetary) quintile scores and named segments.

Scores follow the common practice (Hughes, "Strategic Database Marketing"): customers are
ranked on each measure and split into quintiles, 5 being best (most recent, most frequent,
highest spend). Tied values share a score. Segments are read from a grid of the R score and
the combined FM score, the widely used 11-segment R/FM map; see docs/value-models.md.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from centricity.kit.i18n import pnoop

# Each segment's name, declared once for the catalog: pages show it translated (`|segment`),
# the store, the API and the CLI keep the English name.
SEGMENTS = (
    pnoop("segment", "Champions"),
    pnoop("segment", "Loyal"),
    pnoop("segment", "Potential loyalists"),
    pnoop("segment", "New"),
    pnoop("segment", "Promising"),
    pnoop("segment", "Need attention"),
    pnoop("segment", "About to sleep"),
    pnoop("segment", "At risk"),
    pnoop("segment", "Can't lose them"),
    pnoop("segment", "Hibernating"),
    pnoop("segment", "Lost"),
)

# SEGMENT_GRID[r_score - 1][fm_score - 1]
SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    ("Lost", "Hibernating", "At risk", "Can't lose them", "Can't lose them"),
    ("Hibernating", "About to sleep", "At risk", "At risk", "Can't lose them"),
    ("About to sleep", "Need attention", "Need attention", "Loyal", "Loyal"),
    ("Promising", "Potential loyalists", "Loyal", "Champions", "Champions"),
    ("New", "Potential loyalists", "Potential loyalists", "Champions", "Champions"),
)


def rfm_summary(
    transactions: pl.DataFrame,
    *,
    as_of: date | datetime,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
) -> pl.DataFrame:
    """Per customer: days since the last purchase, purchase days and total spend to ``as_of``.

    Same-day purchases count as one purchase (as in the BG/NBD summary); purchases after
    ``as_of`` are ignored. Returns ``customer_col``, ``recency_days``, ``frequency``, ``monetary``.
    """
    end = as_of.date() if isinstance(as_of, datetime) else as_of
    dated = transactions.with_columns(pl.col(date_col).cast(pl.Date)).filter(
        pl.col(date_col) <= end
    )
    return (
        dated.group_by(customer_col)
        .agg(
            (pl.lit(end) - pl.col(date_col).max()).dt.total_days().alias("recency_days"),
            pl.col(date_col).n_unique().alias("frequency"),
            pl.col(amount_col).cast(pl.Float64).sum().alias("monetary"),
        )
        .sort(customer_col)
    )


def quintile_score(values: pl.Expr, *, higher_is_better: bool = True) -> pl.Expr:
    """Quintile score 1-5 of a column: ceil(5 * average rank / n), so ties share a score."""
    ranked = values.rank("average", descending=not higher_is_better)
    return (ranked * 5 / values.count()).ceil().clip(1, 5).cast(pl.Int8)


def segment_expr(r_score: pl.Expr, fm_score: pl.Expr) -> pl.Expr:
    """Segment name for R and FM scores (1-5), read from `SEGMENT_GRID`."""
    names = {5 * r + fm: name for r, row in enumerate(SEGMENT_GRID) for fm, name in enumerate(row)}
    cell = (r_score.cast(pl.Int32) - 1) * 5 + fm_score.cast(pl.Int32) - 1
    return cell.replace_strict(names, return_dtype=pl.String)


def rfm_scores(
    summary: pl.DataFrame,
    *,
    recency_col: str = "recency_days",
    frequency_col: str = "frequency",
    monetary_col: str = "monetary",
) -> pl.DataFrame:
    """Add ``r_score``, ``f_score``, ``m_score``, ``fm_score`` and ``segment`` to a summary.

    Recency is time since the last purchase, so lower is better. The FM score is the mean of
    the F and M scores rounded half up. Refuses missing values, which would rank arbitrarily.
    """
    columns = [recency_col, frequency_col, monetary_col]
    missing = [column for column in columns if column not in summary.columns]
    if missing:
        raise ValueError(f"summary lacks column(s) {missing}; build it with rfm_summary()")
    nulls = summary.select(pl.any_horizontal(pl.col(c).is_null() for c in columns).sum()).item()
    if nulls:
        raise ValueError(
            f"{nulls} of {summary.height} rows have missing R, F or M; fill or drop them"
        )
    scored = summary.with_columns(
        quintile_score(pl.col(recency_col), higher_is_better=False).alias("r_score"),
        quintile_score(pl.col(frequency_col)).alias("f_score"),
        quintile_score(pl.col(monetary_col)).alias("m_score"),
    )
    scored = scored.with_columns(
        ((pl.col("f_score") + pl.col("m_score") + 1) // 2).cast(pl.Int8).alias("fm_score")
    )
    return scored.with_columns(segment_expr(pl.col("r_score"), pl.col("fm_score")).alias("segment"))
