"""Reading files in a child process with a time and a memory limit.

One hostile file (a stray cell in XFD1048576 that makes a spreadsheet library ask for 512 GB,
a line that takes hours to repair, a zip bomb) must never stop or kill the scan. Every read of
a file's content runs in one worker process that is reused from file to file (a fork, so a
tiny file costs a pipe round trip, not a process start). Memory is limited twice: an
address-space limit (``RLIMIT_AS``) makes a gigantic allocation fail at once, and the scan
watches the worker's resident memory while it reads, because address space the scan had
reserved (not used) before the fork would otherwise let a read use that much more. A read
that grows too big or takes longer than its time budget is stopped by killing the worker,
which is then started again for the next file. Each becomes a ``ReadError`` the scan turns
into a finding ("zu groß", "zu langsam") before it goes on with the next file.

The ``scan`` command starts the worker at once, before it loads the catalog (``read_ahead``):
the worker reads the first file named on the command line (a large one the catalog does not
know) while the scan gets ready on the other core, and answers the scan's request for that
file with what it read, when the file is still the same. Any other first request stops that
worker and starts a fresh one.

Where ``fork`` or ``resource`` do not exist (Windows) the reads run in-process without limits.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import stat
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from datensorgfalt.catalog.fresh import knows_file
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.sources.base import Issue, ReadError
from datensorgfalt.sources.locations import file_location
from datensorgfalt.workspace import Workspace

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

ENV_SECONDS = "DATENSORGFALT_FILE_SECONDS"
ENV_MEMORY = "DATENSORGFALT_FILE_MEMORY_MB"
BASE_SECONDS = 60.0  # every file gets this long, however small
SECONDS_PER_MB = 1.0  # and one second more per megabyte (85 MB of CSV read in ~15 s)
MIN_MEMORY_MB = 2048  # pyarrow reserves ~1 GB of address space at its first allocation
MAX_MEMORY_MB = 8192
WATCH_SECONDS = 0.1  # how often the scan looks at the worker's resident memory
#: Delimited files from this size on are staged for ``quality`` while the scan reads them
#: (a small file is staged in no time when ``quality`` needs it); the scan reads such a file
#: ahead when it is named on the command line.
STAGE_WHILE_SCANNING_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    seconds: float = BASE_SECONDS  # the budget of an empty file
    memory_mb: int | None = None  # address space a read may add; None: no memory limit
    seconds_per_mb: float = SECONDS_PER_MB

    def budget(self, size: int) -> float:
        return self.seconds + self.seconds_per_mb * size / 1e6


def default_limits(settings: dict | None = None) -> Limits:
    """Limits from the environment, then the workspace settings, then the machine. A time
    limit given there holds for every file; by default large files get more time."""
    settings = settings or {}
    seconds = os.environ.get(ENV_SECONDS) or settings.get("file_seconds")
    memory = os.environ.get(ENV_MEMORY) or settings.get("file_memory_mb")
    return Limits(float(seconds) if seconds else BASE_SECONDS,
                  int(memory) if memory else _machine_memory_mb(),
                  0.0 if seconds else SECONDS_PER_MB)


def _machine_memory_mb() -> int | None:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return None
    return max(MIN_MEMORY_MB, min(MAX_MEMORY_MB, total // 2))


@dataclass
class ReadTable:
    """What the scan keeps of one table read in the worker (the reader itself stays there)."""

    location: str
    name: str
    format: str
    dialect: dict[str, Any]
    issues: list[Issue]
    header: list[str]
    staged: str | None = None  # the Parquet copy written while reading (name in the stage)


# -- the tasks a worker runs ---------------------------------------------------------------

def _task_sha256(path: Path) -> str:
    from datensorgfalt.engine.fingerprint import sha256_file

    return sha256_file(path)


def _task_tables(path: Path, stage: Path | None = None) -> list[tuple[ReadTable, Any]]:
    """The tables of a file and their profiles. With ``stage``, the table of a delimited file
    (read whole anyway) is also written there as Parquet for ``quality``."""
    from datensorgfalt.services.scan.table_profile import profile
    from datensorgfalt.sources.registry import open_tables

    read = []
    tables = list(open_tables(path))
    for table in tables:
        sink = _stage_sink(table, stage) if len(tables) == 1 else None
        try:
            table_profile = profile(table, sink)  # may add issues while streaming: read after
        except BaseException:
            if sink is not None:
                sink.discard()
            raise
        if sink is not None:
            sink.close(schema=_string_schema(table.header))
        read.append((ReadTable(table.location, str(table.name), table.format,
                               dict(table.dialect), list(table.issues),
                               [str(h) for h in table.header],
                               sink.target.name if sink is not None else None), table_profile))
    return read


def _task_sha256_and_tables(path: Path, stage: Path | None = None
                            ) -> tuple[str, list[tuple[ReadTable, Any]]]:
    """The file's sha256 and its tables, the hash computed in a thread of its own while the
    tables are read (hashlib lets go of the GIL): a new file costs one read's time, not two."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="sha256") as pool:
        digest = pool.submit(TASKS["sha256"], path)
        tables = TASKS["tables"](path, *([stage] if stage is not None else []))
        return digest.result(), tables


def _stage_sink(table: Any, stage: Path | None) -> Any:
    from datensorgfalt.engine.staging import ParquetSink
    from datensorgfalt.sources.delimited import DelimitedSource

    return ParquetSink(stage) if stage is not None and isinstance(table, DelimitedSource) \
        else None


def _string_schema(header: list[Any]) -> Any:
    import pyarrow as pa

    return pa.schema([(str(name), pa.string()) for name in header])


def _task_text(path: Path) -> str:
    from datensorgfalt.sources.documents import extract_text

    return extract_text(path)


def _task_image(path: Path) -> dict:
    from datensorgfalt.sources.images import describe_image

    return describe_image(path)


TASKS: dict[str, Callable[..., Any]] = {
    "sha256": _task_sha256, "tables": _task_tables, "sha256_and_tables": _task_sha256_and_tables,
    "text": _task_text, "image": _task_image,
}


# -- errors across the pipe ---------------------------------------------------------------

def _pack_error(exc: BaseException) -> tuple:
    if isinstance(exc, MemoryError):
        return ("memory",)
    if isinstance(exc, DatensorgfaltError):
        values = {k: v if _picklable(v) else str(v) for k, v in exc.values.items()}
        return ("domain", exc.key, values)
    if isinstance(exc, OSError):
        return ("os", type(exc).__name__, exc.errno, exc.strerror, exc.filename)
    return ("other", f"{type(exc).__name__}: {exc}"[:300])


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:  # noqa: BLE001 - anything that does not cross the pipe becomes text
        return False
    return True


OS_ERRORS = {cls.__name__: cls for cls in (FileNotFoundError, PermissionError,
                                           IsADirectoryError, NotADirectoryError)}


def _unpack_error(packed: tuple, limits: Limits) -> BaseException:
    kind = packed[0]
    if kind == "memory":
        return ReadError("scan.limit.file_too_big", memory=_memory_text(limits))
    if kind == "domain":
        return ReadError(packed[1], **packed[2])
    if kind == "os":
        cls = OS_ERRORS.get(packed[1], OSError)
        return cls(packed[2], packed[3], packed[4]) if packed[2] is not None \
            else cls(packed[3] or packed[1])
    return ReadError("scan.finding.read_failed", reason=packed[1])


def _memory_text(limits: Limits) -> str:
    return f"{limits.memory_mb / 1024:.1f} GB" if limits.memory_mb else "?"


# -- the worker process ---------------------------------------------------------------------

def _serve(connection: Connection, memory_mb: int | None, parent: int,
           ahead: tuple[Path, Path] | None = None) -> None:
    """The worker's loop: run tasks until the pipe closes or the scan is gone. With ``ahead``
    (a file and its stage) it first reads that file, as the scan will ask it to."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the scan, which kills us
    # a fork inherits the locks of the scan's threads: the worker never writes to the scan's
    # terminal (a library's warning would wait for a lock held by the progress bar forever)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as we do
    warnings.simplefilter("ignore")
    _preload()  # before the limit: a read's memory is counted on top of the readers'
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file
        if memory_mb:  # on top of what the fork inherits (the scan may hold a lot already)
            limit = (_status_bytes("VmSize") or 0) + memory_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    kept = None
    if ahead is not None:  # the scan watches the memory from here on
        connection.send(("ready", _status_bytes("VmRSS")))
        kept = _run("sha256_and_tables", ahead[0], (ahead[1],))
    while True:
        try:
            task, path, args = connection.recv()
        except (EOFError, OSError):
            return
        reply = _kept_reply(kept, ahead[1], args[0]) if kept is not None else None
        kept = None
        if reply is None:
            reply = _run(task, path, args)
        try:
            connection.send(reply)
        except MemoryError:
            connection.send(("error", ("memory",)))
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            connection.send(("error", _pack_error(exc)))


def _run(task: str, path: Path, args: tuple) -> tuple:
    try:
        return ("ok", TASKS[task](path, *args))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back as data
        return ("error", _pack_error(exc))


def _preload() -> None:
    """The modules the tasks use (loaded already when the scan forked after loading them)."""
    import datensorgfalt.engine.fingerprint
    import datensorgfalt.engine.staging
    import datensorgfalt.services.scan.table_profile
    import datensorgfalt.sources.registry  # noqa: F401


def _kept_reply(kept: tuple, stage: Path, wanted: Path) -> tuple | None:
    """The reply read ahead, its stage renamed to the one the request names (``wanted``); None
    when the rename fails and the task is to be run now. The scan asks for the file read
    ahead only while it is unchanged (``_Ahead.serves``), else it starts a fresh worker."""
    status, value = kept
    if status == "ok":
        try:
            for table, _profile in value[1]:
                if table.staged is not None:
                    stage.replace(wanted)
                    table.staged = wanted.name
        except OSError:
            stage.unlink(missing_ok=True)
            return None
    return kept


def _status_bytes(field: str, pid: int | str = "self") -> int | None:
    """A size from ``/proc/PID/status`` in bytes, e.g. ``VmSize`` (address space) or
    ``VmRSS`` (resident memory); None where /proc does not say."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


@dataclass(frozen=True)
class _Ahead:
    """The file a fresh worker reads before the scan asks for it."""

    path: Path
    stage: Path
    state: tuple[int, int]  # size and mtime when the read began
    started: float  # time.monotonic() then

    def serves(self, task: str, path: Path, args: tuple) -> bool:
        return (task == "sha256_and_tables" and path == self.path and len(args) == 1
                and args[0] is not None and _state(path) == self.state)


def _state(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


class FileWorker:
    """Runs file reads in a child process with limits; ``call`` raises ``ReadError`` for a
    read that ran out of time or memory, or that took the worker down."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or default_limits()
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None
        self._ahead: _Ahead | None = None
        self.isolated = resource is not None and "fork" in multiprocessing.get_all_start_methods()

    def __enter__(self) -> FileWorker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def read_ahead(self, path: Path, stage: Path) -> bool:
        """Start the worker now, reading ``path`` (its table staged at ``stage``) before the
        scan asks: ``call("sha256_and_tables", path, any_stage)`` then gets that reply while
        the file is unchanged. Only for a worker not started yet."""
        state = _state(path)
        if not self.isolated or self._process is not None or state is None:
            return False
        started = time.monotonic()
        _preload()  # here, not in the worker: the scan needs them too (loaded once, not twice)
        self._start((path, stage))
        self._ahead = _Ahead(path, stage, state, started)
        return True

    def call(self, task: str, path: Path, *args: Any) -> Any:
        if not self.isolated:
            return TASKS[task](path, *args)
        ahead, self._ahead = self._ahead, None
        if ahead is not None and not ahead.serves(task, path, args):
            self._stop()  # it reads another file: a fresh worker does this task at once
            ahead.stage.unlink(missing_ok=True)
            ahead = None
        connection = self._start()
        budget = self.limits.budget(_size(path))
        deadline = (ahead.started if ahead is not None else time.monotonic()) + budget
        try:
            before = _status_bytes("VmRSS", self._process.pid)
            connection.send((task, path, args))
            if ahead is not None:  # the read began then; its memory counts from "ready"
                self._wait(connection, deadline, budget, None)
                before = connection.recv()[1]
            self._wait(connection, deadline, budget, before)
            status, value = connection.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            code = self._stop()
            raise ReadError("scan.limit.reader_crashed", memory=_memory_text(self.limits),
                            signal=_signal_name(code)) from exc
        if status == "ok":
            return value
        if value[0] == "memory":
            self._stop()  # after a MemoryError the worker may be half broken: start afresh
        raise _unpack_error(value, self.limits)

    def _wait(self, connection: Connection, deadline: float, budget: float,
              before: int | None) -> None:
        """Wait for the reply; stop the worker when the read outgrows the memory limit (in
        resident memory, on top of what the worker held before) or its time budget."""
        while not connection.poll(min(WATCH_SECONDS, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                self._stop()
                raise ReadError("scan.limit.file_too_slow", seconds=round(budget))
            if self._outgrown(before):
                self._stop()
                raise ReadError("scan.limit.file_too_big", memory=_memory_text(self.limits))

    def _outgrown(self, before: int | None) -> bool:
        if not self.limits.memory_mb or before is None or self._process is None:
            return False
        now = _status_bytes("VmRSS", self._process.pid)
        return now is not None and now - before > self.limits.memory_mb * 2**20

    def _start(self, ahead: tuple[Path, Path] | None = None) -> Connection:
        if self._process is not None and self._process.is_alive() and self._connection:
            return self._connection
        self._stop()
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs, self.limits.memory_mb,
                                                       os.getpid(), ahead),
                                  name="datensorgfalt-reader", daemon=True)
        _start_inside_daemon(process)
        theirs.close()
        self._process, self._connection = process, ours
        return ours

    def _stop(self) -> int | None:
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()
        if process is None:
            return None
        if process.is_alive():
            process.kill()
        process.join(5)
        return process.exitcode

    def close(self) -> None:
        self._stop()
        if self._ahead is not None:  # read ahead, never asked for
            self._ahead.stage.unlink(missing_ok=True)
            self._ahead = None


def read_ahead(workspace: Workspace, targets: list[str]) -> FileWorker:
    """The scan's worker with the workspace's limits, already reading the first target when
    it is a regular file large enough to be staged while it is read (the scan asks for it
    first) and the catalog does not know it yet (a known file is mostly unchanged)."""
    worker = FileWorker(default_limits(workspace.settings))
    if not targets or "://" in targets[0]:
        return worker
    path = Path(os.path.abspath(targets[0]))  # as discover names it
    try:
        found = path.stat()
    except OSError:
        return worker
    if stat.S_ISREG(found.st_mode) and found.st_size >= STAGE_WHILE_SCANNING_BYTES \
            and knows_file(workspace.db_url, file_location(path)) is False:
        worker.read_ahead(path, workspace.path("tmp", f"scan-{os.getpid()}-ahead.parquet"))
    return worker


def _start_inside_daemon(process: multiprocessing.process.BaseProcess) -> None:
    """Start ``process`` also from a daemonic process (the web app runs its jobs in one).
    multiprocessing forbids that so no child outlives its parent; ours watches its parent and
    ends with it (``_watch_parent``)."""
    config = multiprocessing.current_process()._config  # noqa: SLF001 - see above
    daemonic = config.get("daemon")
    config["daemon"] = False
    try:
        process.start()
    finally:
        config["daemon"] = daemonic


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _signal_name(code: int | None) -> str:
    if code is None or code >= 0:
        return str(code)
    try:
        return signal.Signals(-code).name
    except ValueError:
        return str(code)
