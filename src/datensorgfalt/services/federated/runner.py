"""``run_federation``: a whole federation on this machine, with real Flower processes."""

from __future__ import annotations

import datetime as dt
import json
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
import tomli_w

from datensorgfalt.catalog import save_result
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.services import Progress
from datensorgfalt.services.federated import evaluate, explain, parties, tls
from datensorgfalt.services.federated.apps import SENT_FILE, epsilon
from datensorgfalt.services.federated.layout import Layout
from datensorgfalt.services.federated.network import JointModel, start_mode
from datensorgfalt.services.federated.processes import Federation, ProcessFailed
from datensorgfalt.workspace import Workspace

if TYPE_CHECKING:
    from datensorgfalt.catalog import Catalog

LOCAL_EPOCHS = 2
DP_CLIP = 1.0
DP_NOISE = 1.0
DP_DELTA = 1e-5
ROUND_TIMEOUT = 120.0
START_SECONDS = 120.0  # until the first round: processes, app bundle, layout


class FederationFailed(DatensorgfaltError):
    """The federated training did not finish (a party dropped out, a process failed)."""


@dataclass
class FederatedRequest:
    """``parties``: (name, file path or dataset id) per party."""

    parties: list[tuple[str, str]]
    target: str
    kind: str | None = None
    rounds: int = 10
    dp: bool = False
    secagg: bool = False
    insecure: bool = False
    pooled: bool = True
    epochs: int = LOCAL_EPOCHS
    extra: dict[str, Any] = field(default_factory=dict)


def app_bundle(folder: Path, config: dict[str, Any], module: str | None = None) -> Path:
    """The Flower app bundle of this run: only a ``pyproject.toml`` naming the apps of this
    package (no code is copied, no dependency is installed); ``module`` holds them (the
    secure-aggregation path has its own)."""
    module = module or "datensorgfalt.services.federated.apps"
    folder.mkdir(parents=True, exist_ok=True)
    project = {
        "build-system": {"requires": ["hatchling"], "build-backend": "hatchling.build"},
        "project": {"name": "datensorgfalt-federated", "version": "1.0.0",
                    "dependencies": []},
        "tool": {"flwr": {"app": {
            "publisher": "datensorgfalt",
            "components": {"serverapp": f"{module}:server_app",
                           "clientapp": f"{module}:client_app"},
            "config": config}}},
    }
    (folder / "pyproject.toml").write_text(tomli_w.dumps(project), "utf-8")
    return folder


def run_federation(workspace: Workspace, catalog: Catalog | None, request: FederatedRequest,
                   progress: Progress | None = None) -> dict[str, Any]:
    started = time.monotonic()
    members = _load(workspace, catalog, request)
    parties.harmonize(members)
    kind = request.kind or parties.guess_kind(members, request.target)
    parties.check_kind(members, request.target, kind)
    fed_id = f"fed-{kind}-{uuid.uuid4().hex[:8]}"
    folder = workspace.path("federated", fed_id, "x").parent
    folder.mkdir(parents=True, exist_ok=True)
    for index, party in enumerate(members, 1):
        parties.prepare(party, folder / f"teilnehmer-{index}", request.target, kind)
    out = folder / "koordinator"
    out.mkdir(exist_ok=True)
    certificates = None if request.insecure else tls.create(folder / "tls", ["127.0.0.1"],
                                                            fed_id)
    config = {"target": request.target, "kind": kind, "rounds": request.rounds,
              "epochs": request.epochs, "parties": len(members), "out-dir": str(out),
              "dp": request.dp, "secagg": request.secagg, "clip": DP_CLIP, "noise": DP_NOISE,
              "round-timeout": ROUND_TIMEOUT, "wait": START_SECONDS}
    app = app_bundle(folder / "app", config, SECURE_APPS if request.secagg else None)
    with terminate_as_interrupt(), Federation(folder, certificates) as federation:
        _start(federation, members)
        submit(federation, app)
        watch(federation, out, members, request.rounds, progress)
    layout_info = json.loads((out / "layout.json").read_text("utf-8"))
    layout = Layout.from_dict(layout_info["layout"])
    with np.load(out / "joint.npz") as data:
        params = [data[f"arr_{i}"] for i in range(len(data.files))]
    model = JointModel(layout, params)
    rows, pooled = evaluate.compare(members, layout, model, (request.rounds, request.epochs),
                                   request.pooled)
    payload = build_payload(fed_id, request, kind, layout, rows, pooled, members, certificates
                       is not None, time.monotonic() - started)
    save_model(folder, payload, model)
    payload["model_card_path"] = str(explain.write_card(payload, folder))
    save(catalog, payload)
    return payload


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl+C: every Flower process is stopped on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _load(workspace: Workspace, catalog: Catalog | None, request: FederatedRequest
          ) -> list[parties.Party]:
    if len(request.parties) < 2:
        raise parties.PartyUnusable("federated.error.two_parties")
    names = [name for name, _ in request.parties]
    if len(set(names)) < len(names):
        raise parties.PartyUnusable("federated.error.same_name")
    check_privacy_options(request.dp, request.secagg, len(request.parties))
    return [parties.load_party(workspace, catalog, name, source, request.target)
            for name, source in request.parties]


def check_privacy_options(dp: bool, secagg: bool, count: int) -> None:
    if secagg and dp:
        raise FederationFailed("federated.error.dp_and_secagg")
    if secagg and count < 3:
        raise parties.PartyUnusable("federated.error.secagg_two")


SECURE_APPS = "datensorgfalt.services.federated.secure"


def node_name(index: int) -> str:
    return f"supernode-{index}"


def _start(federation: Federation, members: list[parties.Party]) -> None:
    try:
        federation.start_superlink()
    except ProcessFailed as exc:
        raise FederationFailed("federated.error.superlink", log=last_line(exc.log)) from exc
    for index, party in enumerate(members, 1):
        federation.start_supernode(node_name(index), {"party": party.name,
                                                      "party-dir": str(party.folder)})


def submit(federation: Federation, app: Path) -> None:
    try:
        federation.submit(app)
    except ProcessFailed as exc:
        if exc.timeout is not None:
            raise FederationFailed("federated.error.submit_timeout",
                                   seconds=round(exc.timeout)) from exc
        raise FederationFailed("federated.error.submit", log=last_line(exc.log)) from exc


def watch(federation: Federation, out: Path, members: list[parties.Party], rounds: int,
           progress: Progress | None, start_seconds: float = START_SECONDS) -> None:
    """Wait for the coordinator's result; a party or process that ends early stops the run
    with one sentence (the ``Federation`` then stops everything else)."""
    deadline = time.monotonic() + start_seconds + rounds * ROUND_TIMEOUT
    done_rounds = -1
    while time.monotonic() < deadline:
        if (out / "done.json").exists():
            _report(progress, rounds, rounds)
            return
        if (out / "error.json").exists():
            reason = json.loads((out / "error.json").read_text("utf-8"))["reason"]
            raise FederationFailed(f"federated.error.{reason}")
        ended = [name for name in federation.ended()
                 if not (_parties_not_gathered(out) and federation.restart_failed_start(name))]
        if ended:
            raise _ended(ended, members, done_rounds)
        current = _rounds_done(out)
        if current != done_rounds:
            done_rounds = current
            _report(progress, max(current, 0), rounds)
        time.sleep(0.2)
    raise FederationFailed("federated.error.timeout", seconds=int(START_SECONDS))


def _parties_not_gathered(out: Path) -> bool:
    """The coordinator still waits for the parties to connect (it notes the layout stage once
    it has them all): a SuperNode that failed to start can start again."""
    return not (out / "progress.jsonl").exists()


def _ended(names: list[str], members: list[parties.Party], done: int) -> FederationFailed:
    if "superlink" in names:
        return FederationFailed("federated.error.superlink_ended")
    index = int(sorted(names)[0].rsplit("-", 1)[1])
    return FederationFailed("federated.error.party_lost", party=members[index - 1].name,
                            round=max(done, 0) + 1)


def _rounds_done(out: Path) -> int:
    path = out / "progress.jsonl"
    if not path.exists():
        return -1
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    rounds = [entry["done"] for entry in lines if entry["stage"] == "round"]
    return max(rounds) if rounds else 0


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total, t("federated.progress.round", done=done, total=total))


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][-200:] if lines else "-"


def sent_summary(party: parties.Party) -> dict[str, Any]:
    """What the party sent, read from its own log: stages, numbers of values, keys."""
    path = party.folder / SENT_FILE if party.folder else None
    if path is None or not path.exists():
        return {"messages": 0}
    entries = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    parameters = sum(int(np.asarray(a).size) for e in entries for arrays in e["arrays"].values()
                     for a in arrays)
    rounds = [e for e in entries if e["stage"].startswith("round")]
    return {"messages": len(entries),
            "layout": sum(1 for e in entries if e["stage"] == "layout"),
            "rounds": len({e["stage"] for e in rounds}),
            "parameters_sent": parameters,
            "keys_sent": sorted({f"{name}.{key}" for e in rounds
                                 for name, rec in e["values"].items() for key in rec}
                                | {f"{name} (Gewichte)" for e in rounds for name in e["arrays"]})}


def build_payload(fed_id: str, request: FederatedRequest, kind: str, layout: Layout,
             rows: list[dict[str, Any]], pooled: dict[str, Any] | None,
             members: list[parties.Party], secure: bool, seconds: float) -> dict[str, Any]:
    metric = "auc" if kind == "classify" else "mae"
    eps = epsilon(DP_NOISE, request.rounds, DP_DELTA) if request.dp else None
    sums = start_mode(kind, request.dp) is not None
    privacy = {"tls": secure, "dp": request.dp, "epsilon": eps,
               "delta": DP_DELTA if request.dp else None,
               "clipping_norm": DP_CLIP if request.dp else None,
               "noise_multiplier": DP_NOISE if request.dp else None,
               "secagg": request.secagg,
               "explanation": explain.privacy_text(request.dp, request.secagg, len(members),
                                                   eps, "de", sums),
               "explanation_en": explain.privacy_text(request.dp, request.secagg,
                                                      len(members), eps, "en", sums)}
    for row, party in zip(rows, members, strict=True):
        row["sent"] = sent_summary(party)
        row["sentence"] = explain.party_sentence(row, metric, "de")
        row["sentence_en"] = explain.party_sentence(row, metric, "en")
        if kind == "classify":
            row["classes"] = layout.classes
    card = {"parties": [{"name": r["name"], "rows": r["rows"], "sent": r["sent"]} for r in rows],
            "rounds": request.rounds, "privacy": privacy,
            "sent_per_party": t("federated.card.sent", lang="de", epochs=request.epochs),
            "agreement": request.extra.get("agreement")}
    payload = {
        "id": fed_id, "task": kind, "kind": kind, "target": request.target,
        "rounds": request.rounds, "measure": metric,
        "measure_label": t(f"federated.measure.{metric}", lang="de"),
        "model": t("federated.model." + kind, lang="de"),
        "strategy": "FedAvgM, FedProx"
        + (" + DP (server-side fixed clipping)" if request.dp else "")
        + (" + SecAgg+" if request.secagg else ""),
        "local_epochs": request.epochs, "privacy": privacy, "parties": rows, "pooled": pooled,
        "features": layout.feature_names(), "left_out": layout.left_out,
        "wall_seconds": round(seconds, 1),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "card": card, "request": {k: v for k, v in asdict(request).items() if k != "extra"},
    }
    payload["sentence"] = {"de": explain.summary_sentence(payload, "de"),
                           "en": explain.summary_sentence(payload, "en")}
    return payload


def save_model(folder: Path, payload: dict[str, Any], model: JointModel) -> None:
    path = folder / "modell.joblib"
    layout = model.encoder
    joblib.dump({"id": payload["id"], "kind": payload["kind"],
                 "columns": {"target": layout.target},
                 "artefact": {"model": model, "kind": payload["kind"],
                              "classes": layout.classes}}, path)
    payload["model_path"] = str(path)


def save(catalog: Catalog | None, payload: dict[str, Any], kind: str = "federated") -> None:
    if catalog is None:
        return
    run_id = catalog.start_run(kind, payload.get("request") or {})
    with catalog.session() as session:
        save_result(session, kind, payload, key=payload["id"], run_id=run_id)
    catalog.finish_run(run_id, "ok", {"id": payload["id"]})
