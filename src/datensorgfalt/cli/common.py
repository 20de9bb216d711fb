"""What every command shares: the workspace, JSON output and one way to report errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from datensorgfalt.catalog import Catalog
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.workspace import Workspace, find_workspace


@dataclass
class State:
    debug: bool = False


state = State()
console = Console()
err_console = Console(stderr=True, soft_wrap=True)


def json_option() -> Any:
    return typer.Option(False, "--json", help=t("help.json"))


def workspace_option() -> Any:
    return typer.Option(None, "--workspace", "-w", help=t("help.workspace"))


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)


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
    """One exit path: ``Fehler: ...`` on stderr, exit code 1, traceback only with --debug."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DatensorgfaltError as exc:
            if state.debug:
                raise
            err_console.print(f"[bold red]{t('error.prefix')}[/] {exc}")
            raise typer.Exit(1) from exc

    return wrapper


def resolve_workspace(path: Path | None) -> Workspace:
    return find_workspace(path)


@contextmanager
def open_catalog(path: Path | None = None) -> Iterator[tuple[Workspace, Catalog]]:
    workspace = resolve_workspace(path)
    catalog = workspace.open_catalog()
    try:
        yield workspace, catalog
    finally:
        catalog.close()


def human_size(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
