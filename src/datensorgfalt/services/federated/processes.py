"""The real Flower processes of a federation on this machine: one SuperLink, one SuperNode per
party, on loopback with free ports. ``Federation`` is a context manager: every process it
started, and every process those started, is gone when it is left (also on Ctrl+C or an
error). Telemetry and update checks of Flower are switched off by environment variables."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import tomli_w

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.federated.tls import Certificates
from datensorgfalt.services.outputs import writing

QUIET_FLOWER = {"FLWR_TELEMETRY_ENABLED": "0", "FLWR_DISABLE_UPDATE_CHECK": "1",
                "FLWR_TELEMETRY_LOGGING": "0",
                # start an app process 0.2 s after its task arrives, not up to 1 s
                "FLWR_SUPEREXEC_TASK_POLL_INTERVAL": "0.2"}
GRACE_SECONDS = 3.0
PR_SET_PDEATHSIG = 1
PID_FILE = "prozesse.json"  # name -> process id of every process started (to check by PID)


LOWEST_PORT = 20000
PORT_TRIES = 100
EPHEMERAL_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _ephemeral_start() -> int:
    """The first port the kernel hands out to outgoing connections (Linux; 32768 else)."""
    try:
        return int(EPHEMERAL_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


class NoFreePort(DatensorgfaltError):
    """No port could be bound on the host (not an address of this machine, or all taken)."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on, below the ports the kernel gives outgoing connections: a
    Flower process binds it seconds after this probe (longer on a busy machine), and in
    between an outgoing connection of another process of the federation could otherwise
    take it (then that process cannot start its server and ends)."""
    top = _ephemeral_start()
    for _ in range(PORT_TRIES):
        port = random.randrange(LOWEST_PORT, top) if top > LOWEST_PORT + 100 else 0
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise NoFreePort("federated.error.no_free_port", host=host, tries=PORT_TRIES,
                     low=LOWEST_PORT, high=top - 1)


def listening(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def executable(name: str) -> str:
    """A Flower command next to this Python (the same environment), else on the PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def flower_environment(home: Path) -> dict[str, str]:
    env = dict(os.environ) | QUIET_FLOWER | {"FLWR_HOME": str(home)}
    source = str(Path(__file__).resolve().parents[3])  # the folder holding `datensorgfalt`
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([source, *[p for p in paths if p != source]])
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _end_with_parent() -> None:
    """Linux: the process gets SIGTERM when the command that started it dies, even by
    SIGKILL (elsewhere the ``Federation`` alone stops it)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def descendants(pid: int) -> list[int]:
    """All processes below ``pid`` (from /proc; empty where there is none)."""
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    if not proc.exists():
        return []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class Federation:
    """SuperLink and SuperNodes of one run; ``folder`` holds their logs and Flower home."""

    def __init__(self, folder: Path, certificates: Certificates | None,
                 host: str = "127.0.0.1") -> None:
        self.folder = folder
        self.certificates = certificates
        self.host = host
        self.home = folder / "flower"
        self.logs = folder / "protokolle"
        self.home.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.env = flower_environment(self.home)
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarts: dict[str, Callable[..., subprocess.Popen]] = {}
        self.port = 0
        self.pids: set[int] = set()

    def __enter__(self) -> Federation:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    # -- starting ---------------------------------------------------------------------------
    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed when it ends
        try:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, env=self.env, cwd=self.folder,
                                       start_new_session=True, preexec_fn=_end_with_parent)
        finally:
            log.close()
        self.processes[name] = process
        self.pids.add(process.pid)
        with writing(self.folder / PID_FILE) as temp:  # whole or not at all, for any reader
            temp.write_text(json.dumps({n: p.pid for n, p in self.processes.items()}), "utf-8")
        return process

    def _tls_server(self) -> list[str]:
        if self.certificates is None:
            return ["--insecure"]
        c = self.certificates
        return ["--ssl-certfile", str(c.cert), "--ssl-keyfile", str(c.key),
                "--ssl-ca-certfile", str(c.ca)]

    def start_superlink(self, port: int | None = None, timeout: float = 30.0) -> int:
        self.port = port or free_port(self.host)
        process = self._start("superlink", [
            executable("flower-superlink"), *self._tls_server(), "--host", self.host,
            "--port", str(self.port), "--disable-runtime-dependency-installation"])
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if process.poll() is not None:
                raise ProcessFailed("superlink", self.log_tail("superlink"))
            if listening(self.host, self.port):
                return self.port
            time.sleep(0.1)
        raise ProcessFailed("superlink", self.log_tail("superlink"))

    def start_supernode(self, name: str, node_config: dict[str, str], *,
                        superlink: str | None = None, max_wait: float | None = None,
                        root_ca: Path | None = None, port: int | None = None
                        ) -> subprocess.Popen:
        """A SuperNode for one party; ``node_config`` reaches its ClientApp. It trusts
        ``root_ca`` (default: this federation's CA; none and no CA: no TLS) and serves its
        ClientApps on ``port`` (default: a free one)."""
        config_file = self.home / f"{name}.toml"
        config_file.write_text(tomli_w.dumps(node_config), "utf-8")
        root_ca = root_ca or (self.certificates.ca if self.certificates else None)
        tls = ["--insecure"] if root_ca is None else ["--root-certificates", str(root_ca)]
        if self.certificates is not None:  # its local Runtime API with TLS too
            tls += self._tls_server()
        limits = [] if max_wait is None else ["--max-retries", "3",
                                              "--max-wait-time", str(int(max_wait))]

        def start(port: int | None = None) -> subprocess.Popen:
            return self._start(name, [
                sys.executable, "-m", "datensorgfalt.services.federated.supernode", *tls,
                "--superlink", superlink or f"{self.host}:{self.port}",
                "--port", str(port or free_port(self.host)), "--node-config", str(config_file),
                *limits])
        self.restarts[name] = start
        return start(port)

    def restart_failed_start(self, name: str) -> bool:
        """Start the SuperNode ``name`` once more (with a new port) if it ended by itself with
        an error, for example because it could not start its server or reach the SuperLink
        on a busy machine; not if it was killed or stopped by a signal, and only once.
        Callers use it only before the party has joined the training."""
        process, start = self.processes.get(name), self.restarts.pop(name, None)
        if process is None or start is None or (process.returncode or 0) <= 0:
            return False
        failed = self.logs / f"{name}.log"
        if failed.exists():
            failed.replace(self.logs / f"{name}.erster-versuch.log")
        start()
        return True

    def submit(self, app: Path, timeout: float = 180.0) -> str:
        """Start the run of the app bundle ``app`` through the SuperLink's Control API (``flwr``
        is a heavy program to start: on a busy 2-core machine it took over a minute)."""
        connection: dict[str, object] = {"address": f"{self.host}:{self.port}"}
        if self.certificates is None:
            connection["insecure"] = True
        else:
            connection["root-certificates"] = str(self.certificates.ca)
        config = {"superlink": {"default": "federation", "federation": connection}}
        (self.home / "config.toml").write_text(tomli_w.dumps(config), "utf-8")
        try:
            done = subprocess.run([executable("flwr"), "run", str(app), "federation",
                                   "--format", "json"], env=self.env, cwd=self.folder,
                                  capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ProcessFailed("flwr run", "", timeout=timeout) from exc
        (self.logs / "flwr-run.log").write_text(done.stdout + done.stderr, "utf-8")
        if done.returncode != 0 or '"success": true' not in done.stdout:
            raise ProcessFailed("flwr run", (done.stdout + done.stderr)[-800:])
        return done.stdout

    # -- watching and stopping --------------------------------------------------------------
    def ended(self) -> list[str]:
        """Names of the started processes that are no longer running."""
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def log_tail(self, name: str, size: int = 800) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text("utf-8", "replace")[-size:] if path.exists() else ""

    def stop_one(self, name: str) -> None:
        process = self.processes.get(name)
        if process is not None:
            _stop_tree([process])

    def stop(self) -> None:
        _stop_tree(list(self.processes.values()), marked(self.home))

    def leftovers(self) -> list[int]:
        return [pid for pid in self.pids if alive(pid)]


def marked(home: Path) -> list[int]:
    """Running processes that carry this federation's Flower home in their environment: every
    process it started and their children, also those orphaned by a party that was killed."""
    marker = f"FLWR_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").exists() else []:
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            with contextlib.suppress(OSError):
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
    return [pid for pid in found if alive(pid)]


def _stop_tree(processes: list[subprocess.Popen], others: list[int] | None = None) -> None:
    """SIGTERM to every process, its children and ``others``, SIGKILL to whatever is left
    after a grace period; reaps the processes started here."""
    tree = {p.pid: [p.pid, *descendants(p.pid)] for p in processes if p.poll() is None}
    everyone = list(dict.fromkeys([pid for pids in tree.values() for pid in pids]
                                  + [pid for pid in others or [] if pid not in tree]))
    for pid in reversed(everyone):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    end = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < end and any(alive(pid) for pid in everyone):
        for p in processes:
            p.poll()
        time.sleep(0.1)
    for pid in everyone:
        if alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    for p in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(5)


class ProcessFailed(Exception):
    """A Flower process did not start or ended early (``name``, end of its log), or did not
    finish within ``timeout`` seconds."""

    def __init__(self, name: str, log: str, timeout: float | None = None) -> None:
        super().__init__(name)
        self.name = name
        self.log = log
        self.timeout = timeout
