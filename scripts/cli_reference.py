"""Write ``docs/cli.md``: the ``--help`` of every command and subcommand, in German.

Run ``make docs`` (or ``python scripts/cli_reference.py``) after changing a command or its help
text; ``tests/test_docs.py`` fails when the file and the commands drift apart. The help is
rendered as plain text (no colour, no Rich boxes) at a fixed width of 100 columns, so the file
does not depend on the terminal it was generated in.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import typer
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "cli.md"
WIDTH = 100
PROG = "datensorgfalt"

HEADER = f"""# Befehlsreferenz

Alle Befehle von `{PROG}` mit ihrer Hilfe (`--help`), wie sie im Terminal erscheint.
Erzeugt von `scripts/cli_reference.py`; nach einer Änderung an Befehlen `make docs` ausführen
(`tests/test_docs.py` prüft, dass diese Datei aktuell ist).
"""


def root_command() -> click.Group:
    """The whole command tree in German, with plain (not Rich) help formatting."""
    from datensorgfalt import i18n
    from datensorgfalt.cli.app import build_app

    i18n.set_language("de")
    app = build_app()
    app.rich_markup_mode = None
    return typer.main.get_command(app)


def command_paths(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], click.Command]]:
    """Every command below ``command`` (itself first), in the order ``--help`` lists them."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            if not sub.hidden:
                yield from command_paths(sub, (*path, name))


def help_text(root: click.Command, path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(root, [*path, "--help"], prog_name=PROG, terminal_width=WIDTH,
                                max_content_width=WIDTH, color=False)
    if result.exit_code != 0:
        raise RuntimeError(f"{PROG} {' '.join(path)} --help: {result.output}")
    text = result.stdout.replace("\\[", "[")  # Typer escapes brackets for Rich even in plain help
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def generate() -> str:
    os.environ["COLUMNS"] = str(WIDTH)
    root = root_command()
    parts = [HEADER]
    for path, _ in command_paths(root):
        parts.append(f"## {' '.join((PROG, *path))}\n\n```text\n{help_text(root, path)}\n```\n")
    return "\n".join(parts)


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(generate(), "utf-8")
    print(f"{OUT.relative_to(ROOT)} geschrieben.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
