"""What the themes, drivers and spikes API reads and takes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class QuoteRead(BaseModel):
    """A customer's own words as a theme example (only items the caller may see)."""

    id: int
    text: str
    language: str | None


class ThemeRead(BaseModel):
    """One theme: its label in the caller's language (or the name staff gave it), its size
    in the period, counts per language and sentiment, average score (0–10), the last
    eight weeks' counts and their direction, and examples."""

    id: int
    label: str
    name: str | None
    owner_user_id: int | None
    keywords: list[str]
    size: int
    languages: dict[str, int]
    sentiments: dict[str, int]
    average_score: float | None
    weekly: list[int]
    trend: str
    examples: list[QuoteRead]


class ThemePage(BaseModel):
    """Every active theme, the largest first, and the share of analysed items in none."""

    items: list[ThemeRead]
    unthemed_share: float | None


class ThemeUpdate(BaseModel):
    """A manager's change to a theme; a field left out stays as it is. `name: null` goes
    back to the automatic label, `owner_user_id: null` removes the owner. `keywords` are
    phrases in `keyword_language` (default: the caller's), kept as base forms."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    owner_user_id: int | None = None
    keywords: list[str] | None = Field(default=None, max_length=50)
    keyword_language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")


class ThemeMerge(BaseModel):
    """Merge this theme into another (`into` keeps its id)."""

    model_config = ConfigDict(extra="forbid")

    into: int


class DriverRead(BaseModel):
    """One theme's pull on the metric: `effect` in score points against items in no theme
    of the same channel, its 95 % interval, p-value, whether the interval excludes 0, and
    its share of R² (Johnson's relative weight and Shapley value)."""

    theme_id: int
    label: str
    items: int
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    significant: bool
    relative_weight: float | None
    shapley: float | None
    nps_points: float | None
    reason: str | None


class DriverPage(BaseModel):
    """The drivers of one metric, the most negative effect first, and the model's R²."""

    metric: str
    r_squared: float | None
    n_items: int
    items: list[DriverRead]


class SpikeRead(BaseModel):
    """A theme rising significantly: the window (`day` or `week`), its count, the
    baseline's daily rate, the ratio of shares and the p-value before correction."""

    theme_id: int
    label: str
    window: str
    recent_count: int
    baseline_per_day: float
    ratio: float | None
    p_value: float
