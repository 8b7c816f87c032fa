"""The command line imports only the domain of the command run; its map must stay true."""

from __future__ import annotations

import importlib
import subprocess
import sys

import typer

from centricity import cli


def _names(root: typer.Typer) -> list[str]:
    groups = [g.name for g in root.registered_groups]
    commands = [c.name or c.callback.__name__ for c in root.registered_commands if c.callback]
    return [str(n) for n in groups + commands]


def test_each_domain_registers_exactly_the_commands_the_map_names() -> None:
    for module_name, names in cli.DOMAIN_CLIS.items():
        root = typer.Typer()
        importlib.import_module(module_name).register(root)
        assert sorted(_names(root)) == sorted(names), module_name


def test_a_named_command_builds_only_its_domain_and_anything_else_builds_all() -> None:
    assert sorted(_names(cli.build("sla"))) == ["sla"]
    assert sorted(_names(cli.build("export-person"))) == ["erase-person", "export-person"]
    everything = sorted(n for names in cli.DOMAIN_CLIS.values() for n in names)
    assert sorted(_names(cli.build("no-such-command"))) == everything
    assert sorted(_names(cli.app)) == everything


def test_the_shell_entry_runs_a_domain_command_and_lists_all_in_help() -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "centricity", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for names in cli.DOMAIN_CLIS.values():
        for name in names:
            assert name in help_text
    sla_help = subprocess.run(
        [sys.executable, "-m", "centricity", "sla", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "check" in sla_help
