"""``datensorgfalt check RULES.yaml`` (exit 1 when a check fails) and
``datensorgfalt check --suggest DATASET`` (prints suggested checks as YAML)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from datensorgfalt.cli.common import (
    console,
    handles_errors,
    json_option,
    open_catalog,
    print_json,
    workspace_option,
)
from datensorgfalt.errors import NoWorkspace
from datensorgfalt.i18n import t
from datensorgfalt.services import quality as service

STYLE = {"passed": "green", "failed": "bold red", "error": "red"}


def register(app: typer.Typer) -> None:
    @app.command("check", help=t("help.check"))
    @handles_errors
    def check(rules: Path = typer.Argument(None, help=t("help.check_rules")),
              suggest: str = typer.Option(None, "--suggest", help=t("help.check_suggest")),
              workspace: Path = workspace_option(), as_json: bool = json_option()) -> None:
        if suggest:
            with open_catalog(workspace) as (ws, catalog):
                sys.stdout.write(service.suggest_checks(ws, catalog, suggest))
            return
        if rules is None:
            raise service.RulesError("quality.error.check_usage")
        results = _run(rules, workspace)
        if as_json:
            print_json(service.as_dicts(results))
        else:
            _render(results)
        raise typer.Exit(exit_code(results))


def exit_code(results: list[service.CheckResult]) -> int:
    """1 when a rule is violated; 2 when none is but some could not be checked; else 0."""
    statuses = {r.status for r in results}
    return 1 if "failed" in statuses else 2 if "error" in statuses else 0


def _run(rules: Path, workspace: Path | None) -> list[service.CheckResult]:
    """Datasets are looked up in the workspace (``-w``, else the one this command runs in,
    else the one of the rules file's folder); plain ``file:`` entries need none."""
    for place in ([workspace] if workspace else [None, rules.resolve().parent]):
        try:
            with open_catalog(place) as (ws, catalog):
                return service.run_checks(ws, catalog, rules)
        except NoWorkspace:
            if workspace:
                raise
    return service.run_checks(None, None, rules)


def _render(results: list[service.CheckResult]) -> None:
    table = Table()
    for key in ("dataset", "rule", "status", "detail"):
        table.add_column(t(f"check.col.{key}"), overflow="fold")
    for r in results:
        detail = ", ".join(f"{k}={v}" for k, v in r.detail.items() if v is not None)
        table.add_row(r.dataset, r.rule, f"[{STYLE[r.status]}]{t('check.' + r.status)}[/]",
                      detail)
    console.print(table)
    failed = sum(r.status == "failed" for r in results)
    errors = sum(r.status == "error" for r in results)
    console.print(t("check.summary", passed=len(results) - failed - errors, total=len(results),
                    failed=failed))
    if errors:
        console.print(t("check.errors", n=errors), style="yellow")
