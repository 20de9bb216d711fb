"""What runs inside the worker process: the same service entry points as the CLI, with their
progress written to the job's state file."""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from datensorgfalt import i18n
from datensorgfalt.catalog import json_safe
from datensorgfalt.errors import DatensorgfaltError, NoWorkspace
from datensorgfalt.workspace import find_workspace, init_workspace


class Reporter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.phase = ""

    def write(self, **state: Any) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(json_safe(state)), "utf-8")
        tmp.replace(self.path)

    def progress(self, done: int, total: int, label: str) -> None:
        self.write(state="running", phase=self.phase, done=done, total=total, label=label)

    def step(self, label: str) -> None:
        self.write(state="running", phase=self.phase, done=0, total=0, label=label)


def main(kind: str, params: dict[str, Any], root: str, lang: str, state_file: str) -> None:
    os.setsid()  # its own process group: cancel ends it and whatever it starts
    i18n.set_language(lang)
    reporter = Reporter(Path(state_file))
    try:
        result = JOBS[kind](Path(root), params, reporter)
        reporter.write(state="done", result=result, done=1, total=1, label="")
    except DatensorgfaltError as exc:
        reporter.write(state="failed", error=str(exc))
    except Exception:  # noqa: BLE001 - the page says it in words, the log keeps the details
        traceback.print_exc(file=sys.stderr)
        reporter.write(state="failed", error=i18n.t("web.error.internal"))


def _scan(root: Path, params: dict[str, Any], reporter: Reporter) -> dict[str, Any]:
    from datensorgfalt.services.privacy import scan_privacy
    from datensorgfalt.services.quality import run_quality
    from datensorgfalt.services.scan import scan

    try:
        workspace = find_workspace(root)
    except NoWorkspace:
        workspace = init_workspace(root)
    catalog = workspace.open_catalog()
    try:
        reporter.phase = i18n.t("web.start.phase_scan")
        report = scan(workspace, catalog, params["targets"], progress=reporter.progress)
        reporter.phase = i18n.t("web.start.phase_quality")
        quality = run_quality(workspace, catalog, [], reporter.progress)
        reporter.phase = i18n.t("web.start.phase_privacy")
        privacy = scan_privacy(workspace, catalog, None, progress=reporter.progress)
    finally:
        catalog.close()
    return {"scan": report.to_dict(), "quality": len(quality.outcomes),
            "privacy": len(privacy.datasets)}


def _poc(root: Path, params: dict[str, Any], reporter: Reporter) -> dict[str, Any]:
    from datensorgfalt.services import poc

    workspace = find_workspace(root)
    catalog = workspace.open_catalog()
    reporter.phase = i18n.t("web.poc.phase")
    try:
        plan = poc.prepare(workspace, catalog, poc.PocRequest(**params))
        payload = poc.run_poc(workspace, catalog, plan, reporter.step)
    finally:
        catalog.close()
    return {"id": payload["id"], "met": payload.get("met")}


def _report(root: Path, params: dict[str, Any], reporter: Reporter) -> dict[str, Any]:
    from datensorgfalt.services.report import build_report

    workspace = find_workspace(root)
    catalog = workspace.open_catalog()
    reporter.phase = i18n.t("web.report.phase")
    reporter.step(i18n.t("web.report.phase"))
    try:
        return dict(build_report(workspace, catalog, None, params.get("lang")))
    finally:
        catalog.close()


JOBS = {"scan": _scan, "poc": _poc, "report": _report}
