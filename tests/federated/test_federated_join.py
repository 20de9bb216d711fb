"""``federated join``: the usage policy must permit AI training, and a coordinator that is not
there is one sentence within seconds, not an endless retry."""

from __future__ import annotations

import json
import time
from pathlib import Path

from datensorgfalt.services.federated.processes import free_port
from datensorgfalt.services.sharing.policy import build_policy, to_odrl
from tests.federated.conftest import (
    cli as run_cli,
)
from tests.federated.conftest import (
    federation_folder,
    flower_processes,
    workspace_with_companies,
)


def _policy(root: Path, purpose: str) -> Path:
    path = root / f"regel-{purpose}.json"
    path.write_text(json.dumps(to_odrl(build_policy(purpose))), "utf-8")
    return path


def test_a_policy_without_ai_training_refuses_to_join(cli, tmp_path: Path) -> None:
    root = workspace_with_companies(tmp_path / "ws", {"a": (40, 0.3)}, cli)
    result = cli("federated", "join", "--coordinator", "127.0.0.1:9", "--dataset", "a.csv",
                 "--target", "ausfall", "--insecure", "--policy",
                 str(_policy(root, "forecasting")), cwd=root)
    assert result.exit_code == 1
    assert "Nutzungsregel erlaubt diese Teilnahme nicht" in result.output
    assert federation_folder(root) is None


def test_an_unreachable_coordinator_is_one_sentence_within_seconds(cli, tmp_path: Path
                                                                   ) -> None:
    root = workspace_with_companies(tmp_path / "ws", {"a": (40, 0.3)}, cli)
    address = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    done = run_cli("federated", "join", "--coordinator", address, "--dataset", "a.csv",
                   "--target", "ausfall", "--insecure", "--wait", "2", "--policy",
                   str(_policy(root, "ai_training")), cwd=root, timeout=120)
    assert time.monotonic() - started < 60
    assert done.returncode == 1
    assert f"Der Koordinator {address} ist nicht erreichbar" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert flower_processes(federation_folder(root)) == []
