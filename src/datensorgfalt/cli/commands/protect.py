"""``datensorgfalt protect DATASET --out DIR``: a protected copy; the original stays as it is."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    note_neutralised,
    open_catalog,
    overwrite_option,
    print_json,
    workspace_option,
)
from datensorgfalt.i18n import t
from datensorgfalt.services.outputs import check_output, writing
from datensorgfalt.services.privacy import (
    ProtectReport,
    protect,
    suggested_plan,
)
from datensorgfalt.workspace import Workspace


def register(app: typer.Typer) -> None:
    @app.command("protect", help=t("protect.help.command"))
    @handles_errors
    def protect_command(
        dataset: str = typer.Argument(..., help=t("protect.help.dataset")),
        out: Path = typer.Option(None, "--out", "-o", help=t("protect.help.out")),
        plan: Path = typer.Option(None, "--plan", help=t("protect.help.plan")),
        k: int = typer.Option(None, "--k", "-k", help=t("protect.help.k")),
        quasi: list[str] = typer.Option(None, "--quasi", help=t("protect.help.quasi")),
        sensitive: list[str] = typer.Option(None, "--sensitive", help=t("protect.help.sensitive")),
        write_plan: Path = typer.Option(None, "--write-plan", help=t("protect.help.write_plan")),
        overwrite: bool = overwrite_option(),
        workspace: Path = workspace_option(),
        as_json: bool = json_option(),
    ) -> None:
        with open_catalog(workspace) as (ws, catalog):
            if write_plan:
                target = check_output(write_plan, overwrite=overwrite, catalog=catalog)
                _write_plan(suggested_plan(catalog, dataset, k or 5), target, ws)
                return
            if out is None:
                raise typer.BadParameter("--out", param_hint="--out")
            report = protect(ws, catalog, dataset, out, plan, k, quasi or None,
                             sensitive or None, overwrite=overwrite)
        note_neutralised(report.neutralised)
        print_json(report.to_dict()) if as_json else _render(report)


def _write_plan(plan: dict, path: Path, workspace: Workspace) -> None:
    with writing(path, workspace) as temporary:
        temporary.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), "utf-8")
    console.print(t("protect.cli.plan_written", path=path))


def _render(report: ProtectReport) -> None:
    console.print(t("protect.cli.done", path=report.path, rows=report.rows))
    for column, entry in report.plan["columns"].items():
        if entry["treatment"] != "keep":
            console.print(t("protect.cli.treatment", column=column,
                            treatment=t(f"protect.treatment.{entry['treatment']}")), markup=False)
    k = report.k
    if k["quasi_identifiers"]:
        console.print(t("protect.cli.k", before=_n(k["before"]), after=_n(k["after"]),
                        target=k["target"],
                        suppressed=k["suppressed_rows"],
                        loss=round(100 * k["information_loss"], 1)))
        for when, risk in (("before", report.risk_before), ("after", report.risk_after)):
            console.print(t("protect.cli.risk", when=t(f"protect.cli.{when}"),
                            unique=round(100 * risk["unique_share"], 1),
                            smallest=_n(risk["k"])))
    else:
        console.print(t("protect.cli.k_none"))
    for column, value in report.l_diversity.items():
        console.print(t("protect.cli.l", column=column, l=value))
    console.print(t("protect.cli.original"))


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)
