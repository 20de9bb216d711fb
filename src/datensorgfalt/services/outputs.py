"""The one way a command writes a file for the user (``convert``, ``protect``, ``predict``,
``report --out``, ``quality show --cells``, ``catalog export --out``).

Before anything is written, :func:`check_output` refuses, in one German sentence:
a folder given where a file is meant, a file the command read, any cataloged original (also a
file inside a cataloged document folder), an existing file unless ``overwrite``, and a place
that cannot be written. :func:`writing` then hands out a temporary file, inside the workspace
when that is on the same file system as the target, else hidden beside the target, and renames
it onto the target only when the whole file is written; the temporary file is removed on every
other way out (errors, Ctrl-C).

CSV cells are written through :func:`neutralise` (or :class:`CsvCells`): a text cell that a
spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a
leading apostrophe; numbers such as ``-5`` stay numbers.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datensorgfalt.engine.staging import local_path
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import os_reason

if TYPE_CHECKING:
    import pandas as pd

    from datensorgfalt.catalog import Catalog
    from datensorgfalt.workspace import Workspace

TEMP_FOLDER = "tmp"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# plain numbers, also German ones with thousands separators (-1.234,56), and the lone "-"
# placeholder of statistics tables: none of them runs as a formula
_NUMBER = re.compile(
    r"-|[+-]?(\d{1,3}([.,]\d{3})+([.,]\d+)?|\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


class OutputRefused(DatensorgfaltError):
    """The output would overwrite something it must not, or cannot be written at all."""


def check_output(target: Path, *, reads: Iterable[Path] = (), overwrite: bool = False,
                 catalog: Catalog | None = None, folder_ok: bool = False) -> Path:
    """The absolute target path, or ``OutputRefused`` with the reason in one sentence."""
    target = Path(target).expanduser().absolute()
    if target.is_dir() and not folder_ok:
        raise OutputRefused("outputs.error.folder", path=str(target))
    if target.exists() and not target.is_dir() and not target.is_file():
        raise OutputRefused("outputs.error.not_a_file", path=str(target))
    for read in reads:
        if _same(target, Path(read)):
            raise OutputRefused("outputs.error.read", path=str(target))
    if catalog is not None and (original := _original(target, catalog)) is not None:
        raise OutputRefused("outputs.error.original", path=str(target), original=original)
    if target.is_file() and not overwrite:
        raise OutputRefused("outputs.error.exists", path=str(target))
    return target


def check_outputs(targets: Sequence[Path], **options: Any) -> list[Path]:
    """:func:`check_output` for several files written by one command: all or none."""
    return [check_output(target, **options) for target in targets]


@contextmanager
def writing(target: Path, workspace: Workspace | None = None) -> Iterator[Path]:
    """A temporary path to write to; renamed onto ``target`` only when the block ends well.

    Call :func:`check_output` first; the temporary file never outlives the block.
    """
    target = Path(target).absolute()
    _make_parent(target)
    temp = _temporary(target, workspace)
    try:
        yield temp
        try:
            os.replace(temp, target)
        except OSError as exc:
            raise OutputRefused("outputs.error.unwritable", path=str(target),
                                reason=os_reason(exc)) from exc
    finally:
        temp.unlink(missing_ok=True)


def _make_parent(target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputRefused("outputs.error.unwritable", path=str(target),
                            reason=os_reason(exc)) from exc
    if not target.parent.is_dir():
        raise OutputRefused("outputs.error.unwritable", path=str(target),
                            reason=str(target.parent))


def _temporary(target: Path, workspace: Workspace | None) -> Path:
    """An empty file on the target's file system: in the workspace if possible, else beside."""
    folder = target.parent
    if workspace is not None:
        inside = workspace.folder / TEMP_FOLDER
        try:
            inside.mkdir(parents=True, exist_ok=True, mode=0o700)
            if inside.stat().st_dev == target.parent.stat().st_dev:
                folder = inside
        except OSError:
            pass
    try:
        handle, name = tempfile.mkstemp(prefix=".datensorgfalt-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputRefused("outputs.error.unwritable", path=str(target),
                            reason=os_reason(exc)) from exc
    os.close(handle)
    return Path(name)


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def originals(catalog: Catalog) -> list[Path]:
    """The local files and folders behind every cataloged dataset (also those gone); copies
    this tool wrote (``protect``) are outputs, not originals."""
    paths = {local_path(d.location) for d in catalog.datasets(include_deleted=True)
             if not (d.details or {}).get("protected_from")}
    return sorted(p for p in paths if p is not None)


def _original(target: Path, catalog: Catalog) -> str | None:
    resolved = target.resolve()
    for path in originals(catalog):
        if _same(target, path):
            return str(path)
        if path.is_dir() and target.is_file() and resolved.is_relative_to(path.resolve()):
            return str(path)
    return None


# -- formula injection ------------------------------------------------------------------


def neutralise(value: Any) -> tuple[Any, bool]:
    """``(value, changed)``: text that a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START) \
            and not _NUMBER.fullmatch(value.strip()):
        return "'" + value, True
    return value, False


@dataclass
class CsvCells:
    """Neutralises rows for ``csv.writer`` and counts the cells it changed."""

    changed: int = 0
    columns: set[str] = field(default_factory=set)

    def row(self, cells: Iterable[Any], header: Sequence[str] | None = None) -> list[Any]:
        out = []
        for index, cell in enumerate(cells):
            value, changed = neutralise(cell)
            if changed:
                self.changed += 1
                if header is not None and index < len(header):
                    self.columns.add(str(header[index]))
            out.append(value)
        return out


def neutralise_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """A copy of ``frame`` with text cells neutralised, and how many cells were changed."""
    frame = frame.copy()
    changed = 0
    for column in frame.columns:
        if frame[column].dtype != object and str(frame[column].dtype) not in ("string", "str"):
            continue
        pairs = [neutralise(v) for v in frame[column]]
        hits = sum(c for _, c in pairs)
        if hits:
            frame[column] = [v for v, _ in pairs]
            changed += hits
    return frame, changed
