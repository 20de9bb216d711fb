"""The ``datensorgfalt`` command. Commands live in ``cli/commands/``, one module each.

Help texts are looked up in the user's language, so the language is settled (``--lang`` or
``DATENSORGFALT_LANG``) before the commands are built.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from types import ModuleType
from typing import Any

import click
import typer
from typer.core import TyperGroup

from datensorgfalt import i18n
from datensorgfalt.cli import common
from datensorgfalt.cli.errors import (
    check_language,
    help_hint,
    quiet_libraries,
    say,
    sentence_for,
    usage_sentence,
)
from datensorgfalt.workspace import PRIVATE_UMASK

COMMAND_MODULES = ["init", "demo", "catalog", "convert", "scan", "quality", "check", "privacy",
                   "rights", "protect", "readiness", "usecases", "poc", "report", "forget",
                   "opendata", "policy", "keys", "share", "trustee", "dataspace", "federated", "ui"]
OTHER_NAMES = {"predict": "poc"}  # commands registered by a module of another name
ROOT_OPTIONS_WITH_VALUE = ("--lang",)


def _language_from_argv(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


class RootGroup(TyperGroup):
    """The ``datensorgfalt`` group: a wrong call, an abort or anything a command let through
    ends in one sentence on stderr (exit 2 for a wrong call, 1 otherwise), never a traceback
    unless ``--debug`` is given."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            code = exc.exit_code
        except click.ClickException as exc:
            say(usage_sentence(exc) if isinstance(exc, click.UsageError) else exc.message,
                help_hint(exc))
            code = exc.exit_code
        except click.Abort:
            say(i18n.t("error.aborted"))
            code = 1
        except Exception as exc:
            if common.state.debug:
                raise
            say(sentence_for(exc))
            code = 1
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"datensorgfalt.cli.commands.{name}")


def _wanted_command(argv: list[str]) -> str | None:
    """The command module ``argv`` runs, when it names one and asks for no overall help.

    Importing every command pulls in every service (the PoC's machine learning, the report's
    charts): seconds a user waits on every call. Only the called command's module is needed.
    """
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        if argv[index] in ("-h", "--help"):
            return None
        index += 2 if argv[index] in ROOT_OPTIONS_WITH_VALUE else 1
    if index >= len(argv):
        return None
    name = OTHER_NAMES.get(argv[index], argv[index])
    return name if name in COMMAND_MODULES else None


def build_app(only: str | None = None) -> typer.Typer:
    """The app with every command, or with the one command module ``only``."""
    t = i18n.t
    app = typer.Typer(
        name="datensorgfalt",
        help=t("help.app"),
        no_args_is_help=True,
        rich_markup_mode="rich",
        pretty_exceptions_enable=False,
        cls=RootGroup,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        ctx: typer.Context,
        lang: str = typer.Option(None, "--lang", help=t("help.lang"), envvar="DATENSORGFALT_LANG"),
        debug: bool = typer.Option(False, "--debug", help=t("help.debug")),
    ) -> None:
        if ctx.get_parameter_source("lang") != click.core.ParameterSource.ENVIRONMENT:
            check_language(lang)  # an unknown language in the environment falls back to German
        if lang and lang[:2].lower() in i18n.LANGUAGES:
            i18n.set_language(lang[:2].lower())
        common.state.debug = debug
        common.state.opened.clear()
        quiet_libraries(debug)
        os.umask(PRIVATE_UMASK)  # what the tool writes (workspace, copies) is the owner's only

    for name in [only] if only else COMMAND_MODULES:
        _module(name).register(app)
    return app


#: Commands that end without the interpreter's teardown (``_exit_now``).
QUICK_EXIT = {"scan"}


def main() -> None:
    lang = _language_from_argv(sys.argv[1:])
    check_language(lang)
    if lang:
        i18n.set_language(lang[:2].lower())
    command = _wanted_command(sys.argv[1:])
    app = build_app(command)
    try:
        app(prog_name="datensorgfalt")
    except SystemExit as exc:
        if command not in QUICK_EXIT:
            raise
        _exit_now(exc.code)


def _exit_now(code: Any) -> None:
    """End the process as ``sys.exit(code)`` would, without freeing every object of SQLAlchemy
    and pyarrow one by one (0.1-0.2 s): the exit handlers run and the output is flushed. Only
    for a command that leaves no thread running and every file closed (``QUICK_EXIT``)."""
    import atexit

    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # noqa: SLF001 - what the interpreter runs at exit
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to keep
            stream.flush()
    os._exit(0 if code is None else code)
