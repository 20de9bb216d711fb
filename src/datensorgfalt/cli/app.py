"""The ``datensorgfalt`` command. Commands live in ``cli/commands/``, one module each.

Help texts are looked up in the user's language, so the language is settled (``--lang`` or
``DATENSORGFALT_LANG``) before the commands are built.
"""

from __future__ import annotations

import os
import sys

import typer

from datensorgfalt import i18n
from datensorgfalt.cli import common
from datensorgfalt.cli.commands import (
    catalog,
    check,
    convert,
    dataspace,
    demo,
    forget,
    init,
    keys,
    poc,
    policy,
    privacy,
    protect,
    quality,
    readiness,
    report,
    rights,
    scan,
    share,
    trustee,
    ui,
    usecases,
)
from datensorgfalt.workspace import PRIVATE_UMASK

COMMAND_MODULES = [init, demo, catalog, convert, scan, quality, check, privacy, rights, protect,
                   readiness, usecases, poc, report, forget, policy, keys,
                   share, trustee, dataspace, ui]


def _language_from_argv(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def build_app() -> typer.Typer:
    t = i18n.t
    app = typer.Typer(
        name="datensorgfalt",
        help=t("help.app"),
        no_args_is_help=True,
        rich_markup_mode="rich",
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        lang: str = typer.Option(None, "--lang", help=t("help.lang"), envvar="DATENSORGFALT_LANG"),
        debug: bool = typer.Option(False, "--debug", help=t("help.debug")),
    ) -> None:
        if lang:
            i18n.set_language(lang[:2].lower() if lang[:2].lower() in i18n.LANGUAGES else None)
        common.state.debug = debug
        os.umask(PRIVATE_UMASK)  # what the tool writes (workspace, copies) is the owner's only

    for module in COMMAND_MODULES:
        module.register(app)
    return app


def main() -> None:
    lang = _language_from_argv(sys.argv[1:])
    if lang and lang[:2].lower() in i18n.LANGUAGES:
        i18n.set_language(lang[:2].lower())
    app = build_app()
    app(prog_name="datensorgfalt")
