"""The CLI reference ``docs/cli.md`` is generated from ``--help`` and must not drift."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import click
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "cli.md"


def _reference() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cli_reference",
                                                  ROOT / "scripts" / "cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands() -> list[tuple[str, click.Command]]:
    reference = _reference()
    return [(" ".join(("datensorgfalt", *path)), command)
            for path, command in reference.command_paths(reference.root_command())]


def test_cli_reference_is_up_to_date() -> None:
    if DOC.read_text("utf-8") != _reference().generate():
        pytest.fail("docs/cli.md passt nicht mehr zu den Befehlen: `make docs` ausführen "
                    "(scripts/cli_reference.py) und die Datei mit einchecken.", pytrace=False)


def test_every_command_option_and_argument_has_help() -> None:
    missing = [name for name, command in _commands() if not (command.help or "").strip()]
    missing += [f"{name} {param.opts[0]}" for name, command in _commands()
                for param in command.params if not (getattr(param, "help", "") or "").strip()]
    assert not missing, f"ohne Hilfetext: {missing}"


def test_argument_help_reaches_the_user() -> None:
    """click 8.5 dropped typer's argument help; the pin in pyproject.toml keeps it shown."""
    assert "Ordner, in dem der Arbeitsbereich entsteht" in DOC.read_text("utf-8")


def test_every_command_is_in_the_reference() -> None:
    text = DOC.read_text("utf-8")
    commands = [name for name, _ in _commands()]
    assert len(commands) > 20
    assert not [name for name in commands if f"\n## {name}\n" not in text]
