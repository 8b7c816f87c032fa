"""The `centricity` command: root options here, each domain adds its sub-commands."""

from __future__ import annotations

import importlib
import logging

import typer

from centricity import __version__

app = typer.Typer(
    name="centricity",
    help="Centricity: self-hosted customer-centricity platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module exposes `register(app)`; the order is the order of `centricity --help`.
DOMAIN_CLIS = (
    "centricity.accounts.cli",
    "centricity.site.cli",
    "centricity.jobs.cli",
    "centricity.imports.cli",
    "centricity.value.cli",
    "centricity.cases.cli",
    "centricity.privacy.cli",
    "centricity.backup.cli",
    "centricity.demo.cli",
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """Every command reads CENTRICITY_DATABASE_URL (default: SQLite under ./centricity-data/)."""
    if version:
        typer.echo(__version__)
        raise typer.Exit()


def _register_domains() -> None:
    for module_name in DOMAIN_CLIS:
        importlib.import_module(module_name).register(app)


_register_domains()


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
