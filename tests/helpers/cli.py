"""The CLI run in-process, for the ``cli`` fixture and for fixtures wider than one test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datensorgfalt import i18n

ENVIRONMENT = ("DATENSORGFALT_LANG", "DATENSORGFALT_DB", "DATENSORGFALT_WORKSPACE")


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """German, no catalog or workspace from the developer's environment."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    i18n.set_language(None)


def cli_invoker(monkeypatch: pytest.MonkeyPatch) -> Callable:
    """``invoke("catalog", "list", "--json", cwd=root)`` -> click Result.

    ``monkeypatch`` undoes the change of folder: the ``cli`` fixture's for one test, a
    ``pytest.MonkeyPatch.context()`` for a module-scoped fixture.
    """
    from datensorgfalt.cli.app import build_app

    runner = CliRunner()

    def invoke(*args: str, cwd: Path | None = None, input: str | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        lang = None
        if "--lang" in args:
            lang = args[args.index("--lang") + 1]
        i18n.set_language(lang)
        return runner.invoke(build_app(), list(args), input=input, catch_exceptions=False)

    return invoke
