"""Which texts cannot be analysed, and why."""

from __future__ import annotations

import pytest

from centricity.analytics.text.analysable import EMPTY, NO_LETTERS, analysable, clean


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (None, EMPTY),
        ("", EMPTY),
        ("  \n\t ", EMPTY),
        ("😀😀 🎉", NO_LETTERS),
        ("10/10 !!!", NO_LETTERS),
        ("ok", None),
        ("Zásilka přišla pozdě, the courier was late, курьер опоздал", None),
        ("x" * 100_000, None),
    ],
)
def test_it_gives_a_reason_for_texts_it_cannot_analyse(text: str | None, reason: str) -> None:
    assert analysable(text) == reason


def test_it_makes_broken_text_encodable() -> None:
    cleaned = clean("a\ud800b\x00c")
    cleaned.encode("utf-8")
    assert cleaned == "a\ufffdb c"
