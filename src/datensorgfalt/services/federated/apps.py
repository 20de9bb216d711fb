"""The Flower apps: the ServerApp runs at the coordinator (inside the SuperLink's
``flwr-serverapp`` process), the ClientApp at each party (inside its SuperNode's
``flwr-clientapp`` process). Both are found through the app bundle's ``pyproject.toml``
(``runner.app_bundle``); nothing is installed at run time.

What a party sends, and only this: in clear its column names and types, the category names
of a column (only where its usage policy permits, ``layout.describe``) and the class names;
every count and sum only inside a secure sum (``securesum``, Flower's SecAgg+: the
coordinator sees the total over all parties, never one party's numbers): the layout's
counts and sums (``layout.sums``), for a regression without ``--dp`` once the sums of
products of its encoded inputs (``network.start_statistics``), from which the coordinator
computes the ridge regression on all rows as the start, and after the last round its summed
training error of each candidate joint model; in every round the model parameters and its
number of training rows.
Every reply is also written to the party's own folder (``gesendet.jsonl``) exactly as sent
(the secure sums as masked vectors), so the party (and the tests) can check it.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from flwr.app import ArrayRecord, ConfigRecord, Context, Message, MetricRecord, RecordDict
from flwr.clientapp import ClientApp
from flwr.serverapp import Grid, ServerApp
from flwr.serverapp.strategy import (
    DifferentialPrivacyServerSideFixedClipping,
    FedAvgM,
    Strategy,
)

from datensorgfalt.services.federated import securesum
from datensorgfalt.services.federated.layout import Layout, describe, from_sums, question, sums
from datensorgfalt.services.federated.network import (
    CHOSEN_BY_LOSS,
    candidates,
    initial,
    last_rounds_mean,
    loss_sum,
    packed,
    party_train,
    start_from,
    start_mode,
    start_statistics,
    unpacked,
)

SENT_FILE = "gesendet.jsonl"
TRAIN_FILE = "train.parquet"
JOINT_FILE = "gemeinsam.npz"  # the finished joint model, at each party
SCHEMA_FILE = "schema.json"
CANDIDATE_NAMES = ("start", "last", "mean")  # network.candidates, in this order
WEIGHT_KEY = "num-examples"
EQUAL_WEIGHT_KEY = "equal-weight"  # differential privacy: every party counts the same
PULL_SECONDS = 0.2
# The coordinator keeps half of the last rounds' step (FedAvgM): parties whose rows differ
# pull the average to and fro; momentum follows their common direction. On concrete (4
# companies sorted by age, 10 rounds, 5 splits) the joint MAE fell on every split (e.g.
# 5.26 -> 4.81, pooled 4.66); 0.7 and more were unstable.
SERVER_MOMENTUM = 0.5
REASONS = ("parties_missing", "layout_failed", "start_failed", "no_features", "not_finite",
           "no_update")

server_app = ServerApp()
client_app = ClientApp()


# -- party side --------------------------------------------------------------------------------
def _party_folder(context: Context) -> Path:
    return Path(str(context.node_config["party-dir"]))


def _train_rows(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / TRAIN_FILE)


def record_sent(folder: Path, stage: str, content: RecordDict) -> None:
    """Append exactly what leaves the party to its own log."""
    entry: dict[str, Any] = {"stage": stage, "time": time.time(), "arrays": {}, "values": {}}
    for name, record in content.array_records.items():
        entry["arrays"][name] = [a.tolist() for a in record.to_numpy_ndarrays()]
    for name, record in [*content.config_records.items(), *content.metric_records.items()]:
        entry["values"][name] = dict(record)
    with open(folder / SENT_FILE, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False, default=_hex) + "\n")


def _hex(value: object) -> str:
    """Bytes (keys and encrypted shares of secure aggregation) as hex, as they are sent."""
    if isinstance(value, bytes | bytearray):
        return value.hex()
    raise TypeError(type(value).__name__)


def check_trained(params: list[np.ndarray], start: list[np.ndarray]) -> None:
    """The coordinator's final parameters: finite, and changed by at least one round."""
    if not all(np.all(np.isfinite(p)) for p in params):
        raise RuntimeError("not_finite")
    if all(np.array_equal(p, q) for p, q in zip(params, start, strict=True)):
        raise RuntimeError("no_update")


def layout_answer(folder: Path, target: str, kind: str, party: str, categories: bool
                  ) -> RecordDict:
    """The party's clear part of the layout: column names, types, category and class names."""
    described = describe(_train_rows(folder), target, kind, categories)
    return RecordDict({"config": ConfigRecord({"party": party,
                                               "summary": json.dumps(described)})})


def train_answer(folder: Path, arrays: ArrayRecord, config: ConfigRecord) -> RecordDict:
    """The party's model after a few passes over its own rows, and how many rows."""
    layout = Layout.from_dict(json.loads(str(config["layout"])))
    frame = _train_rows(folder)
    x, y = layout.encode(frame), layout.encode_target(frame[layout.target])
    params = party_train(arrays.to_numpy_ndarrays(), x, y, layout.kind,
                         int(config["epochs"]), int(config.get("server-round", 0)))
    return RecordDict({"arrays": ArrayRecord(params),
                       "metrics": MetricRecord({WEIGHT_KEY: len(frame), EQUAL_WEIGHT_KEY: 1})})


def party_statistics(folder: Path) -> securesum.Statistics:
    """The party's vector for a secure sum of stage "layout" (``layout.sums``), "start"
    (A^T A above the diagonal and A^T y, ``network.start_statistics``) or "candidates" (the
    summed squared training error of each candidate joint model)."""

    def statistics(stage: str, config: dict[str, Any], arrays: list[np.ndarray]
                   ) -> np.ndarray:
        frame = _train_rows(folder)
        if stage == "layout":
            return sums(frame, str(config["target"]), str(config["kind"]),
                        json.loads(str(config["question"])))
        layout = Layout.from_dict(json.loads(str(config["layout"])))
        x, y = layout.encode(frame), layout.encode_target(frame[layout.target])
        if stage == "start":
            return packed(start_statistics(arrays, x, y, str(config["start"])))
        count = int(config["candidates"])
        size = len(arrays) // count
        return np.array([loss_sum(arrays[i * size:(i + 1) * size], x, y)
                         for i in range(count)])

    return statistics


@client_app.query()
def query(msg: Message, context: Context) -> Message:
    folder = _party_folder(context)
    config = msg.content["config"]
    content = layout_answer(folder, str(config["target"]), str(config["kind"]),
                            str(context.node_config["party"]), categories_permitted(context))
    record_sent(folder, "layout", content)
    return Message(content, reply_to=msg)


def categories_permitted(context: Context) -> bool:
    """Whether the party's usage policy lets it name the values of its category columns
    (``federated join`` checks it; on one machine the one owner of all files permits it)."""
    return str(context.node_config.get("categories", "yes")) == "yes"


@client_app.evaluate()
def keep_joint_model(msg: Message, context: Context) -> Message:
    """The finished joint model, handed to every party (it checks it on its own rows)."""
    folder = _party_folder(context)
    store_joint_model(folder, msg.content["arrays"].to_numpy_ndarrays(),
                      str(msg.content["config"]["schema"]))
    content = RecordDict({"metrics": MetricRecord({"stored": 1})})
    record_sent(folder, "model received", content)
    return Message(content, reply_to=msg)


def store_joint_model(folder: Path, params: list[np.ndarray], schema: str) -> None:
    np.savez(folder / JOINT_FILE, *params)
    (folder / SCHEMA_FILE).write_text(schema, "utf-8")


@client_app.train()
def train(msg: Message, context: Context) -> Message:
    folder = _party_folder(context)
    if securesum.is_secure_sum(msg):
        reply = securesum.answer(msg, context, party_statistics(folder))
        record_sent(folder, f"{msg.metadata.group_id} sums", reply.content)
        return reply
    content = train_answer(folder, msg.content["arrays"], msg.content["config"])
    record_sent(folder, f"round {msg.content['config']['server-round']}", content)
    return Message(content, reply_to=msg)


# -- coordinator side ---------------------------------------------------------------------------
def _write(out: Path, name: str, data: Any) -> None:
    temporary = out / f".{name}.tmp"
    temporary.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    temporary.replace(out / name)


def _progress(out: Path, stage: str, done: int, total: int) -> None:
    with open(out / "progress.jsonl", "a", encoding="utf-8") as log:
        log.write(json.dumps({"stage": stage, "done": done, "total": total}) + "\n")


class PollingGrid:
    """The grid, pulling replies every ``PULL_SECONDS`` (Flower's HTTP grid waits 3 seconds
    between pulls, which would add seconds to every round)."""

    def __init__(self, grid: Grid) -> None:
        self._grid = grid

    def __getattr__(self, name: str) -> Any:
        return getattr(self._grid, name)

    def send_and_receive(self, messages: Any, *, timeout: float | None = None
                         ) -> list[Message]:
        waiting = set(self._grid.push_messages(messages))
        end = time.monotonic() + (timeout or 0.0)
        replies: list[Message] = []
        while waiting and (timeout is None or time.monotonic() < end):
            pulled = list(self._grid.pull_messages(waiting))
            replies.extend(pulled)
            waiting -= {m.metadata.reply_to_message_id for m in pulled}
            if waiting:
                time.sleep(PULL_SECONDS)
        return replies


def _hand_out(grid: Grid, arrays: ArrayRecord, layout: Layout, cfg: dict[str, Any],
              timeout: float) -> None:
    schema = joint_schema(layout, cfg)
    grid.send_and_receive(
        [Message(RecordDict({"arrays": arrays, "config": ConfigRecord({"schema": schema})}),
                 node, "evaluate") for node in grid.get_node_ids()], timeout=timeout)


def joint_schema(layout: Layout, cfg: dict[str, Any]) -> str:
    """What a party needs besides the weights to use and describe the joint model."""
    return json.dumps({"layout": layout.to_dict(), "rounds": int(cfg["rounds"]),
                       "epochs": int(cfg["epochs"]), "dp": bool(cfg["dp"]),
                       "secagg": bool(cfg.get("secagg", False))})


def _nodes(grid: Grid, wanted: int, seconds: float) -> list[int]:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        nodes = list(grid.get_node_ids())
        if len(nodes) >= wanted:
            return nodes
        time.sleep(0.2)
    raise TimeoutError("parties_missing")


def _agree_layout(grid: Grid, context: Context, nodes: list[int], cfg: dict[str, Any],
                  timeout: float) -> tuple[Layout, list[str]]:
    question_record = ConfigRecord({"target": cfg["target"], "kind": cfg["kind"]})
    replies = list(grid.send_and_receive(
        [Message(RecordDict({"config": question_record}), node, "query") for node in nodes],
        timeout=timeout))
    answers = [r for r in replies if not r.has_error()]
    if len(answers) < len(nodes):
        raise RuntimeError("layout_failed")
    parties = [str(r.content["config"]["party"]) for r in answers]
    described = [json.loads(str(r.content["config"]["summary"])) for r in answers]
    return layout_from(grid, context, nodes, described, cfg, timeout), parties


def layout_from(grid: Grid, context: Context, nodes: list[int],
                described: list[dict[str, Any]], cfg: dict[str, Any], timeout: float
                ) -> Layout:
    """The layout from the parties' clear descriptions (``layout.describe``) and the secure
    sum of their counts and sums (``layout.sums``): used by both ServerApps."""
    asked = question(described)
    try:
        totals = securesum.secure_sum(
            grid, context, nodes, "layout",
            {"target": cfg["target"], "kind": cfg["kind"], "question": json.dumps(asked)},
            [], timeout)
    except RuntimeError as exc:
        raise RuntimeError("layout_failed") from exc
    return from_sums(asked, totals, str(cfg["target"]), str(cfg["kind"]))


def start_params(grid: Grid, context: Context, nodes: list[int], layout: Layout,
                 cfg: dict[str, Any], timeout: float) -> list[np.ndarray]:
    """The parameters of round 1: for a regression without ``--dp`` the ridge regression on
    all rows from the secure sum of the parties' statistics (``network.start_from``); with
    ``--dp`` the plain start (the sums would leave unprotected by noise)."""
    params = initial(layout)
    mode = start_mode(layout.kind, bool(cfg["dp"]))
    if not mode:
        return params
    try:
        totals = securesum.secure_sum(
            grid, context, nodes, "start",
            {"layout": json.dumps(layout.to_dict()), "start": mode}, params, timeout)
    except RuntimeError as exc:
        raise RuntimeError("start_failed") from exc
    return start_from(params, [unpacked(totals)], mode)


def joint_model(grid: Grid, context: Context, start: list[np.ndarray],
                history: list[list[np.ndarray]], layout: Layout, timeout: float
                ) -> tuple[list[np.ndarray], str]:
    """The joint model and which candidate it is: with a start (``start_params``) the
    candidate with the smallest training error summed securely over all parties
    (``network.CHOSEN_BY_LOSS``); else, or if a party does not answer, the mean of the last
    rounds."""
    fixed = last_rounds_mean(history), "mean"
    if len(start) == 4 or not CHOSEN_BY_LOSS[layout.kind]:
        return fixed
    options = candidates(start, history)
    try:
        losses = securesum.secure_sum(
            grid, context, list(grid.get_node_ids()), "candidates",
            {"layout": json.dumps(layout.to_dict()), "candidates": len(options)},
            [np.asarray(a) for c in options for a in c], timeout)
    except RuntimeError:
        return fixed
    best = int(np.argmin(losses))
    return options[best], CANDIDATE_NAMES[best]


def _strategy(cfg: dict[str, Any], parties: int) -> Strategy:
    dp = bool(cfg["dp"])
    base = FedAvgM(fraction_evaluate=0.0, min_available_nodes=parties,
                   min_train_nodes=parties, server_momentum=SERVER_MOMENTUM,
                   weighted_by_key=EQUAL_WEIGHT_KEY if dp else WEIGHT_KEY)
    if not dp:
        return base
    return DifferentialPrivacyServerSideFixedClipping(
        base, noise_multiplier=float(cfg["noise"]), clipping_norm=float(cfg["clip"]),
        num_sampled_clients=parties)


@server_app.main()
def main(grid: Grid, context: Context) -> None:
    grid = PollingGrid(grid)  # type: ignore[assignment]
    cfg = dict(context.run_config)
    out = Path(str(cfg["out-dir"]))
    parties, rounds = int(cfg["parties"]), int(cfg["rounds"])
    timeout = float(cfg["round-timeout"])
    try:
        nodes = _nodes(grid, parties, float(cfg.get("wait", timeout)))
        _progress(out, "layout", 0, rounds)
        layout, names = _agree_layout(grid, context, nodes, cfg, timeout)
        _write(out, "layout.json", {"layout": layout.to_dict(), "parties": names})
        if layout.width == 0:
            raise RuntimeError("no_features")
        train_config = ConfigRecord({"layout": json.dumps(layout.to_dict()),
                                     "epochs": int(cfg["epochs"])})

        start = start_params(grid, context, nodes, layout, cfg, timeout)
        history: list[list[np.ndarray]] = []

        def after_round(done: int, arrays: ArrayRecord) -> None:
            if done > 0:
                history.append(arrays.to_numpy_ndarrays())
            _progress(out, "round", done, rounds)

        _strategy(cfg, parties).start(
            grid, ArrayRecord(start), num_rounds=rounds, timeout=timeout,
            train_config=train_config, evaluate_fn=after_round)
        check_trained(last_rounds_mean(history), start)
        params, chosen = joint_model(grid, context, start, history, layout, timeout)
        _hand_out(grid, ArrayRecord(params), layout, cfg, timeout)
        np.savez(out / "joint.npz", *params)
        _write(out, "done.json", {"rounds": rounds, "parties": names, "joint": chosen})
    except Exception as exc:  # the CLI turns the reason into one German sentence
        reason = str(exc) if str(exc) in REASONS else "server_failed"
        _write(out, "error.json", {"reason": reason, "detail": repr(exc)[:500]})
        raise


def epsilon(noise: float, rounds: int, delta: float) -> float:
    """Epsilon of ``rounds`` Gaussian releases with noise multiplier ``noise`` (Renyi DP of
    the Gaussian mechanism, composed, converted at ``delta``), no sampling amplification:
    every party takes part in every round."""
    orders = [1 + x / 10 for x in range(1, 1000)]
    return min(rounds * a / (2 * noise ** 2) + math.log(1 / delta) / (a - 1) for a in orders)
