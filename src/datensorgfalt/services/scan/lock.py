"""One scan per workspace at a time: an exclusive lock on ``.datensorgfalt/scan.lock``.

The lock is a POSIX record lock (``lockf``) on an open file, so it is gone the moment its scan
ends, also when the scan is killed; a stale lock file on disk is harmless. Unlike ``flock``,
a record lock belongs to the process alone: the scan's forked reader process does not hold it,
so a reader left over from a killed scan never blocks the next one.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from datensorgfalt.errors import DatensorgfaltError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, as before
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "scan.lock"


class ScanBusy(DatensorgfaltError):
    """Another scan of the same workspace is running."""


@contextmanager
def scan_lock(folder: Path) -> Iterator[None]:
    if fcntl is None or not folder.is_dir():
        yield
        return
    with open(folder / LOCK_FILE, "a+b") as handle:
        try:
            fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            raise ScanBusy("scan.busy", folder=str(folder.parent)) from exc
        try:
            yield
        finally:
            fcntl.lockf(handle.fileno(), fcntl.LOCK_UN)
