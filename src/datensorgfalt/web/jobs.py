"""Long work in a worker process: one job at a time per workspace, progress in a small JSON
file the worker writes, a cancel that ends the worker and everything it started.

The job survives a page reload (the server keeps it), and a second start while one runs is
refused with a sentence instead of starting twice.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.web import worker

FINISHED = ("done", "failed", "cancelled")


class JobRunning(DatensorgfaltError):
    """A job is already running for this workspace."""

    status = 409


@dataclass
class Job:
    id: str
    kind: str
    params: dict[str, Any]
    state_file: Path
    started: float = field(default_factory=time.time)
    process: Any = None

    def state(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_file.read_text("utf-8"))
        except (OSError, ValueError):
            state = {"state": "running", "done": 0, "total": 0, "label": ""}
        state.update(id=self.id, kind=self.kind, started=self.started,
                     elapsed=round(time.time() - self.started, 1))
        if state["state"] == "running" and self.process is not None and \
                not self.process.is_alive() and self.process.exitcode is not None:
            state.update(state="failed", error_key="web.error.worker_died")
        if state["state"] == "running":
            state["remaining"] = _remaining(state, self.params)
        state["pid"] = self.process.pid if self.process is not None else None
        return state


def _remaining(state: dict[str, Any], params: dict[str, Any]) -> float | None:
    """Seconds still to go: from the budget of a PoC, else from the pace so far."""
    elapsed = state["elapsed"]
    if params.get("budget"):
        return max(round(float(params["budget"]) + 5 - elapsed), 1)
    done, total = state.get("done") or 0, state.get("total") or 0
    if done and total and total > done:
        return round(elapsed / done * (total - done))
    return None


class Jobs:
    """The jobs of one app (one workspace)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = Path(tempfile.mkdtemp(prefix="datensorgfalt-web-"))
        self.current: Job | None = None
        self.last: dict[str, Job] = {}

    def running(self) -> Job | None:
        job = self.current
        return job if job is not None and job.state()["state"] not in FINISHED else None

    def start(self, kind: str, params: dict[str, Any], lang: str) -> Job:
        if self.running() is not None:
            raise JobRunning("web.error.busy", kind=t(f"web.job.kind.{self.current.kind}"))
        job = Job(uuid.uuid4().hex[:12], kind, params, self.folder / "job.json")
        job.state_file.write_text(json.dumps({"state": "running", "done": 0, "total": 0,
                                              "label": ""}), "utf-8")
        context = multiprocessing.get_context("spawn")
        job.process = context.Process(target=worker.main, daemon=True, args=(
            kind, params, str(self.root), lang, str(job.state_file)))
        job.process.start()
        self.current = self.last[kind] = job
        return job

    def cancel(self) -> dict[str, Any] | None:
        """Stop the running job: the worker's whole process group ends."""
        job = self.running()
        if job is None:
            return None
        _stop(job.process)
        state = job.state() | {"state": "cancelled"}
        job.state_file.write_text(json.dumps(state), "utf-8")
        return job.state()

    def latest(self, kind: str | None = None) -> dict[str, Any] | None:
        job = self.last.get(kind) if kind else self.current
        return job.state() if job else None

    def close(self) -> None:
        if self.running() is not None:
            _stop(self.current.process)


def _stop(process: Any) -> None:
    for sig, wait in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        try:
            if os.getpgid(process.pid) == process.pid:  # the worker has its own group
                os.killpg(process.pid, sig)
            else:
                os.kill(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        process.join(wait)
        if not process.is_alive():
            return
