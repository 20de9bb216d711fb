"""Secure sums (Flower's SecAgg+ workflow at the coordinator and ``secaggplus_mod`` at each
party, run in this process, messages copied as on the wire): the coordinator gets the exact
total of the parties' statistics, and the layout and the ridge start from it are those of
the pooled rows."""

from __future__ import annotations

import copy
import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from flwr.app import Context, Message, RecordDict
from flwr.common import bytes_to_ndarray
from flwr.common.secure_aggregation.secaggplus_constants import RECORD_KEY_CONFIGS, Key
from flwr.supercore.task_identity import TaskIdentity
from sklearn.linear_model import Ridge

from datensorgfalt.services.federated import apps, securesum
from datensorgfalt.services.federated.layout import (
    describe,
    merge,
    question,
    summarize,
    sums,
)
from datensorgfalt.services.federated.network import RIDGE, forward, initial


@pytest.fixture(autouse=True)
def coordinator_identity():
    """The identity a ServerApp process has (its messages carry the run and node)."""
    before = (TaskIdentity._run_id, TaskIdentity._node_id, TaskIdentity._task_id)
    TaskIdentity.run_id, TaskIdentity.node_id, TaskIdentity.task_id = 1, 0, 1
    yield
    TaskIdentity.run_id, TaskIdentity.node_id, TaskIdentity.task_id = before


class WireGrid:
    """Delivers each message as a copy to the party's handler, with the party's own state
    kept between messages like a SuperNode does; ``sent`` keeps every reply."""

    def __init__(self, folders: list) -> None:
        self.folders = {node: folder for node, folder in enumerate(folders, 1)}
        self.contexts = {node: Context(run_id=1, node_id=node, node_config={},
                                       state=RecordDict(), run_config={})
                         for node in self.folders}
        self.run = SimpleNamespace(run_id=1)
        self.sent: list[Message] = []

    def get_node_ids(self) -> list[int]:
        return list(self.folders)

    def send_and_receive(self, messages, *, timeout=None) -> list[Message]:
        replies = []
        for msg in messages:
            node = msg.metadata.dst_node_id
            copied = Message(copy.deepcopy(msg.content), node, msg.metadata.message_type,
                             group_id=msg.metadata.group_id)
            reply = securesum.answer(copied, self.contexts[node],
                                     apps.party_statistics(self.folders[node]))
            self.sent.append(reply)
            replies.append(reply)
        return replies


def _companies(tmp_path) -> list:
    """Three companies: a year column 2019..2025, amounts of about 1e9 with cents, gaps, a
    category, a number target."""
    folders = []
    for seed, rows in ((1, 40), (2, 90), (3, 150)):
        rng = np.random.default_rng(seed)
        amount = np.round(rng.normal(1e9, 3e6 * seed, rows), 2)
        amount[rng.random(rows) < 0.15] = np.nan
        frame = pd.DataFrame({
            "jahr": rng.integers(2019, 2026, rows), "betrag": amount,
            "kleinst": rng.normal(0, 1e-7, rows),
            "art": rng.choice(["A", "B", "C"][:seed + 1 if seed < 3 else 3], rows),
            "wert": rng.normal(50, 5, rows)})
        frame["wert"] += (frame["jahr"] - 2022) * 2 + np.nan_to_num(amount - 1e9) / 1e6
        folder = tmp_path / f"p{seed}"
        folder.mkdir()
        frame.to_parquet(folder / apps.TRAIN_FILE, index=False)
        folders.append(folder)
    return folders


def _frames(folders: list) -> list[pd.DataFrame]:
    return [pd.read_parquet(f / apps.TRAIN_FILE) for f in folders]


def test_the_layout_from_secure_sums_is_the_layout_from_all_summaries(tmp_path) -> None:
    folders = _companies(tmp_path)
    frames, grid = _frames(folders), WireGrid(folders)
    cfg = {"target": "wert", "kind": "regress"}
    described = [describe(f, "wert", "regress") for f in frames]
    secure = apps.layout_from(grid, grid.contexts[1], grid.get_node_ids(), described, cfg, 30)
    plain = merge([summarize(f, "wert", "regress") for f in frames], "wert", "regress")
    assert secure.numeric == plain.numeric == ["jahr", "betrag", "kleinst"]
    assert secure.flagged == plain.flagged == ["betrag"]
    assert secure.categories == plain.categories and set(plain.categories["art"]) == {"A", "B", "C"}
    for name in plain.numeric:
        assert secure.means[name] == pytest.approx(plain.means[name], rel=1e-12)
        assert secure.scales[name] == pytest.approx(plain.scales[name], rel=1e-9)
    assert secure.y_mean == pytest.approx(plain.y_mean, rel=1e-12)
    assert secure.y_scale == pytest.approx(plain.y_scale, rel=1e-9)
    # what the coordinator got from each party: its digits masked, not its own sums
    asked = question(described)
    for node, frame in zip(grid.get_node_ids(), frames, strict=True):
        own = securesum.encode(sums(frame, "wert", "regress", asked)) + securesum.CLIP
        [masked] = [m for m in grid.sent if m.metadata.src_node_id == node
                    and Key.MASKED_PARAMETERS in m.content.config_records[RECORD_KEY_CONFIGS]]
        vector = bytes_to_ndarray(
            masked.content.config_records[RECORD_KEY_CONFIGS][Key.MASKED_PARAMETERS][1])
        assert vector.shape == own.shape and np.mean(vector == own) < 0.01
        assert not any(record for record in masked.content.array_records.values())


def test_the_start_from_secure_sums_is_the_ridge_regression_of_all_rows(tmp_path) -> None:
    folders = _companies(tmp_path)
    frames, grid = _frames(folders), WireGrid(folders)
    cfg = {"target": "wert", "kind": "regress", "dp": False}
    described = [describe(f, "wert", "regress") for f in frames]
    nodes = grid.get_node_ids()
    layout = apps.layout_from(grid, grid.contexts[1], nodes, described, cfg, 30)
    start = apps.start_params(grid, grid.contexts[1], nodes, layout, cfg, 30)
    params = initial(layout)
    x = np.vstack([layout.encode(f) for f in frames])
    y = np.concatenate([layout.encode_target(f["wert"]) for f in frames])
    design = np.column_stack([np.maximum(x @ params[0] + params[1], 0.0), x])
    reference = Ridge(alpha=RIDGE).fit(design, y)
    assert np.allclose(forward(start, x)[1][:, 0], reference.predict(design), atol=1e-8)


def test_without_permission_no_category_name_leaves_and_the_column_is_left_out() -> None:
    frame = pd.DataFrame({"art": ["geheim", "offen"] * 10, "x": range(20), "y": range(20)})
    hidden = describe(frame, "y", "regress", categories=False)
    assert "geheim" not in json.dumps(hidden)
    asked = question([hidden, describe(frame, "y", "regress")])
    assert asked["left_out"] == {"art": "policy"} and asked["categorical"] == {}


def test_a_value_beyond_the_fixed_point_range_is_refused() -> None:
    with pytest.raises(ValueError):
        securesum.encode(np.array([1e39]))
    total = sum(securesum.encode(np.array([v])) + securesum.CLIP for v in (1e30, -2.5e-30))
    assert securesum.decode(total, 2)[0] == 1e30 - 2.5e-30
