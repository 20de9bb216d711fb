"""The SuperNode of one party: Flower's own ``flower-supernode``, started through this module
so that it looks for the next message every ``POLL_SECONDS`` instead of every 3 seconds.

flwr 1.42 hard-codes those waits in the SuperNode's loop (``time.sleep(3)`` when nothing
arrived, ``time.sleep(0.5)`` while the ClientApp's reply is not ready) and offers no option or
environment variable for them; each round paid up to 3.5 s for them at every party. Only the
sleeps of that one module are shortened, and it starts the SuperExec of ``forkserver`` (Flower's
``flower-superexec`` whose ClientApp processes are forked from a process that has imported
them) in place of ``flower-superexec``; everything else is Flower's code unchanged.
"""

from __future__ import annotations

import subprocess
import sys
import time

from datensorgfalt.services.federated.forkserver import COMMAND as SUPEREXEC

POLL_SECONDS = 0.2


class _QuickTime:
    """The ``time`` module for that one Flower module: its sleeps capped, everything else the
    real module (so a later Flower that also asks for the clock keeps working)."""

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(min(seconds, POLL_SECONDS))

    def __getattr__(self, name: str) -> object:
        return getattr(time, name)


class _OurSuperExec:
    """The ``subprocess`` module for that one Flower module: ``flower-superexec`` is started as
    ``forkserver.COMMAND`` with the same arguments, everything else is unchanged."""

    @staticmethod
    def Popen(args: list[str], **kwargs: object) -> subprocess.Popen:  # noqa: N802
        if args and args[0] == "flower-superexec":
            args = [*SUPEREXEC, *args[1:]]
        return subprocess.Popen(args, **kwargs)  # type: ignore[call-overload]

    def __getattr__(self, name: str) -> object:
        return getattr(subprocess, name)


def main() -> None:
    from flwr.supernode import start_client_internal as loop
    from flwr.supernode.cli import flower_supernode

    if getattr(loop, "time", None) is time:  # another Flower version: leave it as it is
        loop.time = _QuickTime()  # type: ignore[assignment]
    if getattr(loop, "subprocess", None) is subprocess:
        loop.subprocess = _OurSuperExec()  # type: ignore[assignment]
    sys.argv[0] = "flower-supernode"
    flower_supernode()


if __name__ == "__main__":
    main()
