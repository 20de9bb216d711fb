"""The throwaway PostgreSQL of a test run that was killed (CI timeout, Ctrl+C twice) does not
stay behind: the next run stops and removes it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from tests.helpers.pg import remove_orphans

KILLED_RUN = """
import sys
from tests.helpers.pg import PostgresCluster
cluster = PostgresCluster()
cluster.start()
print(cluster.root, cluster.port, flush=True)
sys.stdin.read()
"""


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def test_a_killed_runs_cluster_is_stopped_and_removed_by_the_next() -> None:
    root_dir = Path(__file__).resolve().parents[1]
    run = subprocess.Popen([sys.executable, "-c", KILLED_RUN], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True, cwd=root_dir,
                           env={**os.environ, "PYTHONPATH": str(root_dir)})
    root, port = run.stdout.readline().split()
    os.kill(run.pid, signal.SIGKILL)
    run.wait(10)
    assert _listening(int(port)) and Path(root).exists()
    remove_orphans()  # what the next run does first (another run may have done it already)
    assert not _listening(int(port)) and not Path(root).exists()
