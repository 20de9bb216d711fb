"""Companies with machine data for federated runs, and the CLI as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
MATERIALS = ["Stahl", "Guss", "Keramik"]


def company(seed: int, rows: int, failure_share: float | None) -> pd.DataFrame:
    """Machine data of one company: an identifier (never to leave the company), numbers with
    six decimals and gaps, a material category, and ``ausfall`` (ja/nein) driven by them;
    ``failure_share`` None leaves out the class "ja" entirely."""
    rng = np.random.default_rng(seed)
    hours = np.round(rng.gamma(4.0, 250.0, rows) + rng.random(rows), 6)
    load = np.round(rng.normal(60, 15, rows) + rng.random(rows) / 1000, 6)
    material = rng.choice(MATERIALS, rows)
    temperature = np.round(rng.normal(70, 8, rows) + rng.random(rows) / 1000, 6)
    temperature[rng.random(rows) < 0.1] = np.nan
    score = (hours - 1000) / 400 + (load - 60) / 10 + (material == "Keramik") * 1.5
    risk = 1 / (1 + np.exp(-(score + rng.normal(0, 1, rows))))
    if failure_share is None:
        failed = np.zeros(rows, bool)
    else:
        failed = risk > np.quantile(risk, 1 - failure_share)
    return pd.DataFrame({
        "kunde_id": [f"K-{seed}{i:05d}" for i in range(rows)],
        "stunden": hours, "last": load, "material": material, "temperatur": temperature,
        "ausfall": np.where(failed, "ja", "nein")})


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env.pop("DATENSORGFALT_LANG", None)
    return env


def cli(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "datensorgfalt", *args], cwd=cwd,
                          env=environment(), capture_output=True, text=True, timeout=timeout)


def start_cli(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "datensorgfalt", *args], cwd=cwd,
                            env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def workspace_with_companies(root: Path, sizes: dict[str, tuple[int, float | None]],
                             invoke=None) -> Path:
    """A workspace with one CSV per company; ``invoke`` is the in-process CLI when given."""
    root.mkdir(parents=True, exist_ok=True)
    if invoke is None:
        done = cli("init", str(root), cwd=root)
        assert done.returncode == 0, done.stderr
    else:
        assert invoke("init", str(root), cwd=root).exit_code == 0
    for index, (name, (rows, share)) in enumerate(sizes.items(), 1):
        company(index, rows, share).to_csv(root / f"{name}.csv", index=False)
    return root


def federation_folder(root: Path) -> Path | None:
    folders = sorted((root / ".datensorgfalt" / "federated").glob("fed-*"),
                     key=lambda p: p.stat().st_mtime)
    return folders[-1] if folders else None


def wait_for(check, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.2)
    return False


def flower_processes(folder: Path) -> list[int]:
    """Every running process started for this federation: they all carry its Flower home
    in their environment (the SuperLink's and SuperNodes' children too)."""
    marker = f"FLWR_HOME={folder / 'flower'}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0") and \
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def started_pids(folder: Path) -> dict[str, int]:
    path = folder / "prozesse.json"
    return json.loads(path.read_text()) if path.exists() else {}


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """One real federated run (TLS, differential privacy, 3 companies, 2 rounds), shared by
    the tests that read it."""
    root = workspace_with_companies(tmp_path_factory.mktemp("fed") / "ws", {
        "klein": (40, 0.3), "gross": (160, 0.25), "ohne_ausfall": (50, None)})
    started = time.monotonic()
    done = cli("federated", "run", "--party", "Klein=klein.csv", "--party", "Groß=gross.csv",
               "--party", "Ohne Ausfall=ohne_ausfall.csv", "--target", "ausfall",
               "--rounds", "2", "--dp", "--json", cwd=root)
    assert done.returncode == 0, done.stderr[-2000:]
    yield {"root": root, "payload": json.loads(done.stdout), "seconds":
           time.monotonic() - started, "stderr": done.stderr}
