"""``datensorgfalt poc KIND`` and ``datensorgfalt predict POC_ID NEW_DATA``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.prompt import Confirm
from rich.table import Table

from datensorgfalt.cli.common import (
    console,
    err_console,
    handles_errors,
    json_option,
    note_neutralised,
    open_catalog,
    overwrite_option,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import language, t
from datensorgfalt.services import poc as service

SHOWN = {"forecast": ["wape", "smape", "mase"], "classify": ["auc", "accuracy", "macro_f1",
         "recall"], "regress": ["mae", "rmse", "r2"], "anomaly": ["event_recall", "recall",
         "precision", "f1", "lead_time_hours", "false_alarms_per_30d"],
         "text": ["balanced_accuracy", "accuracy", "macro_f1"],
         "image": ["recall", "precision", "accuracy", "macro_f1"]}


def register(app: typer.Typer) -> None:
    @app.command("poc", help=t("poc.help.poc"))
    @handles_errors
    def poc(
        kind: str = typer.Argument(None, help=t("poc.help.kind")),
        dataset: str = typer.Option(None, "--dataset", "-d", help=t("poc.help.dataset")),
        usecase: str = typer.Option(None, "--usecase", help=t("poc.help.usecase")),
        target: str = typer.Option(None, "--target", help=t("poc.help.target")),
        date: str = typer.Option(None, "--date", help=t("poc.help.date")),
        by: str = typer.Option(None, "--by", help=t("poc.help.by")),
        text: str = typer.Option(None, "--text", help=t("poc.help.text")),
        label: str = typer.Option(None, "--label", help=t("poc.help.label")),
        labels: str = typer.Option(None, "--labels", help=t("poc.help.labels")),
        events: str = typer.Option(None, "--events", help=t("poc.help.events")),
        horizon: int = typer.Option(None, "--horizon", min=1, help=t("poc.help.horizon")),
        freq: str = typer.Option("auto", "--freq", help=t("poc.help.freq")),
        soll: str = typer.Option(None, "--soll", help=t("poc.help.soll")),
        external: str = typer.Option(None, "--with", help=t("poc.external.help")),
        budget: str = typer.Option(None, "--budget", help=t("poc.help.budget")),
        yes: bool = typer.Option(False, "--yes", "-y", help=t("poc.help.yes")),
        forecast_out: Path = typer.Option(None, "--forecast-out", help=t("poc.help.out")),
        overwrite: bool = overwrite_option(),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        request = service.PocRequest(
            kind=kind, dataset=dataset, target=target, date=date, by=by, text=text, label=label,
            labels=labels, events=events, horizon=horizon, freq=freq, soll=soll,
            budget=service.parse_budget(budget) if budget else None, usecase=usecase,
            external=external)
        with open_catalog(workspace) as (ws, catalog):
            plan = service.prepare(ws, catalog, request)
            _confirm(plan, yes)
            err_console.print(t("poc.budget.announce", time=_duration(plan.budget)) + (
                " " + t("poc.budget.chosen") if plan.budget_auto else ""))
            with err_console.status(t("poc.working")) as status:
                payload = service.run_poc(ws, catalog, plan, lambda step: status.update(
                    t("poc.step", step=step)), forecast_out, overwrite=overwrite)
        if as_json:
            print_json(_summary(payload))
            return
        render(payload)

    @app.command("predict", help=t("poc.help.predict"))
    @handles_errors
    def predict(
        poc_id: str = typer.Argument(..., help=t("poc.help.poc_id")),
        new_data: Path = typer.Argument(..., exists=True, help=t("poc.help.new_data")),
        out: Path = typer.Option(..., "--out", "-o", help=t("poc.help.predict_out")),
        overwrite: bool = overwrite_option(),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            result = service.predict(ws, poc_id, new_data, out, overwrite=overwrite,
                                     catalog=catalog)
        note_neutralised(result["neutralised"])
        if as_json:
            print_json(result)
            return
        console.print(t("poc.predicted", n=result["rows"], out=result["out"]))


def _confirm(plan: service.Plan, yes: bool) -> None:
    if not plan.guessed or yes:
        return
    err_console.print(t("poc.guessed"))
    for key in plan.guessed:
        err_console.print(f"  {key}: [bold]{plan.columns.get(key)}[/]")
    if not sys.stdin.isatty():
        raise service.PocError("poc.error.confirm")
    if not Confirm.ask(t("poc.confirm"), console=err_console, default=True):
        raise typer.Exit(1)


def _duration(seconds: float) -> str:
    if seconds >= 90:
        return t("poc.budget.minutes", n=f"{seconds / 60:.0f}")
    return t("poc.budget.seconds", n=f"{seconds:.0f}")


def _summary(payload: dict) -> dict:
    keys = ("id", "kind", "dataset", "columns", "baseline", "model", "criterion", "metric",
            "met", "verdict", "comparison", "more_data", "left_out", "sentence", "evaluation",
            "notes", "candidates", "budget_seconds", "budget_auto", "seconds", "seconds_reading",
            "refit", "plots", "model_card", "model_path", "forecast_path", "forecast_from",
            "usecase")
    return {k: payload.get(k) for k in keys} | {
        "external": (payload.get("extra") or {}).get("external")}


def render(payload: dict) -> None:
    lang = language()
    table = Table(title=t("poc.title", id=payload["id"], title=payload["dataset_title"]))
    table.add_column(t("poc.col.metric"))
    table.add_column(f"Ist: {payload['baseline']['name']}", overflow="fold")
    model = payload.get("model") or {"name": "-", "metrics": {}}
    table.add_column(t("poc.col.model", name=model["name"]), overflow="fold")
    for metric in SHOWN[payload["kind"]]:
        base = payload["baseline"]["metrics"].get(metric)
        mine = model["metrics"].get(metric)
        if base is None and mine is None:
            continue
        table.add_row(t(f"poc.metric.{metric}"), service.format_metric(metric, base, lang),
                      service.format_metric(metric, mine, lang))
    console.print(table)
    style = {"met": "bold green", "not_met": "bold red"}.get(payload.get("verdict"), "yellow")
    console.print(f"[{style}]{payload['sentence'][lang]}[/]")
    for note in payload.get("notes") or []:
        console.print(f"[dim]- {note[lang]}[/]")
    console.print(t("poc.files", card=payload["model_card"], model=payload["model_path"]))
    if payload.get("forecast_path"):
        console.print(t("poc.forecast_file", path=payload["forecast_path"]))
        console.print(t("poc.budget.forecast_from", name=payload.get("forecast_from") or "-"))
    console.print(t("poc.budget.took", seconds=f"{payload['seconds']:.0f}",
                    time=_duration(payload["budget_seconds"])))
