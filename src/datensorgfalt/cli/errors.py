"""Every way a command can fail, said as one sentence: domain errors, files the system refuses,
anything unforeseen, a wrong call (click's usage errors, which click words in English) and
Ctrl-C. The traceback is shown only with ``--debug``."""

from __future__ import annotations

import logging
import re
import sys
import warnings
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import LANGUAGES, os_reason, t

err_console = Console(stderr=True, soft_wrap=True)


def say(sentence: str, hint: str | None = None) -> None:
    """``Fehler: <sentence>`` on stderr (and an optional second line with the help hint)."""
    err_console.print(f"[bold red]{escape(t('error.prefix'))}[/] {escape(sentence)}",
                      highlight=False)
    if hint:
        err_console.print(f"[dim]{escape(hint)}[/]", highlight=False)


def sentence_for(exc: BaseException) -> str:
    """The one sentence for an exception that reached the command's edge."""
    if isinstance(exc, DatensorgfaltError):
        return str(exc)
    if isinstance(exc, OSError):
        path = exc.filename if exc.filename not in (None, "") else None
        if path is None:
            return t("error.file_no_path", reason=os_reason(exc))
        return t("error.file", path=path, reason=os_reason(exc))
    if isinstance(exc, MemoryError):
        return t("error.unexpected", kind="MemoryError")
    return t("error.unexpected", kind=type(exc).__name__)


# click's UsageError has no subclass for these; its (English) texts are recognised instead
_USAGE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"No such command '(?P<name>.*)'"), "no_such_command"),
    (re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)"), "extra_arguments"),
    (re.compile(r"Option '(?P<name>[^']*)' requires"), "needs_value"),
    (re.compile(r"Option '(?P<name>[^']*)' does not take a value"), "takes_no_value"),
    (re.compile(r"Missing command"), "missing_command"),
]


def usage_sentence(exc: click.ClickException) -> str:
    """A German (or English) sentence for click's usage errors."""
    if isinstance(exc, click.MissingParameter):
        return _missing(exc)
    if isinstance(exc, click.NoSuchOption):
        if exc.possibilities:
            return t("error.usage.no_such_option_maybe", name=exc.option_name,
                     maybe=", ".join(sorted(exc.possibilities)))
        return t("error.usage.no_such_option", name=exc.option_name)
    if isinstance(exc, click.BadParameter):
        return _bad_value(exc)
    for pattern, key in _USAGE_PATTERNS:
        found = pattern.search(exc.message)
        if found:
            return t(f"error.usage.{key}", **found.groupdict())
    return t("error.usage.other")


def _name(param: click.Parameter | None, hint: Any = None) -> str:
    if param is None:
        return str(hint or "?")
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return (param.metavar or param.human_readable_name or param.name or "?").upper()


def _missing(exc: click.MissingParameter) -> str:
    name = _name(exc.param, exc.param_hint)
    if isinstance(exc.param, click.Option):
        return t("error.usage.missing_option", name=name)
    return t("error.usage.missing_argument", name=name)


def _bad_value(exc: click.BadParameter) -> str:
    name = _name(exc.param, exc.param_hint)
    kind = exc.param.type if exc.param is not None else None
    if isinstance(kind, click.Choice):
        return t("error.usage.bad_choice", name=name, choices=", ".join(map(str, kind.choices)))
    if isinstance(kind, click.IntRange | click.FloatRange):
        return t("error.usage.bad_range", name=name, range=kind._describe_range())
    if isinstance(kind, click.types.IntParamType):
        return t("error.usage.bad_int", name=name)
    if isinstance(kind, click.types.FloatParamType):
        return t("error.usage.bad_float", name=name)
    if isinstance(kind, click.Path):
        quoted = re.search(r"'(.*)'", exc.message)
        return t("error.usage.bad_path", name=name, path=quoted.group(1) if quoted else "?")
    return t("error.usage.bad_value", name=name)


def help_hint(exc: click.ClickException) -> str | None:
    ctx = getattr(exc, "ctx", None)
    return t("error.help_hint", command=ctx.command_path) if ctx is not None else None


def check_language(lang: str | None) -> None:
    """``--lang fr`` is refused with a sentence (exit 2) instead of silently giving German."""
    if lang and lang[:2].lower() not in LANGUAGES:
        say(t("error.lang", language=lang, choices=", ".join(LANGUAGES)))
        sys.exit(2)


def quiet_libraries(debug: bool) -> None:
    """Warnings and log lines of libraries (pypdf, pandas ...) are not for the user: they go
    to stderr only with ``--debug``."""
    if debug:
        logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
        warnings.simplefilter("default")
        return
    warnings.simplefilter("ignore")
    root = logging.getLogger()
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())  # no "last resort" printing of WARNING lines
