"""The same training with secure aggregation (Flower's SecAgg+): each party masks its
weighted parameters with pairwise secrets, so the coordinator learns only their sum. SecAgg+
exists in Flower 1.42 only for the classic API (``NumPyClient``, ``DefaultWorkflow``), so this
module holds the ServerApp and ClientApp of that path; the layout, the start of a regression
and the choice of the joint model use the same secure sums as the plain path
(``securesum``; ``get_properties`` carries only the party's column names and types).

What the coordinator sees per party in a round is a masked vector; the party's log
(``gesendet.jsonl``) records every reply as it leaves, after masking (``_recording_mod``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from flwr.app import Context, Message, MessageType
from flwr.client import NumPyClient
from flwr.client.mod import secaggplus_mod
from flwr.clientapp import ClientApp
from flwr.common import EvaluateIns, GetPropertiesIns, ndarrays_to_parameters
from flwr.common.constant import MessageTypeLegacy
from flwr.compat.common import recorddict_compat as compat
from flwr.server import LegacyContext, ServerConfig
from flwr.server.strategy import FedAvgM
from flwr.server.workflow import DefaultWorkflow
from flwr.serverapp import Grid, ServerApp

from datensorgfalt.services.federated import apps, securesum
from datensorgfalt.services.federated.layout import Layout, describe
from datensorgfalt.services.federated.network import last_rounds_mean, party_train

MAX_WEIGHT = 1e6  # SecAgg+ caps a party's weight (its number of rows) at this


class PartyClient(NumPyClient):
    def __init__(self, folder: Path, party: str, categories: bool) -> None:
        self.folder, self.party, self.categories = folder, party, categories

    def get_properties(self, config: dict[str, Any]) -> dict[str, Any]:
        described = describe(apps._train_rows(self.folder), str(config["target"]),
                             str(config["kind"]), self.categories)
        return {"party": self.party, "summary": json.dumps(described)}

    def fit(self, parameters: list[np.ndarray], config: dict[str, Any]
            ) -> tuple[list[np.ndarray], int, dict[str, Any]]:
        if securesum.STAGE_KEY in config:
            vector, weight = securesum.fit_answer(parameters, config,
                                                  apps.party_statistics(self.folder))
            return vector, weight, {}
        layout = Layout.from_dict(json.loads(str(config["layout"])))
        frame = apps._train_rows(self.folder)
        x, y = layout.encode(frame), layout.encode_target(frame[layout.target])
        params = party_train(parameters, x, y, layout.kind, int(config["epochs"]),
                             int(config["round"]))
        return params, len(frame), {}

    def evaluate(self, parameters: list[np.ndarray], config: dict[str, Any]
                 ) -> tuple[float, int, dict[str, Any]]:
        """The finished joint model, handed to every party (it checks it on its own rows)."""
        apps.store_joint_model(self.folder, parameters, str(config["schema"]))
        return 0.0, 0, {"stored": 1}


def _recording_mod(msg: Message, context: Context, call_next: Any) -> Message:
    reply = call_next(msg, context)
    if not reply.has_error():
        stage = msg.metadata.message_type
        if stage == MessageTypeLegacy.GET_PROPERTIES:
            stage = "layout"
        elif stage == MessageType.TRAIN and msg.metadata.group_id.isdigit():
            stage = f"round {msg.metadata.group_id}"
        elif stage == MessageType.TRAIN:
            stage = f"{msg.metadata.group_id} sums"
        elif stage == MessageType.EVALUATE:
            stage = "model received"
        apps.record_sent(apps._party_folder(context), stage, reply.content)
    return reply


def _client(context: Context) -> Any:
    return PartyClient(apps._party_folder(context), str(context.node_config["party"]),
                       apps.categories_permitted(context)).to_client()


client_app = ClientApp(client_fn=_client, mods=[_recording_mod, secaggplus_mod])
server_app = ServerApp()


def _agree_layout(grid: Grid, context: Context, nodes: list[int], cfg: dict[str, Any],
                  timeout: float) -> tuple[Layout, list[str]]:
    ins = GetPropertiesIns(config={"target": cfg["target"], "kind": cfg["kind"]})
    replies = list(grid.send_and_receive(
        [Message(compat.getpropertiesins_to_recorddict(ins), node,
                 MessageTypeLegacy.GET_PROPERTIES) for node in nodes], timeout=timeout))
    answers = [compat.recorddict_to_getpropertiesres(r.content).properties for r in replies
               if not r.has_error()]
    if len(answers) < len(nodes):
        raise RuntimeError("layout_failed")
    described = [json.loads(str(a["summary"])) for a in answers]
    return (apps.layout_from(grid, context, nodes, described, cfg, timeout),
            [str(a["party"]) for a in answers])


def _hand_out(grid: Grid, params: list[np.ndarray], schema: str, timeout: float) -> None:
    ins = EvaluateIns(ndarrays_to_parameters(params), {"schema": schema})
    grid.send_and_receive(
        [Message(compat.evaluateins_to_recorddict(ins, keep_input=True), node,
                 MessageType.EVALUATE) for node in grid.get_node_ids()], timeout=timeout)


@server_app.main()
def main(grid: Grid, context: Context) -> None:
    grid = apps.PollingGrid(grid)  # type: ignore[assignment]
    cfg = dict(context.run_config)
    out = Path(str(cfg["out-dir"]))
    parties, rounds = int(cfg["parties"]), int(cfg["rounds"])
    timeout = float(cfg["round-timeout"])
    try:
        nodes = apps._nodes(grid, parties, float(cfg.get("wait", timeout)))
        apps._progress(out, "layout", 0, rounds)
        layout, names = _agree_layout(grid, context, nodes, cfg, timeout)
        apps._write(out, "layout.json", {"layout": layout.to_dict(), "parties": names})
        if layout.width == 0:
            raise RuntimeError("no_features")
        fit_config = {"layout": json.dumps(layout.to_dict()), "epochs": int(cfg["epochs"])}
        start = apps.start_params(grid, context, nodes, layout, cfg, timeout)

        history: list[list[np.ndarray]] = []

        def after_round(done: int, params: list[np.ndarray], _config: Any) -> None:
            if done > 0:
                history.append([np.array(p) for p in params])
            apps._progress(out, "round", done, rounds)

        strategy = FedAvgM(fraction_fit=1.0, fraction_evaluate=0.0, min_fit_clients=parties,
                           min_available_clients=parties, server_momentum=apps.SERVER_MOMENTUM,
                           initial_parameters=ndarrays_to_parameters(start),
                           on_fit_config_fn=lambda r: {**fit_config, "round": r},
                           evaluate_fn=after_round)
        legacy = LegacyContext(context, config=ServerConfig(num_rounds=rounds),
                               strategy=strategy)
        workflow = DefaultWorkflow(fit_workflow=securesum.workflow(
            parties, timeout, max_weight=MAX_WEIGHT))
        workflow(grid, legacy)
        apps.check_trained(last_rounds_mean(history), start)
        params, chosen = apps.joint_model(grid, context, start, history, layout, timeout)
        _hand_out(grid, params, apps.joint_schema(layout, cfg), timeout)
        np.savez(out / "joint.npz", *params)
        apps._write(out, "done.json", {"rounds": rounds, "parties": names, "joint": chosen})
    except Exception as exc:
        reason = str(exc) if str(exc) in apps.REASONS else "server_failed"
        apps._write(out, "error.json", {"reason": reason, "detail": repr(exc)[:500]})
        raise
