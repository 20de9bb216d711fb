"""A throwaway PostgreSQL cluster for the test run: temp folder, loopback port, torn down after.
A run that was killed before it could tear its cluster down leaves it running: the next run
stops and removes the clusters whose test process is gone.

The machines run as root and ``initdb`` refuses root, so the server runs as ``postgres``.
If the server cannot be started the PostgreSQL tests fail loudly; they are never skipped.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.helpers.processes import free_port


def _bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL-Programm {name} fehlt: make system-deps installiert es")
    return found


def _as_server_user() -> tuple[list[str], Callable[[Path], None]]:
    if os.geteuid() != 0:
        return [], lambda path: None
    user = pwd.getpwnam("postgres")

    def chown(path: Path) -> None:
        os.chown(path, user.pw_uid, user.pw_gid)

    return ["runuser", "-u", "postgres", "--"], chown


PREFIX = "ds-pg-"
OWNER = "owner.pid"  # the test process a cluster belongs to


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_orphans() -> list[Path]:
    """Stop and remove the clusters of test runs that no longer run; returns their folders."""
    removed = []
    for root in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            owner = int((root / OWNER).read_text())
        except (OSError, ValueError):
            continue  # not ours, or still being set up
        if not _alive(owner):
            subprocess.run([*_as_server_user()[0], _bin("pg_ctl"), "-D", str(root / "data"),
                            "-m", "immediate", "stop"], capture_output=True)
            shutil.rmtree(root, ignore_errors=True)
            removed.append(root)
    return removed


class PostgresCluster:
    def __init__(self) -> None:
        remove_orphans()
        self.root = Path(tempfile.mkdtemp(prefix=PREFIX))
        (self.root / OWNER).write_text(str(os.getpid()))
        self.data = self.root / "data"
        self.port = free_port()
        self.prefix, chown = _as_server_user()
        os.chmod(self.root, 0o755)
        chown(self.root)
        self._databases = 0

    def start(self) -> None:
        run = self.prefix
        subprocess.run([*run, _bin("initdb"), "-D", str(self.data), "-U", "postgres",
                        "-A", "trust", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True)
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        subprocess.run([*run, _bin("pg_ctl"), "-D", str(self.data), "-o", options,
                        "-l", str(self.root / "server.log"), "-w", "-t", "60", "start"],
                       check=True, capture_output=True)
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("PostgreSQL startete nicht: " + self.log())

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        self._databases += 1
        name = f"test_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self.prefix, _bin("pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)
