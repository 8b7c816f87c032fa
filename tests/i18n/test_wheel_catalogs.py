"""A wheel built from a checkout without compiled catalogs still speaks every language."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from gettext import GNUTranslations
from pathlib import Path

import pytest

from centricity.kit.i18n import LANGUAGES, SOURCE_LANGUAGE, translations

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_a_compiled_catalog_per_language(tmp_path: Path) -> None:
    source = tmp_path / "checkout"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, source / name)
    skip = shutil.ignore_patterns("*.mo", "__pycache__", "vendor", "*.egg-info")
    shutil.copytree(REPO / "src", source / "src", ignore=skip)
    assert not list(source.rglob("*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            ".",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
        ],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("centricity-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for language in LANGUAGES:
            if language == SOURCE_LANGUAGE:
                continue
            data = archive.read(f"centricity/locale/{language}/LC_MESSAGES/messages.mo")
            compiled = GNUTranslations(io.BytesIO(data))
            expected = translations(language).gettext("Sign in")
            assert compiled.gettext("Sign in") == expected != "Sign in"
