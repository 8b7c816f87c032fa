"""The `centricity` command: root options here, each domain adds its sub-commands."""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from centricity import __version__

# Each module exposes `register(root)` adding these top-level commands; the order is the
# order of `centricity --help`. A command run from the shell imports only its own module
# (`centricity sla check` started in 0.8 s instead of 1.1 s; importing every domain was a
# third of a breach check's wall time). tests/test_cli_contract.py keeps the names true.
DOMAIN_CLIS: dict[str, tuple[str, ...]] = {
    "centricity.accounts.cli": ("token", "user", "init"),
    "centricity.site.cli": ("serve",),
    "centricity.jobs.cli": ("jobs", "worker"),
    "centricity.imports.cli": ("import",),
    "centricity.value.cli": ("analyze",),
    "centricity.cases.cli": ("sla",),
    "centricity.mail.cli": ("mail",),
    "centricity.surveys.cli": ("surveys",),
    "centricity.feedback.analysis.cli": ("voice",),
    "centricity.privacy.cli": ("export-person", "erase-person"),
    "centricity.backup.cli": ("backup", "restore"),
    "centricity.demo.cli": ("demo",),
}


def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Every command reads CENTRICITY_DATABASE_URL (default: SQLite under ./centricity-data/)."""
    if version:
        typer.echo(__version__)
        raise typer.Exit()


def build(command: str | None = None) -> typer.Typer:
    """The root command with every domain's commands, or only the domain that owns
    `command` when one is named (any other name gets them all, for help and errors)."""
    root = typer.Typer(
        name="centricity",
        help="Centricity: self-hosted customer-centricity platform.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    root.callback()(_root)
    owners = [m for m, names in DOMAIN_CLIS.items() if command in names]
    for module_name in owners or DOMAIN_CLIS:
        importlib.import_module(module_name).register(root)
    return root


def __getattr__(name: str) -> typer.Typer:
    """`app`, the whole command line (for tests and documentation), built when first used."""
    if name == "app":
        whole = build()
        globals()["app"] = whole
        return whole
    raise AttributeError(name)


def main() -> None:
    """Console-script entry point: builds only the domain of the command given."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    first = next((a for a in sys.argv[1:] if not a.startswith("-")), None)
    build(first)()


if __name__ == "__main__":
    main()
