"""A federation across machines: ``serve`` runs the coordinator (a SuperLink with this
package's ServerApp, for example at the data trustee), ``join`` runs one company's SuperNode
against it. The company checks the usage policy of its offer first (purpose "AI training"),
trains, receives the finished joint model, compares it on its own held-out rows with its own
model, and saves the result with the agreement in the model card."""

from __future__ import annotations

import ipaddress
import json
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from datensorgfalt.services import Progress
from datensorgfalt.services.federated import evaluate, explain, parties, runner, tls
from datensorgfalt.services.federated.apps import JOINT_FILE, SCHEMA_FILE, SENT_FILE, epsilon
from datensorgfalt.services.federated.layout import Layout
from datensorgfalt.services.federated.network import JointModel
from datensorgfalt.services.federated.processes import Federation, ProcessFailed
from datensorgfalt.services.sharing.policy import (
    Request,
    parse_policy,
    read_policy_file,
)
from datensorgfalt.services.sharing.policy import (
    evaluate as evaluate_policy,
)
from datensorgfalt.services.sharing.policy import (
    explain as explain_policy,
)
from datensorgfalt.workspace import Workspace

if TYPE_CHECKING:
    from datensorgfalt.catalog import Catalog

PURPOSE = "ai_training"
CATEGORY_PURPOSE = "category_names"  # may the party name the categories of its columns?
DEFAULT_PORT = 9092
RECEIPT_SECONDS = 30.0


@dataclass
class ServeRequest:
    target: str
    parties: int
    kind: str = "classify"
    rounds: int = 10
    dp: bool = False
    secagg: bool = False
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    insecure: bool = False
    wait: float = 600.0  # seconds the coordinator waits for all companies to join


@dataclass
class JoinRequest:
    coordinator: str
    dataset: str
    target: str
    ca: Path | None = None
    policy: Path | None = None
    name: str | None = None
    kind: str | None = None
    insecure: bool = False
    wait: float = 10.0  # seconds to reach the coordinator before giving up


def loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


def serve_federation(workspace: Workspace, catalog: Catalog | None, request: ServeRequest,
                     announce: Callable[[dict[str, Any]], None] | None = None,
                     progress: Progress | None = None) -> dict[str, Any]:
    if request.insecure and not loopback(request.host):
        raise runner.FederationFailed("federated.error.insecure_loopback")
    if request.parties < 2:
        raise parties.PartyUnusable("federated.error.two_parties")
    runner.check_privacy_options(request.dp, request.secagg, request.parties)
    started = time.monotonic()
    fed_id = f"fed-{request.kind}-{uuid.uuid4().hex[:8]}"
    folder = workspace.path("federated", fed_id, "x").parent
    out = folder / "koordinator"
    out.mkdir(parents=True, exist_ok=True)
    names = [request.host] if request.host not in ("0.0.0.0", "::") else [
        socket.getfqdn(), socket.gethostname()]
    certificates = None if request.insecure else tls.create(folder / "tls", names, fed_id)
    config = {"target": request.target, "kind": request.kind, "rounds": request.rounds,
              "epochs": runner.LOCAL_EPOCHS, "parties": request.parties, "out-dir": str(out),
              "dp": request.dp, "secagg": request.secagg, "clip": runner.DP_CLIP,
              "noise": runner.DP_NOISE, "round-timeout": runner.ROUND_TIMEOUT,
              "wait": request.wait}
    app = runner.app_bundle(folder / "app", config,
                            runner.SECURE_APPS if request.secagg else None)
    with runner.terminate_as_interrupt(), Federation(folder, certificates,
                                                      request.host) as federation:
        try:
            port = federation.start_superlink(request.port)
        except ProcessFailed as exc:
            raise runner.FederationFailed("federated.error.superlink",
                                          log=runner.last_line(exc.log)) from exc
        if announce is not None:
            announce({"id": fed_id, "address": f"{request.host}:{port}",
                      "ca": str(certificates.ca) if certificates else None})
        runner.submit(federation, app)
        runner.watch(federation, out, [], request.rounds, progress, request.wait)
    info = json.loads((out / "layout.json").read_text("utf-8"))
    layout = Layout.from_dict(info["layout"])
    with np.load(out / "joint.npz") as data:
        model = JointModel(layout, [data[f"arr_{i}"] for i in range(len(data.files))])
    eps = epsilon(runner.DP_NOISE, request.rounds, runner.DP_DELTA) if request.dp else None
    payload = {"id": fed_id, "role": "coordinator", "task": request.kind,
               "kind": request.kind, "target": request.target, "rounds": request.rounds,
               "parties": info["parties"], "features": layout.feature_names(),
               "left_out": layout.left_out, "privacy": {"tls": certificates is not None,
                                                       "dp": request.dp, "epsilon": eps,
                                                       "secagg": request.secagg},
               "wall_seconds": round(time.monotonic() - started, 1)}
    runner.save_model(folder, payload, model)
    runner.save(catalog, payload, "federated_serve")
    return payload


def _agreement(catalog: Catalog | None, request: JoinRequest) -> dict[str, Any]:
    """The usage policy must permit the purpose "AI training"; the names of the categories
    of a column leave the party only if it also permits "name categories" (else those
    columns are left out). Who may use the data is the trustee's check (the coordinator runs
    there): a policy for named participants is evaluated for the first of them."""
    if request.policy is not None:
        policy = read_policy_file(Path(request.policy))
    else:
        doc = _offered_policy(catalog, request.dataset)
        if doc is None:
            raise runner.FederationFailed("federated.error.no_policy", dataset=request.dataset)
        policy = parse_policy(doc)
    assignee = next(iter(policy.assignees), request.coordinator)
    decision = evaluate_policy(policy, Request(assignee=assignee, purpose=PURPOSE))
    if not decision.allowed:
        raise runner.FederationFailed("federated.error.policy_refused",
                                      reasons=" ".join(decision.reasons))
    categories = evaluate_policy(policy, Request(assignee=assignee,
                                                 purpose=CATEGORY_PURPOSE)).allowed
    return {"purpose": PURPOSE, "coordinator": request.coordinator,
            "categories": categories, "policy": policy.to_dict(),
            "explanation": explain_policy(policy, "de")}


def _offered_policy(catalog: Catalog | None, dataset: str) -> Any:
    """The policy of this dataset's latest offer in the data space, if any."""
    if catalog is None:
        return None
    for result in reversed(catalog.results("dataspace")):
        payload = result.payload or {}
        mine = dataset in (payload.get("dataset"), result.dataset_id)
        if mine and payload.get("policy"):
            return payload["policy"]
    return None


def join_federation(workspace: Workspace, catalog: Catalog | None, request: JoinRequest,
                    progress: Progress | None = None) -> dict[str, Any]:
    started = time.monotonic()
    host = request.coordinator.rsplit(":", 1)[0]
    if request.insecure and not loopback(host):
        raise runner.FederationFailed("federated.error.insecure_loopback")
    if not request.insecure and (request.ca is None or not Path(request.ca).is_file()):
        raise runner.FederationFailed("federated.error.no_ca")
    agreement = _agreement(catalog, request)
    name = request.name or request.dataset
    party = parties.load_party(workspace, catalog, name, request.dataset, request.target)
    parties.harmonize([party])
    kind = request.kind or parties.guess_kind([party], request.target)
    fed_id = f"fed-{kind}-{uuid.uuid4().hex[:8]}"
    folder = workspace.path("federated", fed_id, "x").parent
    parties.prepare(party, folder / "teilnehmer-1", request.target, kind)
    with runner.terminate_as_interrupt(), Federation(folder, None) as federation:
        federation.start_supernode("supernode-1", {
            "party": name, "party-dir": str(party.folder),
            "categories": "yes" if agreement["categories"] else "no"},
                                   superlink=request.coordinator, max_wait=request.wait,
                                   root_ca=None if request.insecure
                                   else Path(request.ca).resolve())
        _wait_for_model(federation, party, request, progress)
    schema = json.loads((party.folder / SCHEMA_FILE).read_text("utf-8"))
    layout = Layout.from_dict(schema["layout"])
    kind = layout.kind  # the coordinator's task decides, not this party's guess
    with np.load(party.folder / JOINT_FILE) as data:
        model = JointModel(layout, [data[f"arr_{i}"] for i in range(len(data.files))])
    rows, _ = evaluate.compare([party], layout, model, (schema["rounds"], schema["epochs"]),
                               pooled=False)
    fed_request = runner.FederatedRequest(parties=[(name, request.dataset)],
                                          target=request.target, kind=kind,
                                          rounds=schema["rounds"], epochs=schema["epochs"],
                                          dp=bool(schema.get("dp")),
                                          secagg=bool(schema.get("secagg")),
                                          extra={"agreement": agreement})
    payload = runner.build_payload(fed_id, fed_request, kind, layout, rows, None, [party],
                                   not request.insecure, time.monotonic() - started)
    payload["role"] = "party"
    payload["coordinator"] = request.coordinator
    runner.save_model(folder, payload, model)
    payload["model_card_path"] = str(explain.write_card(payload, folder))
    runner.save(catalog, payload)
    return payload


def _wait_for_model(federation: Federation, party: parties.Party, request: JoinRequest,
                    progress: Progress | None) -> None:
    sent = party.folder / SENT_FILE
    while True:
        if (party.folder / JOINT_FILE).exists() and (party.folder / SCHEMA_FILE).exists():
            _wait_for_receipt(federation)
            return
        if federation.ended():
            if not sent.exists():
                raise runner.FederationFailed("federated.error.unreachable",
                                              address=request.coordinator)
            raise runner.FederationFailed("federated.error.coordinator_lost",
                                          address=request.coordinator)
        if progress is not None and sent.exists():
            done = sum(1 for line in sent.read_text("utf-8").splitlines()
                       if '"stage": "round' in line)
            progress(done, 0, "")
        time.sleep(0.3)


def _wait_for_receipt(federation: Federation, node: str = "supernode-1") -> None:
    """The coordinator waits for every party's receipt of the joint model before it ends;
    stopping the SuperNode before the receipt has left would keep it waiting a whole round's
    timeout. Waits until the SuperNode's log says the reply was sent (at most
    ``RECEIPT_SECONDS``)."""
    log = federation.logs / f"{node}.log"
    end = time.monotonic() + RECEIPT_SECONDS
    while time.monotonic() < end and not federation.ended():
        text = log.read_text("utf-8", errors="replace") if log.exists() else ""
        sending = text.rfind("Sending: evaluate message")
        if sending >= 0 and "Sent successfully" in text[sending:]:
            return
        time.sleep(0.2)
