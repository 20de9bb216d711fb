"""Time box of a PoC: the default budget grows with the work, steps ask before they start
whether they still fit, and a step that overruns is a process that is stopped (not a thread
that is left running)."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from datensorgfalt.errors import DatensorgfaltError

StepProgress = Callable[[str], None]  # the name of the step that starts


class InvalidBudget(DatensorgfaltError):
    """The budget could not be read as a duration."""


def parse_budget(text: str | float | int | None, default: float = 60.0) -> float:
    """``60``, ``60s``, ``2m``, ``1,5 min`` -> seconds."""
    if text is None or text == "":
        return default
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        match = re.fullmatch(r"\s*([\d.,]+)\s*(s|sek|sec|m|min|h|std)?\s*", str(text).lower())
        if not match:
            raise InvalidBudget("poc.error.budget", text=text)
        unit = {"m": 60, "min": 60, "h": 3600, "std": 3600}.get(match[2] or "s", 1)
        seconds = float(match[1].replace(",", ".")) * unit
    if seconds <= 0:
        raise InvalidBudget("poc.error.budget", text=text)
    return seconds


# default budget: seconds to start with, plus seconds per unit of work (measured on 2 cores:
# M3 monthly, 167,000 points, needs about 3 minutes for the three forecasters), within limits
BUDGET_BASE = 20.0
BUDGET_RATE = {"points": 1 / 900, "cells": 1 / 4000, "chars": 1 / 40000, "items": 1 / 12}
BUDGET_MIN, BUDGET_MAX = 60.0, 600.0  # at least the old fixed default


def default_budget(kind: str | None, work: dict[str, int]) -> float:
    """A budget that grows with the work (points of all series, cells of a table, characters
    of the texts, number of images): rounded to 15 seconds, whole minutes above two."""
    unit = next((u for u in BUDGET_RATE if u in work), "items")
    seconds = BUDGET_BASE + work.get(unit, 0) * BUDGET_RATE[unit]
    seconds = min(max(seconds, BUDGET_MIN), BUDGET_MAX)
    step = 60.0 if seconds > 120 else 15.0
    return float(-(-seconds // step) * step)


def allowed(budget: float) -> float:
    """The longest the whole command may take: the budget plus 10 % (at least a second)."""
    return max(budget * 1.1, budget + 1.0)


# seconds for writing plots, model card and catalog after the last model (part of the budget)
FINISH_SHARE, FINISH_MIN, FINISH_MAX = 0.1, 0.5, 15.0


@dataclass
class Deadline:
    """Seconds left for models, plus what each kind of step took so far (to predict the next
    one). ``started`` may lie before the PoC itself (the command's start: reading the data
    counts); a share of the budget is kept back for writing the results."""

    budget: float
    started: float = field(default_factory=time.monotonic)
    durations: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    progress: StepProgress | None = None
    failed: dict[str, str] = field(default_factory=dict)
    interrupted: bool = False
    stopped: list[str] = field(default_factory=list)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def reserve(self) -> float:
        return min(max(self.budget * FINISH_SHARE, FINISH_MIN), FINISH_MAX, self.budget / 2)

    @property
    def left(self) -> float:
        """Seconds the models may still use."""
        return self.budget - self.reserve - self.elapsed

    def fits(self, step: str, estimate: float = 0.0) -> bool:
        """Whether ``step`` (expected to take ``estimate`` seconds) still fits."""
        ok = self.left > max(estimate, 0.0)
        if not ok:
            self.skipped.append(step)
        return ok

    def record(self, step: str, seconds: float) -> None:
        self.durations[step] = seconds

    def say(self, message: str) -> None:
        if self.progress:
            self.progress(message)


class Timer:
    """``with Timer(deadline, "step"):`` records how long the step took."""

    def __init__(self, deadline: Deadline, step: str) -> None:
        self.deadline, self.step = deadline, step

    def __enter__(self) -> Timer:
        self.start = time.monotonic()
        self.deadline.say(self.step)
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.monotonic() - self.start
        self.deadline.record(self.step, self.seconds)


def run_step(deadline: Deadline, step: str, work: Callable[[], object],
             estimate: float = 0.0, grace: float = 2.0) -> object | None:
    """Run ``work`` in a child process if it fits; stop the process (and everything it
    started) when the budget is used up. ``grace`` lets a first, indispensable step run a
    little longer, at most 5 % of the budget. Ctrl-C stops the PoC and keeps what was finished
    so far. A failing step is noted in ``deadline.failed`` and gives ``None``."""
    if deadline.interrupted or not deadline.fits(step, estimate):
        return None
    deadline.say(step)
    start = time.monotonic()
    wait = max(deadline.left + min(grace, 0.05 * deadline.budget), 0.05)
    try:
        status, value = in_process(work, wait)
    except KeyboardInterrupt:
        deadline.interrupted = True
        deadline.skipped.append(step)
        return None
    if status == "timeout":
        deadline.skipped.append(step)
        deadline.stopped.append(step)
        return None
    deadline.record(step, time.monotonic() - start)
    if status == "error":
        deadline.failed[step] = str(value)
        return None
    return value


def in_process(work: Callable[[], object], timeout: float) -> tuple[str, object]:
    """``("ok", result)``, ``("error", text)`` or ``("timeout", None)``: ``work`` runs in a
    forked process of its own process group, which is stopped when it takes longer than
    ``timeout`` seconds (the models' own worker processes with it)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, work), name="datensorgfalt-poc")
    child.start()
    send.close()
    _own_group(child.pid)
    try:
        if receive.poll(timeout):
            try:
                return receive.recv()
            except EOFError:  # the process died without an answer (killed, out of memory)
                return "error", f"exit code {child.exitcode}"
        return "timeout", None
    finally:
        receive.close()
        stop(child)


def _child(send: Connection, work: Callable[[], object]) -> None:
    _own_group(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        message: tuple[str, object] = ("ok", work())
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, never raised
        message = ("error", f"{type(exc).__name__}: {exc}")
    try:
        send.send(message)
    except Exception as exc:  # an answer that cannot be pickled
        send.send(("error", f"{type(exc).__name__}: {exc}"))
    send.close()


def _own_group(pid: int) -> None:
    with contextlib.suppress(OSError):  # already done by the other side, or the child is gone
        os.setpgid(pid, pid if pid else 0)


def stop(child: multiprocessing.process.BaseProcess) -> None:
    """End ``child`` and its process group: politely, then for good."""
    child.join(0.05)
    for sig, wait in ((signal.SIGTERM, 1.0), (signal.SIGKILL, 2.0)):
        if child.exitcode is not None and not _group_alive(child.pid):
            break
        try:
            os.killpg(child.pid, sig)
        except OSError:
            child.kill() if sig == signal.SIGKILL else child.terminate()
        child.join(wait)
    child.join(0.1)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except OSError:
        return False
    return True
