"""A federated run that cannot go on ends in one German sentence, and leaves no process."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from pathlib import Path

import pytest

from datensorgfalt.cli.errors import sentence_for
from datensorgfalt.i18n import t
from datensorgfalt.services.federated.forkserver import PRELOAD
from datensorgfalt.services.federated.processes import (
    LOWEST_PORT,
    Federation,
    NoFreePort,
    alive,
    descendants,
    free_port,
)
from tests.federated.conftest import (
    federation_folder,
    flower_processes,
    start_cli,
    started_pids,
    wait_for,
    workspace_with_companies,
)

COMPANIES = {"a": (60, 0.3), "b": (80, 0.3), "c": (60, 0.3)}


def _run(root: Path, rounds: int, *extra: str):
    return start_cli("federated", "run", "--party", "A=a.csv", "--party", "B=b.csv",
                     "--party", "C=c.csv", "--target", "ausfall", "--rounds", str(rounds),
                     *extra, cwd=root)


def _no_process_left(folder: Path) -> None:
    for name, pid in started_pids(folder).items():
        stat = Path(f"/proc/{pid}/stat")
        assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] == "Z", name
    assert flower_processes(folder) == []


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _fork_server_ready(supernode: int) -> bool:
    """The party's ClientApp processes fork from a server that has imported ``PRELOAD``
    (pandas' parquet reader, pyarrow, among them) instead of starting from nothing."""
    servers = [pid for pid in descendants(supernode)
               if "multiprocessing.forkserver" in _cmdline(pid)]
    with contextlib.suppress(OSError, IndexError):
        maps = Path(f"/proc/{servers[0]}/maps").read_text()
        return "libarrow" in maps and all(m in _cmdline(servers[0]) for m in PRELOAD)
    return False


def test_a_supernode_killed_mid_round_stops_the_run_clearly(tmp_path: Path) -> None:
    """With secure aggregation, whose rounds take four exchanges: party B dies after its
    first message of a round; its SuperExec and fork server end too."""
    root = workspace_with_companies(tmp_path / "ws", COMPANIES)
    process = _run(root, 50, "--secagg")
    try:
        assert wait_for(lambda: (f := federation_folder(root)) is not None and (
            f / "teilnehmer-2" / "gesendet.jsonl").exists(), 120), "training did not start"
        folder = federation_folder(root)
        nodes = started_pids(folder)
        assert all(_fork_server_ready(nodes[f"supernode-{i}"]) for i in (1, 2, 3))
        os.kill(nodes["supernode-2"], signal.SIGKILL)
        killed = time.monotonic()
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert time.monotonic() - killed < 30
    assert process.returncode == 1
    assert "Der Prozess von B ist in Runde" in stderr and "ausgefallen" in stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    _no_process_left(folder)


def test_ctrl_c_ends_every_flower_process(tmp_path: Path) -> None:
    root = workspace_with_companies(tmp_path / "ws", COMPANIES)
    process = _run(root, 50, "--insecure")
    try:
        assert wait_for(lambda: (f := federation_folder(root)) is not None and
                        "supernode-3" in started_pids(f), 120)
        time.sleep(1.0)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "Traceback" not in stderr
    _no_process_left(federation_folder(root))


@pytest.mark.parametrize(("content", "expected"), [
    ("missing_target", "fehlt die Zielspalte „ausfall“"),
    ("garbage", "lassen sich nicht als Tabelle lesen"),
    ("three_rows", "hat nur 3 Zeilen"),
])
def test_bad_input_of_one_party_is_one_german_sentence(cli, tmp_path: Path, content: str,
                                                       expected: str) -> None:
    root = workspace_with_companies(tmp_path / "ws", {"a": (60, 0.3), "b": (60, 0.3)}, cli)
    bad = root / ("b.xlsx" if content == "garbage" else "b.csv")
    if content == "missing_target":
        text = (root / "b.csv").read_text().replace("ausfall", "status")
        bad.write_text(text)
    elif content == "garbage":
        bad.write_bytes(b"PK\x03\x04 not really a spreadsheet \x00\x01\x02" * 20)
    else:
        bad.write_text("\n".join((root / "b.csv").read_text().splitlines()[:4]) + "\n")
    result = cli("federated", "run", "--party", "A=a.csv", "--party", f"B={bad.name}",
                 "--target", "ausfall", "--insecure", cwd=root)
    assert result.exit_code == 1
    message = result.output.strip()
    assert expected in message and "B" in message and len(message.splitlines()) == 1
    assert "Traceback" not in result.output
    assert federation_folder(root) is None  # nothing started


def test_server_ports_lie_below_the_ports_of_outgoing_connections() -> None:
    """A Flower process binds its port seconds after it was probed; an outgoing connection
    of another process must not be able to take it in between."""
    first = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports = [free_port() for _ in range(20)]
    assert all(LOWEST_PORT <= port < first for port in ports)


@pytest.mark.skipif(Path("/proc/sys/net/ipv4/ip_nonlocal_bind").exists()
                    and Path("/proc/sys/net/ipv4/ip_nonlocal_bind").read_text().strip() != "0",
                    reason="this machine lets a process bind addresses it does not have")
def test_no_free_port_is_one_german_sentence() -> None:
    """An address that is not this machine's (192.0.2.1, set aside for documentation) has no
    port to bind: the user reads one German sentence naming it, not ``OSError``."""
    with pytest.raises(NoFreePort) as caught:
        free_port("192.0.2.1")
    sentence = sentence_for(caught.value)
    assert sentence.startswith("Auf 192.0.2.1 ließ sich kein freier Port öffnen")
    assert "Adresse dieses Rechners" in sentence and len(sentence.splitlines()) == 1
    assert "OSError" not in sentence and "no free port" not in sentence
    english = t(caught.value.key, lang="en", **caught.value.values)
    assert english.startswith("No free port could be opened on 192.0.2.1")


def test_a_supernode_that_fails_to_start_starts_once_more(tmp_path: Path) -> None:
    """On a busy machine another process can take a SuperNode's port before it binds it; the
    SuperNode then ends at its start. Before the parties are gathered it is started once more
    (with a new port); a killed one is not."""
    with Federation(tmp_path / "fed", None) as federation, socket.socket() as taken:
        federation.start_superlink()
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        federation.start_supernode("supernode-1", {"party": "A"},
                                   port=taken.getsockname()[1])
        assert wait_for(lambda: federation.ended() == ["supernode-1"], 60)
        assert federation.processes["supernode-1"].returncode > 0
        assert federation.restart_failed_start("supernode-1")
        assert (federation.logs / "supernode-1.erster-versuch.log").exists()
        time.sleep(3.0)
        assert federation.ended() == []  # the second start serves its ClientApps
        federation.start_supernode("supernode-2", {"party": "B"})
        os.kill(federation.processes["supernode-2"].pid, signal.SIGKILL)
        assert wait_for(lambda: federation.ended() == ["supernode-2"], 30)
        assert not federation.restart_failed_start("supernode-2")
        pids = set(federation.pids)
    assert not [pid for pid in pids if alive(pid)]
