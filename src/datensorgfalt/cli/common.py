"""What every command shares: the workspace, JSON output, one way to report errors, the group
that runs a default subcommand, the progress bar, severity colours and file sizes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import typer
from rich.console import Console
from typer.core import TyperGroup

from datensorgfalt.cli.errors import err_console, say, sentence_for
from datensorgfalt.errors import NoWorkspace
from datensorgfalt.i18n import human_size as human_size  # the one size formatter
from datensorgfalt.i18n import t
from datensorgfalt.services import Progress as ProgressCallback
from datensorgfalt.workspace import Workspace, find_workspace

if TYPE_CHECKING:  # the catalog (SQLAlchemy) loads when a command opens it: not for ``init``
    from datensorgfalt.catalog import Catalog

SEVERITY_STYLE = {"critical": "bold red", "error": "red", "warning": "yellow", "info": "cyan"}


@dataclass
class State:
    debug: bool = False
    # (catalog URL, newest run id) of every catalog this command opened, for Ctrl-C
    opened: list[tuple[str, int]] = field(default_factory=list)


state = State()
console = Console()


def json_option() -> Any:
    return typer.Option(False, "--json", help=t("help.json"))


def workspace_option() -> Any:
    return typer.Option(None, "--workspace", "-w", help=t("help.workspace"))


def to_json(value: Any) -> str:
    """Strict JSON (no NaN or Infinity, which many readers refuse)."""
    from datensorgfalt.catalog import json_safe

    return json.dumps(json_safe(value), ensure_ascii=False, indent=2, default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(value: Any) -> None:
    sys.stdout.write(to_json(value) + "\n")


def handles_errors(func: Callable) -> Callable:
    """One exit path: ``Fehler: ...`` in one sentence on stderr, exit code 1 (130 after
    Ctrl-C), whatever went wrong; the traceback only with --debug."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt as exc:
            kept = _record_interruption()
            if state.debug:
                raise
            say(t("error.interrupted_kept" if kept else "error.interrupted"))
            raise typer.Exit(130) from exc
        except Exception as exc:
            if state.debug:
                raise
            say(sentence_for(exc))
            raise typer.Exit(1) from exc

    return wrapper


def _record_interruption() -> bool:
    """Runs the interrupted command started are marked ``interrupted``; True when it had
    started any (then what each finished is kept in the catalog)."""
    from datensorgfalt.catalog import Catalog

    started = False
    for url, before in state.opened:
        try:
            catalog = Catalog.open(url, migrate=False)
        except Exception:  # the catalog itself is gone: nothing to record
            continue
        try:
            started |= catalog.interrupt_runs(after=before) > 0
        finally:
            catalog.close()
    return started


def resolve_workspace(path: Path | None) -> Workspace:
    return find_workspace(path)


@contextmanager
def open_catalog(path: Path | None = None) -> Iterator[tuple[Workspace, Catalog]]:
    workspace = resolve_workspace(path)
    catalog = workspace.open_catalog()
    state.opened.append((workspace.db_url, catalog.newest_run_id()))
    try:
        yield workspace, catalog
    finally:
        catalog.close()


@contextmanager
def maybe_catalog(path: Path | None = None
                  ) -> Iterator[tuple[Workspace | None, Catalog | None]]:
    """The workspace and catalog when there is one (for commands that also work without)."""
    try:
        workspace = resolve_workspace(path)
    except NoWorkspace:
        if path is not None:
            raise
        yield None, None
        return
    with open_catalog(workspace.root) as opened:
        yield opened


def overwrite_option() -> Any:
    return typer.Option(False, "--overwrite", help=t("outputs.help.overwrite"))


def note_neutralised(n: int) -> None:
    """The one line that says formula-like text cells were made plain text."""
    if n:
        err_console.print(t("outputs.note.neutralised", n=n), highlight=False)


class DefaultCommandGroup(TyperGroup):
    """A group whose arguments, when they name no subcommand, go to ``default_command``.

    ``privacy A B`` means ``privacy run A B`` and ``quality`` alone means ``quality run``.
    Values of options (``-w DIR``) are not read as subcommand names, and a subcommand that
    follows options is moved to the front (``quality -w DIR show A``).
    """

    default_command = "run"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] in ctx.help_option_names:
            return super().parse_args(ctx, args)
        words = self._words(args)
        if words and args[words[0]] in self.commands:
            first = words[0]
            args = [args[first], *args[:first], *args[first + 1:]]
        elif self.default_command in self.commands:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def _words(self, args: list[str]) -> list[int]:
        """Positions of the arguments that are neither options nor an option's value."""
        valued = {name for command in self.commands.values() for param in command.params
                  if isinstance(param, click.Option) and not param.is_flag and not param.count
                  for name in param.opts}
        words, skip = [], False
        for index, arg in enumerate(args):
            if skip:
                skip = False
            elif arg in valued:
                skip = True
            elif not arg.startswith("-") or arg == "-":
                words.append(index)
        return words


@contextmanager
def progress_bar(quiet: bool, idle: str = "",
                 describe: Callable[[str], str] | None = None) -> Iterator[ProgressCallback]:
    """A progress bar on stderr (none with ``--json``); yields the service's progress callback
    ``(done, total, label)``. ``idle`` is shown while there is no label; ``describe`` words one."""
    from rich.progress import (  # only commands that show a bar pay for it
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=err_console, transient=True, disable=quiet)
    with bar:
        task = bar.add_task(idle, total=None)

        def update(done: int, total: int, label: str) -> None:
            label = (label or "")[:40]
            text = (describe(label) if describe else label) if label else idle
            bar.update(task, completed=done, total=total, description=text)

        yield update
