"""Time box of a PoC: steps ask before they start whether they still fit into the budget."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass
class Deadline:
    """Seconds left, plus what each kind of step took so far (to predict the next one)."""

    budget: float
    started: float = field(default_factory=time.monotonic)
    durations: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    progress: StepProgress | None = None
    failed: dict[str, str] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def left(self) -> float:
        return self.budget - self.elapsed

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
    """Run ``work`` if it fits; give up on it when the budget (plus ``grace``) is used up.

    The work runs in a daemon thread, so a model that takes too long is abandoned rather than
    waited for; Ctrl-C stops the PoC and keeps what was finished so far.
    """
    import threading

    if deadline.interrupted or not deadline.fits(step, estimate):
        return None
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except Exception as exc:  # one failing model must not stop the PoC
            box["error"] = exc

    deadline.say(step)
    start = time.monotonic()
    worker = threading.Thread(target=target, name=f"poc-{step}", daemon=True)
    worker.start()
    try:
        worker.join(timeout=max(deadline.left + grace, 0.1))
    except KeyboardInterrupt:
        deadline.interrupted = True
        deadline.skipped.append(step)
        return None
    if worker.is_alive():
        deadline.skipped.append(step)
        return None
    deadline.record(step, time.monotonic() - start)
    if "error" in box:
        deadline.failed[step] = f"{type(box['error']).__name__}: {box['error']}"
        return None
    return box.get("value")
