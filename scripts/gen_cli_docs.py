"""Print docs/cli.md: the `--help` of every `centricity` command, in plain text.

`make docs` writes it; tests/test_docs.py fails when docs/cli.md is out of date.
"""

from __future__ import annotations

import os

os.environ["TYPER_USE_RICH"] = "0"  # plain help text, stable across terminals

from typing import Any  # noqa: E402

import typer  # noqa: E402

from centricity.cli import app  # noqa: E402

HEADER = """# Command-line reference

Generated from `centricity --help` by `make docs` (scripts/gen_cli_docs.py); do not edit.
Every command reads `CENTRICITY_DATABASE_URL` (default: SQLite under `./centricity-data/`)
and the other settings in [configuration.md](configuration.md).
"""


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    # Typer ships its own copy of click, so duck-type groups instead of isinstance checks.
    found = [(path, command)]
    if hasattr(command, "list_commands"):
        ctx = command.context_class(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                found.extend(_walk(sub, [*path, name]))
    return found


def render() -> str:
    """The whole reference as Markdown."""
    root = typer.main.get_command(app)
    parts = [HEADER]
    for path, command in _walk(root, ["centricity"]):
        ctx = command.context_class(command, info_name=" ".join(path), terminal_width=100)
        parts.append(f"\n## `{' '.join(path)}`\n\n```text\n{command.get_help(ctx).rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render(), end="")  # noqa: T201
