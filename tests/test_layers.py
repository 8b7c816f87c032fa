"""Imports run one way: the kit and the web kit never import the domains built on them."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "centricity"
# What each layer may import from Centricity (anything else is a domain above it).
ALLOWED = {
    "kit": {"kit"},
    "web": {"kit", "web", "config", "db", "accounts", "audit"},
    "analytics/value": {"kit", "analytics"},
    "analytics/text": {"kit", "analytics"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "centricity" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_nothing_above_it(layer: str) -> None:
    wrong = {
        f"{path.relative_to(PACKAGE)} imports centricity.{name}"
        for path in (PACKAGE / layer).rglob("*.py")
        for name in _imports(path) - ALLOWED[layer]
    }
    assert not wrong, sorted(wrong)


def test_the_check_sees_a_domain_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from centricity.customers import service\n", encoding="utf-8")
    assert _imports(module) == {"customers"}


# The insight statistics are pure, like the analytics cores: the Voice page, the digest and
# the jobs call them with arrays; they never reach for the store or the web themselves.
PURE_INSIGHTS = ("_design", "_inputs", "drivers", "importance", "spikes", "trends")
PURE_THIRD_PARTY = {"numpy", "scipy", "polars"}


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


@pytest.mark.parametrize("module", PURE_INSIGHTS)
def test_the_insight_statistics_are_pure(module: str) -> None:
    path = PACKAGE / "insights" / f"{module}.py"
    outside = _top_level_imports(path) - PURE_THIRD_PARTY - set(sys.stdlib_module_names)
    assert outside <= {"centricity"}, sorted(outside)
    assert _imports(path) <= {"kit", "insights"}, sorted(_imports(path))


def _full_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("core", ["analytics/value", "analytics/text"])
def test_an_analytics_core_never_touches_the_store(core: str) -> None:
    # `analytics.io` and `analytics.runs` read and write the store; the cores stay pure.
    store = ("centricity.analytics.io", "centricity.analytics.runs")
    wrong = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / core).rglob("*.py")
        for name in _full_imports(path)
        if name.startswith(store)
    }
    assert not wrong, sorted(wrong)
