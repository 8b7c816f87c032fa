"""The README's account of what works matches the navigation the app builds."""

from __future__ import annotations

import re
from pathlib import Path

from centricity.site.pages import UNBUILT_SECTIONS
from centricity.web.templating import NAVIGATION

README = Path(__file__).resolve().parents[1] / "README.md"


def _listed(label: str) -> set[str]:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(label)} ([^\n]+)\.$", text, flags=re.MULTILINE)
    assert match, f"README has no line starting {label!r}"
    return {name.strip() for name in match.group(1).split(",")}


def test_it_lists_every_built_section_as_working() -> None:
    unbuilt = set(UNBUILT_SECTIONS)
    built = {str(label) for label, path, _role in NAVIGATION if path not in unbuilt}
    assert _listed("Pages that work:") == built


def test_it_lists_every_unbuilt_section_as_not_built() -> None:
    unbuilt = {str(label) for label, path, _role in NAVIGATION if path in UNBUILT_SECTIONS}
    assert _listed("Not built yet (the app says so):") == unbuilt
