"""Render the report: Jinja2 template -> one self-contained HTML file -> PDF (WeasyPrint)."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypedDict

from jinja2 import Environment, PackageLoader, select_autoescape

from datensorgfalt import i18n
from datensorgfalt.catalog import Catalog
from datensorgfalt.services.knowledge import load, loc
from datensorgfalt.services.outputs import OutputRefused, check_outputs, writing
from datensorgfalt.services.report.charts import draw_all
from datensorgfalt.services.report.collect import collect
from datensorgfalt.workspace import Workspace

SECTIONS = ("summary", "datamap", "quality", "privacy", "maturity", "usecases", "nextsteps",
            "poc")
#: shown after them only when there is something to show: learning together with others
OPTIONAL_SECTIONS = ("federated",)


@contextmanager
def _language(lang: str | None):
    previous = i18n._current
    if lang:
        i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(previous)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("datensorgfalt", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["t"] = i18n.t
    env.globals["phase_titles"] = lambda r: [
        {"title": loc(p["title"]), "here": p["key"] == r["phase"]["key"]}
        for p in load("readiness")["phases"]]
    env.filters["size"] = i18n.human_size
    env.filters["metrics"] = lambda m: ", ".join(
        f"{k.upper()} {v:.2f}" if isinstance(v, float) else f"{k.upper()} {v}"
        for k, v in list((m or {}).items())[:2]) or "-"
    env.filters["number"] = lambda n: "-" if n is None else f"{int(n):,}".replace(
        ",", "." if i18n.language() == "de" else ",")
    return env


def render_html(data: dict[str, Any]) -> str:
    return _environment().get_template("report.html.j2").render(
        data=data, sections=SECTIONS, lang=i18n.language())


class ReportFiles(TypedDict):
    """The written report: where its files are and what it says in brief."""

    html: str
    pdf: str
    pages: int
    lang: str
    sections: list[str]
    company: str
    usecases_now: list[str]
    phase: str | None


def build_report(workspace: Workspace | None, catalog: Catalog, out_dir: Path | None = None,
                 lang: str | None = None, *, overwrite: bool = False) -> ReportFiles:
    """Write ``bericht.html`` and ``bericht.pdf`` (``report.*`` in English) into ``out_dir``.

    Without ``out_dir`` they go to the workspace's ``report/`` and replace the last report
    there; in a folder of the user's an earlier report is replaced only with ``overwrite``."""
    with _language(lang):
        name = i18n.t("report.file_name")
    if out_dir is None and workspace is None:
        raise ValueError("out_dir is needed without a workspace")
    out = Path(out_dir) if out_dir else workspace.folder / "report"
    if out.exists() and not out.is_dir():
        raise OutputRefused("outputs.error.not_a_folder", path=str(out))
    html_path, pdf_path = check_outputs([out / f"{name}.html", out / f"{name}.pdf"],
                                        overwrite=overwrite or out_dir is None, catalog=catalog)
    with _language(lang):
        data = collect(workspace, catalog)
        data["charts"] = draw_all(data)
        html = render_html(data)
        current = i18n.language()
    with writing(pdf_path, workspace) as temporary:
        pages = write_pdf(html, temporary, base=pdf_path.parent)
    with writing(html_path, workspace) as temporary:
        temporary.write_text(html, "utf-8")
    shown = list(SECTIONS) + [s for s in OPTIONAL_SECTIONS if data.get(s)]
    return {"html": str(html_path), "pdf": str(pdf_path), "pages": pages, "lang": current,
            "sections": shown, "company": data["company"],
            "usecases_now": [m["id"] for m in data["usecases"]["now"]],
            "phase": data["readiness"]["phase"]["key"] if data["readiness"] else None}


def write_pdf(html: str, path: Path, base: Path | None = None) -> int:
    """The PDF via WeasyPrint; returns the number of pages."""
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=str(base or path.parent)).render()
    document.write_pdf(path)
    return len(document.pages)
