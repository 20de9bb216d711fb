"""``federated join``: the usage policy must permit AI training, and a coordinator that is not
there is one sentence within seconds, not an endless retry."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from datensorgfalt.services.federated.layout import summarize
from datensorgfalt.services.federated.processes import free_port
from datensorgfalt.services.sharing.policy import build_policy, to_odrl
from tests.federated.conftest import (
    cli as run_cli,
)
from tests.federated.conftest import (
    federation_folder,
    flower_processes,
    start_cli,
    workspace_with_companies,
)


def _policy(root: Path, *purposes: str) -> Path:
    path = root / f"regel-{'-'.join(purposes)}.json"
    path.write_text(json.dumps(to_odrl(build_policy(list(purposes)))), "utf-8")
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


def _serve(root: Path, parties: int, target: str, kind: str, *options: str
           ) -> tuple[subprocess.Popen, str, Path]:
    """``federated serve`` as a coordinator would run it: its address and CA file come from
    the one line it prints to stderr."""
    port = free_port()
    process = start_cli("federated", "serve", "--target", target, "--kind", kind,
                        "--parties", str(parties),
                        "--rounds", "2", "--port", str(port), "--wait", "300", *options,
                        "--json", cwd=root)
    line = process.stderr.readline()
    found = re.search(r"auf (\S+); .*: (\S+ca\.pem)", line)
    assert found, line + process.stderr.read()[-2000:]
    return process, found.group(1), Path(found.group(2))


def _join_all(companies: dict[str, Path], address: str, ca: Path, policy: Path, target: str
              ) -> dict[str, subprocess.Popen]:
    return {name: start_cli("federated", "join", "--coordinator", address, "--dataset",
                            f"{name}.csv", "--target", target, "--ca", str(ca), "--policy",
                            str(policy), "--wait", "60", "--json", cwd=root)
            for name, root in companies.items()}


# a number target without secure aggregation (its start from the ridge of all rows needs the
# sums of every party), classes with it: two real federations cover both paths of each side
@pytest.mark.parametrize(("secagg", "target", "stages"), [
    (False, "last", ["layout", *["layout sums"] * 4, *["start sums"] * 4, "round 1", "round 2",
                     *["candidates sums"] * 4, "model received"]),
    (True, "ausfall", None)], ids=["plain-number", "secagg-classes"])
def test_companies_on_their_own_machines_train_one_model_over_tls(
        tmp_path: Path, secagg: bool, target: str, stages: list[str] | None) -> None:
    """``serve`` on one workspace, ``join`` from three others (each its own "machine"): every
    company gets the joint model and its verdict on its own rows, only model parameters and
    sums left it (masked with ``--secagg``), the coordinator ends as soon as all have their
    model, and nothing keeps running."""
    coordinator = tmp_path / "koordinator"
    coordinator.mkdir()
    assert run_cli("init", str(coordinator), cwd=coordinator).returncode == 0
    companies = {name: workspace_with_companies(tmp_path / name, {name: size})
                 for name, size in {"a": (60, 0.3), "b": (120, 0.25), "c": (90, 0.3)}.items()}
    # the number target's policy permits AI training only: the material column (its category
    # names) stays at home; the classes' policy also permits naming categories
    policy = _policy(tmp_path, "ai_training", *(["category_names"] if secagg else []))
    kind = "classify" if secagg else "regress"  # the companies guess theirs from the column
    serve, address, ca = _serve(coordinator, 3, target, kind,
                                *(["--secagg"] if secagg else []))
    joins = _join_all(companies, address, ca, policy, target)
    joined = {name: process.communicate(timeout=600) for name, process in joins.items()}
    joins_done = time.monotonic()
    served, serve_err = serve.communicate(timeout=600)
    assert serve.returncode == 0, serve_err[-2000:]
    assert time.monotonic() - joins_done < 60  # not a whole round's timeout for receipts
    coordinated = json.loads(served)
    assert ("material" in coordinated["left_out"]) is not secagg
    assert coordinated["left_out"].get("material", "policy") == "policy"
    assert sorted(coordinated["parties"]) == ["a.csv", "b.csv", "c.csv"]
    assert coordinated["privacy"]["tls"] is True
    assert coordinated["privacy"]["secagg"] is secagg
    for name, (out, err) in joined.items():
        assert joins[name].returncode == 0, err[-2000:]
        payload = json.loads(out)
        [party] = payload["parties"]
        assert payload["role"] == "party" and payload["privacy"]["tls"] is True
        assert payload["privacy"]["secagg"] is secagg
        # what else leaves a company for the start of a number target is said in words
        assert ("Summen aus ihren Spalten für den Start" in payload["privacy"][
            "explanation"]) is bool(stages)
        assert party["together"] is not None and party["verdict"]["verdict"] in (
            "met", "not_met", "undecided")
        assert party["sent"]["rounds"] == 2 and party["sent"]["layout"] == 1
        assert Path(payload["model_path"]).exists()
        if stages:
            _only_sums_left(federation_folder(companies[name]) / "teilnehmer-1", stages)
    for root in [coordinator, *companies.values()]:
        assert flower_processes(federation_folder(root)) == []
    if stages:
        done = federation_folder(coordinator) / "koordinator" / "done.json"
        assert json.loads(done.read_text("utf-8"))["joint"] in ("start", "last", "mean")
    predicted = run_cli("predict", json.loads(joined["b"][0])["id"], "b.csv", "--out",
                        "vorhersage.csv", cwd=companies["b"])
    assert predicted.returncode == 0, predicted.stderr
    header = (companies["b"] / "vorhersage.csv").read_text("utf-8").splitlines()[0]
    assert "prediction" in header and ("proba_" in header) is (target == "ausfall")


def _only_sums_left(party_dir: Path, stages: list[str]) -> None:
    """A number target: the party adds its counts and sums for the layout, once the sums of
    products of its encoded inputs for the start and at the end its training error of each
    candidate joint model to secure sums: only masked vectors leave it, none of its own sums;
    the linear part of the ridge start stays fixed in every round. No input value appears in
    anything it sent."""
    train = pd.read_parquet(party_dir / "train.parquet")
    rows = pd.concat([train, pd.read_parquet(party_dir / "pruefteil.parquet")])
    numbers = {float(v) for c in ("stunden", "last", "temperatur") for v in rows[c]
               if pd.notna(v)}
    own = summarize(train, "last", "regress")
    own_sums = {p[k] for p in [*own["columns"].values(), own["target"]]
                for k in ("sum", "sumsq") if k in p}
    sent = [json.loads(line) for line in (party_dir / "gesendet.jsonl").read_text(
        "utf-8").splitlines()]
    assert [e["stage"] for e in sent] == stages
    rounds = [e for e in sent if e["stage"].startswith("round")]
    linear = [np.asarray(e["arrays"]["arrays"][4]) for e in rounds]
    assert np.allclose(linear[0], linear[1], rtol=1e-12, atol=1e-12)  # stays fixed
    floats = [float(x) for e in rounds for arrays in e["arrays"].values()
              for a in arrays for x in np.ravel(a)]
    summed = [e for e in sent if e["stage"].endswith("sums")]
    values = [v for e in summed for record in e["values"].values() for v in record.values()]
    assert not numbers & set(floats) and not (numbers | own_sums) & {
        float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)}
    assert all(a == [] for e in summed for arrays in e["arrays"].values() for a in arrays)
    assert not any("loss" in json.dumps(e) for e in sent)
    assert not any(m in json.dumps(e) for e in sent for m in ("Stahl", "Guss", "Keramik"))
