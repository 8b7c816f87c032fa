"""Text analytics of customers' own words: pure, no database or web imports.

The interface other code relies on (issue 15) is exported here; the models are loaded on
first use (PEP 562), so code that needs only `language` (feedback, surveys) does not pay
for scikit-learn at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from centricity.analytics.text.language import detect_languages

if TYPE_CHECKING:
    from centricity.analytics.text.embedding import default_embedder
    from centricity.analytics.text.sentiment import SentimentModel
    from centricity.analytics.text.themes import ThemeModel

__all__ = ["SentimentModel", "ThemeModel", "default_embedder", "detect_languages"]

_LAZY = {
    "SentimentModel": "centricity.analytics.text.sentiment",
    "ThemeModel": "centricity.analytics.text.themes",
    "default_embedder": "centricity.analytics.text.embedding",
}


def __getattr__(name: str) -> Any:
    """The lazily imported part of the interface (`SentimentModel`, `ThemeModel`,
    `default_embedder`)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)
