"""Katalog: every dataset with search and filters, the folder tree, copies side by side."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from datensorgfalt.services import evidence
from datensorgfalt.services.opendata import open_entries
from datensorgfalt.web.render import page, render

router = APIRouter()
AGES = {"new": (0, 90), "year": (90, 365), "old": (365, None)}
QUALITY = {"bad": (0, 60), "mid": (60, 80), "good": (80, 101)}


ROW_FIELDS = ("id", "title", "kind", "format", "status", "rows", "byte_size", "modified_at",
              "area", "copy_of", "personal", "rights_known", "findings")


def _row(facts: evidence.Facts) -> dict[str, Any]:
    """What the list shows of a dataset (the page of the dataset has the rest)."""
    row = {name: getattr(facts, name) for name in ROW_FIELDS}
    row.update(age_days=facts.age_days, quality_score=facts.quality_score,
               place=facts.rel_path or facts.path)
    return row


def _open_row(entry: dict[str, Any]) -> dict[str, Any]:
    """What the list shows of an open-data entry: marked as open data, with its licence."""
    licence = entry["licence_info"]
    return {"id": entry["id"], "title": entry["title"], "open_data": True,
            "publisher": entry.get("publisher"), "description": entry.get("description"),
            "formats": sorted({d["format"] for d in entry["distributions"] if d["format"]}),
            "licence": licence["id"], "licence_text": licence["text"],
            "temporal": entry.get("temporal"), "source": entry.get("source")}


def _keep(row: dict[str, Any], query: dict[str, str]) -> bool:
    text = query.get("q", "").strip().lower()
    checks = [
        not text or text in f"{row['title']} {row['place']}".lower(),
        not query.get("area") or row["area"] == query["area"],
        not query.get("format") or row["format"] == query["format"],
        not query.get("personal") or str(row["personal"]).lower() == query["personal"],
        not query.get("copies") or bool(row["copy_of"]),
    ]
    if query.get("age") in AGES and row["age_days"] is not None:
        low, high = AGES[query["age"]]
        checks.append(low <= row["age_days"] and (high is None or row["age_days"] < high))
    if query.get("quality") in QUALITY:
        low, high = QUALITY[query["quality"]]
        checks.append(row["quality_score"] is not None and low <= row["quality_score"] < high)
    return all(checks)


def _tree(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Folders as nested dicts; the files of a folder under the key ``""``."""
    tree: dict[str, Any] = {}
    for row in rows:
        parts = row["place"].split("#")[0].strip("/").split("/")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node.setdefault("", []).append(row)
    return tree


@page(router, "/katalog")
async def catalog_page(request: Request) -> Response:
    workspace, catalog = request.app.state.opened.both()
    facts = request.app.state.opened.cached(
        "evidence", lambda: evidence.gather(workspace, catalog))
    rows = [_row(f) for f in facts.datasets]
    query = {k: v for k, v in request.query_params.items() if v}
    shown = [r for r in rows if _keep(r, query)]
    by_id = {r["id"]: r for r in rows}
    copies = [(by_id[r["copy_of"]], r) for r in rows if r["copy_of"] in by_id]
    opened = open_entries(catalog)
    data = {"datasets": shown, "count": len(rows), "query": query,
            "copies": [{"original": a["id"], "copy": b["id"]} for a, b in copies],
            # open data from imported catalogs: listed apart, never mixed with own data
            "open_data": [_open_row(e) for e in open_entries(catalog, query.get("q"))],
            "open_count": len(opened)}
    choices = {"area": sorted({r["area"] for r in rows if r["area"]}),
               "format": sorted({r["format"] for r in rows if r["format"]})}
    return render(request, "catalog.html.j2", data, tree=_tree(rows), pairs=copies,
                  choices=choices)
