"""The Themes and Drivers sections of the Voice page: spike alerts, every active theme with
its figures and examples, the share of items in no theme, the drivers of NPS or CSAT as a
chart and a table, and the themes by value tier. The Voice page (`surveys/pages.py`) asks
for this context and includes `feedback/voice_themes.html`; every figure links to the
verbatims behind it (`/feedback?theme_id=N`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from centricity.accounts.models import User
from centricity.feedback.analysis import insights, segments
from centricity.feedback.analysis.models import Theme
from centricity.kit.i18n import lazy, pnoop, register_labels

SENTIMENT_LABELS = register_labels(
    "sentiment",
    {
        "negative": pnoop("sentiment", "negative"),
        "neutral": pnoop("sentiment", "neutral"),
        "positive": pnoop("sentiment", "positive"),
    },
)
SPIKE_WINDOWS = register_labels(
    "spike window",
    {"day": pnoop("spike window", "Last day"), "week": pnoop("spike window", "Last week")},
)
WINDOW_DAYS = {"day": 1, "week": 7}
METRICS: tuple[insights.Metric, ...] = ("nps", "csat")
# Colours of the driver bars: pulling down, lifting, and not significant (grey).
DOWN, UP, UNSURE = "#b3261e", "#1b6e3a", "#9e9e9e"


def metric_of(value: str | None) -> insights.Metric:
    """The metric the address asks for (`metric=nps|csat`), NPS by default."""
    return "csat" if value == "csat" else "nps"


def section(
    session: Session, user: User, *, language: str | None, metric: insights.Metric
) -> dict[str, Any]:
    """Everything the two sections show, for one viewer in one language."""
    titles = insights.titles(session, language)
    found = insights.drivers(session, metric=metric, language=language)
    return {
        "themes": insights.themes(session, actor=user, language=language),
        "unthemed_share": insights.unthemed_share(session),
        "spikes": [
            {
                "spike": spike,
                "label": titles.get(spike.theme_id, ""),
                "expected": spike.baseline_per_day * WINDOW_DAYS.get(spike.window, 1),
            }
            for spike in insights.spikes(session)
        ],
        "drivers": found,
        "driver_chart": driver_chart(found),
        "metric": metric,
        "metrics": METRICS,
        "tier_table": segments.themes_by_group(session, language=language),
    }


def prepare(session: Session) -> None:
    """Compute the company figures of the two sections (theme figures, drivers of both
    metrics, spikes, the share in no theme, themes by tier) once an analysis has run, so
    the first manager to open the Voice page after it does not wait for them: 2.7 s at
    1,000,000 items on SQLite (benchmarks/README.md, "Surveys"). They are remembered in
    the process that ran the analysis, which with the in-process scheduler is the app's;
    another process computes them at its first view after each analysis."""
    active = [theme.id for theme in session.scalars(select(Theme).where(Theme.status == "active"))]
    if not active:
        return
    insights.theme_figures(session, active)
    for metric in METRICS:
        insights.drivers(session, metric=metric, language=None)
    insights.spikes(session)
    insights.unthemed_share(session)
    segments.themes_by_group(session, language=None)


def driver_chart(found: insights.Drivers) -> dict[str, Any] | None:
    """The Plotly spec of the ranked drivers: each theme's effect as a horizontal bar with
    its 95 % interval as error bars, grey and marked when not significant; a click on a bar
    opens the theme's verbatims (`customdata`, read by `charts.js`). None without drivers."""
    shown = [d for d in found.items if d.effect is not None]
    if not shown:
        return None
    effects = [round(d.effect or 0.0, 3) for d in shown]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": [_bar_label(d) for d in shown],
                "x": effects,
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        round((d.ci_high or e) - e, 3) for d, e in zip(shown, effects, strict=True)
                    ],
                    "arrayminus": [
                        round(e - (d.ci_low or e), 3) for d, e in zip(shown, effects, strict=True)
                    ],
                    "color": "#444",
                },
                "marker": {"color": [_colour(d) for d in shown]},
                "customdata": [f"/feedback?theme_id={d.theme_id}" for d in shown],
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            }
        ],
        "layout": {
            "xaxis": {"title": {"text": _axis_title(found.metric)}, "zeroline": True},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "margin": {"t": 10, "r": 20},
            "height": max(220, 40 * len(shown) + 80),
        },
    }


def _bar_label(driver: insights.Driver) -> Any:
    if driver.significant:
        return driver.label
    return lazy("%(theme)s (not significant)", theme=driver.label)


def _colour(driver: insights.Driver) -> str:
    if not driver.significant:
        return UNSURE
    return DOWN if (driver.effect or 0) < 0 else UP


def _axis_title(metric: str) -> Any:
    if metric == "nps":
        return lazy("effect on the 0–10 answer, in points")
    return lazy("effect on the 1–5 answer, in points")
