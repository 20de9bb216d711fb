"""``federated run`` end to end with real Flower processes: alone against together per
party, what leaves a party, no process left behind, the joint model applied by ``predict``."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pandas as pd

from datensorgfalt.catalog import Catalog
from datensorgfalt.services.federated.layout import summarize
from datensorgfalt.workspace import Workspace
from tests.federated.conftest import (
    company,
    federation_folder,
    flower_processes,
    started_pids,
)


def test_each_party_gets_alone_together_and_an_honest_verdict(finished: dict) -> None:
    payload = finished["payload"]
    assert payload["task"] == "classify" and payload["measure"] == "auc"
    assert [p["name"] for p in payload["parties"]] == ["Klein", "Groß", "Ohne Ausfall"]
    for party in payload["parties"]:
        assert party["verdict"]["verdict"] in ("met", "not_met", "undecided")
        assert party["rows_test"] > 0 and party["sentence"].startswith(party["name"])
        assert "besser als allein?" in party["sentence"]
    with_both = [p for p in payload["parties"] if p["name"] != "Ohne Ausfall"]
    assert all(0 <= p["together"] <= 1 and 0 <= p["alone"] <= 1 for p in with_both)
    assert payload["pooled"]["note"] == "nur zum Vergleich; in Wirklichkeit nicht möglich"
    assert "kunde_id" in payload["left_out"]  # an identifier never becomes a feature


def test_differential_privacy_names_its_epsilon(finished: dict) -> None:
    privacy = finished["payload"]["privacy"]
    assert privacy["dp"] is True and privacy["secagg"] is False
    assert 0 < privacy["epsilon"] < 1000 and privacy["delta"] == 1e-5
    assert f"Epsilon = {privacy['epsilon']:.1f}" in privacy["explanation"]
    assert "DP" in finished["payload"]["strategy"]


def test_the_result_is_saved_with_a_model_card(finished: dict) -> None:
    payload, root = finished["payload"], finished["root"]
    card = Path(payload["model_card_path"])
    text = card.read_text("utf-8")
    assert "Klein" in text and "Was jede Firma gesendet hat" in text
    assert json.loads((card.parent / "modellkarte.json").read_text())["rounds"] == 2
    catalog = Catalog.open(Workspace(root).db_url)
    try:
        saved = catalog.latest_result("federated")
    finally:
        catalog.close()
    assert saved is not None and saved.payload["id"] == payload["id"]


def test_no_input_value_leaves_a_party(finished: dict) -> None:
    """What each ClientApp sent (its own log, written from the very message content) holds
    column names and types, its counts and sums only masked (SecAgg+), and the parameters of
    each round: no cell of the party's rows, none of its own sums."""
    folder = federation_folder(finished["root"])
    for party_dir in sorted(folder.glob("teilnehmer-*")):
        rows = pd.concat([pd.read_parquet(party_dir / "train.parquet"),
                          pd.read_parquet(party_dir / "pruefteil.parquet")])
        numbers = {float(v) for c in ("stunden", "last", "temperatur") for v in rows[c]
                   if pd.notna(v)}
        texts = set(rows["kunde_id"])
        own = summarize(pd.read_parquet(party_dir / "train.parquet"), "ausfall", "classify")
        own_sums = {p[k] for p in own["columns"].values() for k in ("sum", "sumsq") if k in p}
        sent = [json.loads(line) for line in (party_dir / "gesendet.jsonl").read_text(
            "utf-8").splitlines()]
        assert [e["stage"] for e in sent] == ["layout", *["layout sums"] * 4, "round 1",
                                              "round 2", "model received"]
        floats, strings = [], []
        for entry in sent:
            for arrays in entry["arrays"].values():
                floats += [float(x) for a in arrays for x in np.ravel(a)]
            for record in entry["values"].values():
                for value in record.values():
                    _flatten(value, floats, strings)
        assert floats and not numbers & set(floats) and own_sums
        assert not own_sums & set(floats) and not texts & set(strings)
        assert "counts" not in sent[0]["values"]["config"]["summary"]
        for entry in sent[5:7]:  # a round: parameters and counts only
            assert set(entry["values"]["metrics"]) == {"num-examples", "equal-weight"}


def _flatten(value: object, floats: list, strings: list) -> None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            strings.append(value)
            return
    if isinstance(value, dict):
        for key, inner in value.items():
            strings.append(key)
            _flatten(inner, floats, strings)
    elif isinstance(value, list):
        for inner in value:
            _flatten(inner, floats, strings)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        floats.append(float(value))
    else:
        strings.append(str(value))


def test_no_process_is_left_behind(finished: dict) -> None:
    folder = federation_folder(finished["root"])
    pids = started_pids(folder)
    assert {"superlink", "supernode-1", "supernode-2", "supernode-3"} <= set(pids)
    assert not [pid for pid in pids.values() if Path(f"/proc/{pid}").exists() and
                (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0]
                != "Z"]
    assert flower_processes(folder) == []


def test_keys_of_the_federation_ca_are_private(finished: dict) -> None:
    folder = federation_folder(finished["root"])
    for key in (folder / "tls").glob("*.key"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert finished["payload"]["privacy"]["tls"] is True


def test_predict_applies_the_joint_model(finished: dict, cli, tmp_path: Path) -> None:
    root, payload = finished["root"], finished["payload"]
    new, out_file = tmp_path / "neu.csv", tmp_path / "vorhersage.csv"
    company(9, 15, 0.3).drop(columns=["ausfall"]).to_csv(new, index=False)
    done = cli("predict", payload["id"], str(new), "--out", str(out_file), cwd=root)
    assert done.exit_code == 0, done.output
    out = pd.read_csv(out_file, dtype=str)
    classes = payload["parties"][0]["classes"]
    assert len(classes) == 2 and len(out) == 15  # "ja"/"nein" are one pair of classes
    assert set(out["prediction"]) <= set(classes)
    total = sum(out[f"proba_{c}"].astype(float) for c in classes)
    assert np.allclose(total, 1.0, atol=1e-3)
