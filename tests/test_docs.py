"""Docs checked by tests: the CLI reference is generated, pages and API routes are documented."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute

from centricity.site.routes import iter_routes
from centricity.web.templating import NAVIGATION

ROOT = Path(__file__).resolve().parents[1]


def test_it_keeps_docs_cli_md_in_step_with_help() -> None:
    generated = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "100"},
    ).stdout
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == generated, (
        "docs/cli.md is out of date: run `make docs`"
    )


def test_it_documents_every_page_family() -> None:
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    for label, path, _least_role in NAVIGATION:
        assert label in guide, f"page family {label} ({path}) is missing from the user guide"


def test_it_documents_every_api_route(app: FastAPI) -> None:
    reference = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for route in iter_routes(app):
        if isinstance(route, APIRoute) and route.path.startswith("/api/v1"):
            assert (
                route.path.replace("{customer_id}", "{id}")
                .replace("{interaction_id}", "{id}")
                .replace("{order_id}", "{id}")
                .replace("{calendar_id}", "{id}")
                .replace("{case_id}", "{id}")
                .replace("{policy_id}", "{id}")
                .replace("{notification_id}", "{id}")
                .replace("{user_id}", "{id}")
                in reference
            ), route.path


def test_it_starts_the_readme_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:8]
    assert any(line.startswith("make demo") for line in head)
    assert any(line.startswith("make test") for line in head)
