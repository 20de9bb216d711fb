"""The SuperExec of one party: Flower's own ``flower-superexec``, whose executor starts each
ClientApp process from a fork server that has already imported Flower and our ClientApps.

flwr 1.42 runs every message a party receives in a new ``flwr-clientapp`` process (Flower's
process isolation); each one imported Flower, numpy, pandas and the ClientApp module anew:
1.2 s of CPU when the machine is idle, over 10 s of wall time on a busy 2-core machine, and a
run of 10 rounds sends every party 14 messages (56 with secure aggregation). Here Flower's
subprocess executor is kept for everything but the ClientApp; a ClientApp process is still one
new process per message with Flower's own ``flwr-clientapp`` code and arguments (token,
Runtime API address, TLS, parent PID), only forked from ``multiprocessing``'s fork server
(a clean process without threads or connections, which imported ``PRELOAD`` once) instead of
started from nothing. The fork server ends when this SuperExec ends; a ClientApp ends when
its SuperExec does (Flower's ``--parent-pid`` watch), and the ``Federation`` finds all of them
by their Flower home (``processes.marked``).

Started by the SuperNode (``supernode.main`` puts this command in place of
``flower-superexec``).
"""

from __future__ import annotations

import importlib
import multiprocessing
import subprocess
import sys
from multiprocessing.context import BaseContext

# Flower's ClientApp command, the ClientApps, and what they import lazily for every message
# (the HTTP client of the Runtime API, pandas' parquet reader)
PRELOAD = ["flwr.supernode.cli", "flwr.supernode.runtime.run_clientapp",
           "datensorgfalt.services.federated.apps", "datensorgfalt.services.federated.secure",
           "httpcore", "pyarrow.parquet", "pyarrow.dataset"]
COMMAND = [sys.executable, "-c",
           "from datensorgfalt.services.federated.forkserver import main; main()"]
CLIENT_APP = "flwr-clientapp"


def clientapp(argv: list[str]) -> None:
    """Inside the forked process: Flower's ``flwr-clientapp`` command with ``argv``."""
    import numpy as np
    from flwr.supernode.cli import flwr_clientapp

    # fresh entropy, as a new process has: every forked process starts with the fork server's
    # numpy random state (SecAgg+ rounds the parameters stochastically with np.random)
    np.random.seed()

    sys.argv = [CLIENT_APP, *argv]
    flwr_clientapp()


class _ForkingPopen:
    """``subprocess`` for Flower's executor module while it launches: ``Popen`` of a ClientApp
    (with its output shown, as Flower does for ClientApps) forks, anything else is
    ``subprocess.Popen``."""

    def __init__(self, context: BaseContext) -> None:
        self.context = context

    def Popen(self, args: list[str], **kwargs: object) -> object:  # noqa: N802 - its name
        if kwargs or not args or args[0] != CLIENT_APP:
            return subprocess.Popen(args, **kwargs)  # type: ignore[call-overload]
        # daemon: ended when the SuperExec ends (not waited for, it would wait for them)
        process = self.context.Process(target=clientapp, args=(list(args[1:]),),
                                       name=CLIENT_APP, daemon=True)
        process.start()
        return process


def forking_executor() -> object:
    """Flower's subprocess executor, whose ClientApp processes are forked from the server."""
    from multiprocessing import forkserver

    from flwr.supercore.superexec.executor import subprocess_executor

    class ForkingExecutor(subprocess_executor.SubprocessExecutor):
        def __init__(self) -> None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            forkserver.ensure_running()  # imports PRELOAD now, before the first message
            self.popen = _ForkingPopen(context)

        def launch(self, spec: object) -> object:
            subprocess_executor.subprocess = self.popen  # type: ignore[attr-defined]
            try:
                return super().launch(spec)  # type: ignore[arg-type]
            finally:
                subprocess_executor.subprocess = subprocess  # type: ignore[attr-defined]

        def reconcile(self) -> None:
            multiprocessing.active_children()  # reaps the ClientApp processes that ended

    return ForkingExecutor()


def main() -> None:
    from flwr.supercore.cli.flower_superexec import flower_superexec
    run_superexec = importlib.import_module("flwr.supercore.superexec.run_superexec")

    original = getattr(run_superexec, "get_executor", None)

    def get_executor(executor_type: object, *args: object, **kwargs: object) -> object:
        if executor_type == run_superexec.ExecutorType.SUBPROCESS and \
                "forkserver" in multiprocessing.get_all_start_methods():  # not on Windows
            return forking_executor()
        return original(executor_type, *args, **kwargs)  # type: ignore[arg-type]

    if original is not None:  # another Flower version: its own executor
        run_superexec.get_executor = get_executor  # type: ignore[assignment]
    sys.argv[0] = "flower-superexec"
    flower_superexec()
