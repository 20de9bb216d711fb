"""``poc``: from a cataloged dataset (or a use-case match) to a judged proof of concept.

``prepare`` resolves the dataset(s) and guesses the columns (the CLI shows them for
confirmation); ``run`` trains baseline and model within the budget, judges the Soll, writes
model, plots and model card to ``.datensorgfalt/poc/<id>/`` and stores ``Result(kind="poc")``.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from datensorgfalt import engine
from datensorgfalt.catalog import Catalog, Dataset, save_result
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.services.help import company_land
from datensorgfalt.services.knowledge import load
from datensorgfalt.services.outputs import check_output, neutralise_frame, writing
from datensorgfalt.services.poc import column_roles, modelcard, plots
from datensorgfalt.services.poc import data as d
from datensorgfalt.services.poc import image as image_poc
from datensorgfalt.services.poc.anomaly import run_anomaly
from datensorgfalt.services.poc.budget import Deadline, StepProgress, allowed, default_budget
from datensorgfalt.services.poc.evaluation import clean
from datensorgfalt.services.poc.external import resolve as resolve_external
from datensorgfalt.services.poc.forecast import run_forecast
from datensorgfalt.services.poc.outcome import Outcome
from datensorgfalt.services.poc.sentence import sentence
from datensorgfalt.services.poc.series import both, build_series, check_frequency
from datensorgfalt.services.poc.soll import Soll, Verdict, parse_soll
from datensorgfalt.services.poc.tabular import run_table
from datensorgfalt.services.poc.text_routing import run_text
from datensorgfalt.services.usecases import library
from datensorgfalt.services.vocabulary import says
from datensorgfalt.workspace import Workspace

KINDS = ("forecast", "classify", "regress", "anomaly", "text", "image")


class PocError(DatensorgfaltError):
    """A PoC request that cannot be carried out as asked."""


@dataclass
class PocRequest:
    kind: str | None = None
    dataset: str | None = None
    target: str | None = None
    date: str | None = None
    by: str | None = None
    text: str | None = None
    label: str | None = None
    labels: str | None = None
    events: str | None = None
    horizon: int | None = None
    freq: str = "auto"
    soll: str | None = None
    budget: float | None = None  # None: chosen from the amount of work
    usecase: str | None = None
    models: list[str] | None = None
    external: str | None = None  # --with feiertage,wetter=ID (services/poc/external.py)


@dataclass
class Plan:
    request: PocRequest
    sources: list[Dataset]
    columns: dict[str, Any]
    guessed: list[str]
    inputs: dict[str, Any] = field(default_factory=dict)
    usecase: dict[str, Any] | None = None
    budget: float = 60.0
    budget_auto: bool = False
    started: float = field(default_factory=time.monotonic)

    @property
    def dataset(self) -> Dataset:
        return self.sources[0]


# -- request ------------------------------------------------------------------------------
def from_usecase(catalog: Catalog, request: PocRequest) -> tuple[PocRequest, dict]:
    """Fill kind, dataset, columns and criterion from ``Result(kind="usecases", key=ID)``."""
    row = catalog.latest_result("usecases", key=request.usecase)
    payload = dict(row.payload) if row else None
    if payload is None:
        raise PocError("poc.error.usecase_unknown", id=request.usecase)
    spec = payload.get("poc")
    if not spec:
        raise PocError("poc.error.usecase_no_poc", id=request.usecase,
                       title=payload.get("title", request.usecase))
    filled = PocRequest(**asdict(request))
    filled.kind = request.kind or spec.get("kind")
    for name in ("dataset", "target", "date", "by", "text", "label", "labels"):
        if getattr(filled, name) is None and spec.get(name):
            setattr(filled, name, spec[name])
    filled.soll = request.soll or spec.get("criterion")
    return filled, payload


def prepare(workspace: Workspace, catalog: Catalog, request: PocRequest) -> Plan:
    """The plan with its budget: the one asked for, or one that fits the amount of work
    (announced before the start). Reading the data counts towards the budget."""
    started = time.monotonic()
    usecase = None
    if request.usecase:
        request, usecase = from_usecase(catalog, request)
    if request.kind not in KINDS:
        raise PocError("poc.error.kind", kind=request.kind or "-", kinds=", ".join(KINDS))
    if not request.dataset:
        raise PocError("poc.error.no_dataset")
    request.freq = check_frequency(request.freq)
    dataset = catalog.dataset(request.dataset)
    plan = {"forecast": _plan_forecast, "classify": _plan_table, "regress": _plan_table,
            "anomaly": _plan_anomaly, "text": _plan_text, "image": _plan_image}[request.kind](
        workspace, catalog, request, dataset)
    plan.usecase, plan.started = usecase, started
    plan.budget_auto = request.budget is None
    plan.budget = request.budget or default_budget(request.kind, work_size(plan))
    return plan


def work_size(plan: Plan) -> dict[str, int]:
    """What the time needed grows with: points of the series, cells of the table, characters
    of the texts."""
    inputs = plan.inputs
    if "series" in inputs:
        series = inputs["series"]
        return {"points": len(series.long), "series": int(series.long["unique_id"].nunique())}
    if "frame" in inputs:
        frame = inputs["frame"]
        return {"cells": int(frame.shape[0] * max(frame.shape[1] - 1, 1))}
    if "texts" in inputs:
        return {"chars": int(sum(len(str(x)) for x in inputs["texts"]))}
    return {"items": len(inputs.get("labels") or [])}


def _plan_forecast(workspace: Workspace, catalog: Catalog, request: PocRequest,
                   dataset: Dataset) -> Plan:
    frame = d.load_frame(workspace, dataset)
    d.require_columns(frame, [request.target, request.date, request.by], dataset.title)
    found = column_roles.forecast_columns(frame)
    columns = {"date": request.date or found["date"], "target": request.target or found["target"],
               "by": request.by, "plan": found["plan"]}
    if not columns["date"] or not columns["target"]:
        raise PocError("poc.error.no_columns", kind="forecast", title=dataset.title,
                       need="--date, --target")
    guessed = [k for k in ("date", "target", "plan") if columns[k] and not getattr(
        request, k, None)]
    series = build_series(frame, columns["date"], columns["target"], columns["by"],
                          request.freq, plan=columns["plan"])
    series.state = company_land(workspace) or series.state
    external = resolve_external(workspace, catalog, request.external, series)
    return Plan(request, [dataset], columns, guessed, {"series": series, "external": external})


def _plan_table(workspace: Workspace, catalog: Catalog, request: PocRequest,
                dataset: Dataset) -> Plan:
    frame = d.load_frame(workspace, dataset)
    target = request.target or request.label
    d.require_columns(frame, [target, request.date], dataset.title)
    columns = {"target": target or column_roles.table_target(frame, request.kind),
               "date": request.date}
    if not columns["target"]:
        raise PocError("poc.error.no_columns", kind=request.kind, title=dataset.title,
                       need="--target")
    return Plan(request, [dataset], columns, [] if target else ["target"], {"frame": frame})


def _plan_anomaly(workspace: Workspace, catalog: Catalog, request: PocRequest,
                  dataset: Dataset) -> Plan:
    frame = d.load_frame(workspace, dataset)
    d.require_columns(frame, [request.target, request.date], dataset.title)
    found = column_roles.anomaly_columns(frame)
    channels = found["channels"]
    if request.target:
        channels = [request.target] + [c for c in channels if c != request.target]
    columns = {"time": request.date or found["time"], "channels": channels,
               "label": request.label or found["label"]}
    if not columns["time"] or not channels:
        raise PocError("poc.error.no_columns", kind="anomaly", title=dataset.title,
                       need="--date, --target")
    sources, inputs = [dataset], {"frame": frame, "events": None}
    events_ds = catalog.dataset(request.events) if request.events else _find_events(catalog)
    if events_ds is not None and not columns["label"]:
        events, how = d.failure_events(d.load_frame(workspace, events_ds), dataset.title)
        if events:
            sources.append(events_ds)
            inputs["events"] = events
            columns["events"] = {"dataset": events_ds.id, "title": events_ds.title,
                                 "count": len(events)} | how
    guessed = [k for k in ("time", "channels") if not (request.date if k == "time"
                                                       else request.target)]
    return Plan(request, sources, columns, guessed + (["events"] if "events" in columns and
                                                      not request.events else []), inputs)


def _find_events(catalog: Catalog) -> Dataset | None:
    for candidate in catalog.datasets():
        name = f"{candidate.title} {candidate.location}"
        if candidate.kind == "table" and says("event_log", name):
            return candidate
    return None


def _plan_text(workspace: Workspace, catalog: Catalog, request: PocRequest,
               dataset: Dataset) -> Plan:
    label = request.label or request.target
    if dataset.kind == "documents":
        table = catalog.dataset(request.labels) if request.labels else _label_table(
            catalog, dataset)
        if table is None:
            raise PocError("poc.error.no_labels", title=dataset.title)
        frame = d.load_frame(workspace, table)
        file_col = request.text or _file_column(frame, dataset)
        label = label or column_roles.label_column(frame, [file_col])
        if not file_col or not label:
            raise PocError("poc.error.no_columns", kind="text", title=table.title,
                           need="--text, --label")
        texts, labels, names = d.document_texts(workspace, dataset, frame, file_col, label)
        columns = {"text": file_col, "target": label, "documents": dataset.id,
                   "labels": table.id}
        guessed = [k for k, given in (("text", request.text), ("target", label and (
            request.label or request.target))) if not given]
        return Plan(request, [dataset, table], columns, guessed,
                    {"texts": texts, "labels": labels, "names": names})
    frame = d.load_frame(workspace, dataset)
    d.require_columns(frame, [request.text, label], dataset.title)
    text_col = request.text or column_roles.text_column(frame)
    label = label or column_roles.label_column(frame, [text_col])
    if not text_col or not label:
        raise PocError("poc.error.no_columns", kind="text", title=dataset.title,
                       need="--text, --label")
    rows = frame[frame[label].notna()]
    guessed = [k for k, given in (("text", request.text), ("target", request.label or
                                                           request.target)) if not given]
    return Plan(request, [dataset], {"text": text_col, "target": label}, guessed,
                {"texts": rows[text_col].tolist(), "labels": rows[label].astype(str).tolist()})


def _plan_image(workspace: Workspace, catalog: Catalog, request: PocRequest,
                dataset: Dataset) -> Plan:
    """Pictures sorted into class folders, or a picture folder with a label table."""
    if dataset.kind != "images":
        raise PocError("poc.image.error.not_images", title=dataset.title, kind=dataset.kind)
    folder = engine.check_present(dataset)
    if folder is None or not folder.is_dir():
        raise PocError("poc.image.error.not_images", title=dataset.title, kind=dataset.kind)
    sources, columns = [dataset], {"folder": dataset.title}
    if request.labels:
        table = catalog.dataset(request.labels)
        frame = d.load_frame(workspace, table)
        file_col = request.text or _file_column_of(frame, folder)
        label = request.label or request.target or column_roles.label_column(frame, [file_col])
        if not file_col or not label:
            raise PocError("poc.error.no_columns", kind="image", title=table.title,
                           need="--text, --label")
        d.require_columns(frame, [file_col, label], table.title)
        images = image_poc.by_table(folder, frame, file_col, label)
        sources.append(table)
        columns |= {"labels": table.id, "file": file_col, "target": label}
    else:
        images = image_poc.by_folder(folder)
        columns |= {"target": "Unterordner"}
    image_poc.check_images(images, dataset.title)
    return Plan(request, sources, columns, [], {"images": images, "labels": images.labels})


def _file_column_of(frame: pd.DataFrame, folder: Path) -> str | None:
    names = {p.name for p in image_poc.image_files(folder)}
    counts = {c: int(frame[c].astype(str).map(lambda v: Path(v).name in names).sum())
              for c in frame.columns}
    best = max(counts, key=counts.get, default=None)
    return best if best and counts[best] else None


def _label_table(catalog: Catalog, docs: Dataset) -> Dataset | None:
    folder = docs.location.rstrip("/") + "/"
    return next((c for c in catalog.datasets()
                 if c.kind == "table" and c.location.startswith(folder)), None)


def _file_column(frame: pd.DataFrame, docs: Dataset) -> str | None:
    names = {Path(doc["path"]).name for doc in docs.details.get("documents") or []}
    best, hits = None, 0
    for column in frame.columns:
        count = frame[column].astype(str).map(lambda v: Path(v).name in names).sum()
        if count > hits:
            best, hits = column, int(count)
    return best


# -- run ----------------------------------------------------------------------------------
def run(workspace: Workspace, catalog: Catalog, plan: Plan, progress: StepProgress | None = None,
        forecast_out: Path | None = None, *, overwrite: bool = False) -> dict[str, Any]:
    request = plan.request
    if forecast_out is not None:
        forecast_out = check_output(forecast_out, overwrite=overwrite, catalog=catalog)
    soll = parse_soll(request.soll, request.kind)
    deadline = Deadline(plan.budget, started=plan.started, progress=progress)
    reading = deadline.elapsed
    outcome = _execute(plan, deadline)
    poc_id = f"poc-{request.kind}-{uuid.uuid4().hex[:8]}"
    folder = workspace.path("poc", poc_id, "x").parent
    folder.mkdir(parents=True, exist_ok=True)
    payload = _payload(poc_id, plan, outcome, soll, deadline)
    payload["plots"] = []
    if _time_for_plots(deadline):
        payload["plots"] = [str(p) for p in plots.draw(outcome, folder)]
    else:
        payload["notes"].append(both("poc.note.no_plots"))
    model_path = folder / "modell.joblib"
    joblib.dump({"id": poc_id, "kind": request.kind, "columns": payload["columns"],
                 "artefact": outcome.artefact}, model_path)
    payload["model_path"] = str(model_path)
    if request.kind == "forecast":
        payload["forecast_path"] = _write_future(outcome, folder / "prognose.csv", forecast_out,
                                                 workspace)
        payload["forecast_from"] = outcome.extra.get("future_from")
    payload["seconds"] = round(deadline.elapsed, 1)
    payload["seconds_reading"] = round(reading, 1)
    payload["model_card"] = str(modelcard.write(payload, folder))
    run_id = catalog.start_run("poc", {k: v for k, v in asdict(request).items() if v})
    with catalog.session() as session:
        save_result(session, "poc", _jsonable(payload), key=poc_id, dataset_id=plan.dataset.id,
                    run_id=run_id)
    catalog.finish_run(run_id, "ok", {"id": poc_id, "met": payload["met"],
                                      "verdict": payload["verdict"]})
    return payload


PLOT_SECONDS = 1.5


def _time_for_plots(deadline: Deadline) -> bool:
    """Plots only when they still fit into the budget plus 10 %."""
    return deadline.elapsed + PLOT_SECONDS <= allowed(deadline.budget)


def _execute(plan: Plan, deadline: Deadline) -> Outcome:
    request, columns, inputs = plan.request, plan.columns, plan.inputs
    if request.kind == "forecast":
        return run_forecast(inputs["series"], request.horizon, deadline, request.models,
                            inputs.get("external"))
    if request.kind in ("classify", "regress"):

        return run_table(inputs["frame"], columns["target"], request.kind, deadline,
                         columns["date"])
    if request.kind == "anomaly":

        return run_anomaly(inputs["frame"], columns["time"], columns["channels"], deadline,
                           events=inputs["events"], label=columns["label"])

    if request.kind == "image":
        return image_poc.run_image(inputs["images"], deadline, columns["folder"])
    return run_text(inputs["texts"], inputs["labels"], deadline, columns["text"],
                    columns["target"])


def judge(soll: Soll, outcome: Outcome) -> tuple[Soll, bool]:
    """The criterion as measured for this kind and whether it was met (with confidence)."""
    soll, decided = verdict(soll, outcome)
    return soll, decided["met"]


def verdict(soll: Soll, outcome: Outcome) -> tuple[Soll, Verdict]:
    """The criterion's metric as measured for this kind (recall of failures when the
    anomaly PoC is judged by failure events), and the verdict from the paired comparison."""
    if outcome.model is None:
        return soll, Verdict(met=False, verdict="not_met", comparison=None, more_data=None)
    metrics = outcome.model.metrics
    if soll.metric not in metrics and soll.metric == "recall" and "event_recall" in metrics:
        soll = replace(soll, metric="event_recall")
    return soll, soll.decide(outcome.paired, metrics, outcome.baseline.metrics)


def _payload(poc_id: str, plan: Plan, outcome: Outcome, soll: Soll, deadline: Deadline) -> dict:
    soll, decided = verdict(soll, outcome)
    baseline = outcome.baseline.to_dict()
    model = outcome.model.to_dict() if outcome.model else None
    notes = list(outcome.notes)
    if deadline.skipped:
        notes.append(both("poc.note.skipped", steps=", ".join(dict.fromkeys(deadline.skipped))))
    if deadline.interrupted:
        notes.append(both("poc.note.interrupted"))
    if outcome.left_out:
        notes.append(both("poc.verdict.leakage_note", columns=", ".join(
            c["column"] for c in outcome.left_out)))
    told = sentence(soll, decided, baseline, model, plan.budget, outcome.left_out)
    if model is not None and outcome.refit is False:
        notes.append(both("poc.note.not_refit"))
        told = {lang: f"{text} {t('poc.note.not_refit', lang=lang)}"
                for lang, text in told.items()}
    return {
        "id": poc_id, "kind": plan.request.kind, "dataset": plan.dataset.id,
        "dataset_title": plan.dataset.title, "created": datetime.now(UTC).isoformat(),
        "columns": plan.columns | outcome.columns, "guessed": plan.guessed,
        "baseline": baseline, "model": model, "candidates": outcome.candidates,
        "criterion": soll.text, "metric": soll.metric, **decided,
        "left_out": outcome.left_out,
        "sentence": told, "refit": outcome.refit if model is not None else None,
        "evaluation": outcome.evaluation, "features": outcome.features, "notes": notes,
        "rows": outcome.rows, "budget_seconds": plan.budget, "budget_auto": plan.budget_auto,
        "seconds": round(deadline.elapsed, 1), "usecase": plan.request.usecase,
        "ai_act": _ai_act(plan.usecase), "extra": outcome.extra,
        "data": [{"id": s.id, "title": s.title, "location": s.location,
                  "fingerprint": s.fingerprint, "rows": s.row_count,
                  "modified": s.modified_at} for s in plan.sources],
    }


def _ai_act(usecase: dict | None) -> dict[str, str]:
    if usecase:

        raw = next((u for u in library() if u["id"] == usecase["id"]), None)
        if raw:
            risk = raw["ai_act"]["risk"]
            return {lang: f"{t(f'usecases.risk.{risk}', lang=lang)}: "
                          f"{raw['ai_act']['reason'].get(lang, raw['ai_act']['reason']['de'])}"
                    for lang in ("de", "en")} | {"risk": risk}
    return dict(load("poc")["ai_act_default"]) | {"risk": None}


def _write_future(outcome: Outcome, path: Path, extra: Path | None,
                  workspace: Workspace) -> str | None:
    future = outcome.extra.get("future")
    if future is None or len(future) == 0:
        return None
    columns = ["unique_id", "ds", "yhat"] + [c for c in future.columns
                                             if c.startswith("yhat_")]
    table = future[columns].copy()
    table["ds"] = pd.to_datetime(table["ds"]).dt.strftime("%Y-%m-%d %H:%M:%S").str.replace(
        " 00:00:00", "", regex=False)
    table["modell"] = outcome.extra.get("future_from")  # the file says whose forecast it is
    table, _ = neutralise_frame(table)
    for target in [path] + ([Path(extra)] if extra else []):
        with writing(target, workspace) as temporary:
            table.to_csv(temporary, index=False, float_format="%.4f")
    return str(path)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float):
        return clean({"v": value})["v"]
    if hasattr(value, "item"):
        return value.item()
    return value
