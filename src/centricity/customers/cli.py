"""Command-line entry points of the customers domain."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI."""
    del app
