"""Everything the report shows, read from the catalog, as plain data in the report's language."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from datensorgfalt.catalog import Catalog
from datensorgfalt.i18n import keys, language, t
from datensorgfalt.services import evidence as ev
from datensorgfalt.services.dataspace.summary import shared_and_received
from datensorgfalt.services.help import company_land
from datensorgfalt.services.readiness import assess, stored_answers, who_can_help
from datensorgfalt.services.report.federated import latest_federated
from datensorgfalt.services.usecases import match_all
from datensorgfalt.workspace import Workspace

STALE_DAYS = 365
RECENT_DAYS = 90
QUALITY_DIMENSIONS = ("completeness", "uniqueness", "validity", "accuracy", "consistency",
                      "currentness", "regularity")


def collect(workspace: Workspace | None, catalog: Catalog) -> dict[str, Any]:
    evidence = ev.gather(workspace, catalog)
    answers = stored_answers(catalog)
    readiness = assess(answers, evidence) if answers is not None else None
    if readiness is not None:  # who can help, for the company's Bundesland (services/help.py)
        readiness |= who_can_help(readiness, company_land(workspace))
    matches = match_all(evidence, readiness)
    company = (readiness or {}).get("company") or (workspace.root.name if workspace else "")
    data = {
        "company": company, "date": date.today().isoformat(),
        "datamap": _datamap(evidence), "quality": _quality(evidence),
        "privacy": _privacy(evidence), "readiness": readiness,
        "usecases": _usecases(matches), "pocs": _pocs(evidence),
        "federated": latest_federated(catalog),
    }
    data["next_steps"] = _next_steps(data)
    data["summary"] = _summary(data, evidence)
    data["series"] = _series(evidence)
    data["sharing"] = shared_and_received(catalog)  # issue 15: empty when nothing was shared
    return data


def summary(workspace: Workspace | None, catalog: Catalog) -> list[str]:
    """The report's "Das Wichtigste in Kürze" as sentences, without building the report."""
    return collect(workspace, catalog)["summary"]


def _age_bucket(days: int | None) -> str:
    if days is None:
        return "unknown"
    if days <= RECENT_DAYS:
        return "recent"
    return "year" if days <= STALE_DAYS else "old"


def _row(d: ev.Facts) -> dict[str, Any]:
    return {"id": d.id, "title": d.title, "area": d.area, "kind": d.kind, "format": d.format,
            "rows": d.rows, "size": d.byte_size, "age_days": d.age_days,
            "age": _age_bucket(d.age_days), "path": d.rel_path or d.location,
            "modified": d.modified_at.date().isoformat() if d.modified_at else "-",
            "readable": d.readable, "copy_of": d.copy_of}


def _datamap(evidence: ev.Evidence) -> dict[str, Any]:
    areas: dict[str, list] = defaultdict(list)
    for d in evidence.datasets:
        areas[d.area].append(_row(d))
    titles = {d.id: d.title for d in evidence.datasets}
    return {
        "count": len(evidence.datasets),
        "areas": [{"name": _area_name(name), "datasets": rows,
                   "size": sum(r["size"] or 0 for r in rows)}
                  for name, rows in sorted(areas.items())],
        "duplicates": [{"title": d.title, "path": d.rel_path, "original": titles.get(d.copy_of)}
                       for d in evidence.datasets if d.copy_of],
        "stale": _per_file(d for d in evidence.readable if (d.age_days or 0) > STALE_DAYS),
        "unreadable": _per_file(d for d in evidence.datasets if not d.readable),
    }


def _area_name(area: str) -> str:
    """Folder names as they are; the workspace's own copies and the top folder get words."""
    if area == ".":
        return t("report.datamap.top_folder")
    if area == ".datensorgfalt":
        return t("report.datamap.workspace")
    return area


def _per_file(datasets: Any) -> list[dict[str, Any]]:
    """One row per file: the sheets of one workbook count once."""
    rows: dict[str, dict[str, Any]] = {}
    for d in datasets:
        rows.setdefault(d.rel_path or d.location, _row(d))
    return list(rows.values())


def _quality(evidence: ev.Evidence) -> dict[str, Any]:
    rows = []
    for d in evidence.originals:
        if d.kind not in ("table", "database"):
            continue
        q = d.quality or {}
        scores = q.get("scores") or {}
        weakest = min((k for k in QUALITY_DIMENSIONS if scores.get(k) is not None),
                      key=lambda k: scores[k], default=None)
        rows.append({"title": d.title, "area": d.area, "score": q.get("score"),
                     "weakest": t(f"report.dimension.{weakest}") if weakest else "-",
                     "findings": d.findings, "rows": d.rows})
    rows.sort(key=lambda r: (r["score"] is None, r["score"] or 0))
    scored = [r["score"] for r in rows if r["score"] is not None]
    return {"run": evidence.quality_run, "rows": rows,
            "mean": round(sum(scored) / len(scored)) if scored else None,
            "poor": [r for r in rows if r["score"] is not None and r["score"] < 60]}


def _privacy(evidence: ev.Evidence) -> dict[str, Any]:
    personal = []
    for d in evidence.originals:
        if not d.personal:
            continue
        kinds = (d.privacy or {}).get("kinds") or []
        special = (d.privacy or {}).get("special_categories") or []
        personal.append({"title": d.title, "area": d.area,
                         "kinds": ", ".join(dict.fromkeys(_word(k) for k in kinds)) or "-",
                         "special": ", ".join(_word(s) for s in special),
                         "legal_basis": (d.rights or {}).get("legal_basis") or "-"})
    known = [d for d in evidence.originals if d.rights_known]
    return {"run": evidence.privacy_run, "personal": personal,
            "rights_known": len(known), "total": len(evidence.originals),
            "rights": [{"title": d.title, **(d.rights or {})} for d in known]}


def _word(code: str) -> str:
    """A plain word for a privacy code (``EMAIL`` -> ``E-Mail``); unknown codes stay."""

    key = f"report.pii.{str(code).lower()}"
    return t(key) if key in keys(language()) else str(code)


def _usecases(matches: list[dict]) -> dict[str, Any]:
    now = [m for m in matches if m["verdict"] == "now"]
    after = [m for m in matches if m["verdict"] == "after"]
    not_yet = [m for m in matches if m["verdict"] == "not_yet"
               and m["flags"]["ai_act"] != "prohibited" and m["fit"] > 0]
    not_yet.sort(key=lambda m: (m["benefit"] != "high", not m["practice"], -m["fit"]))
    return {"now": now[:5], "after": after[:4], "not_yet": not_yet[:8],
            "counts": {"now": len(now), "after": len(after),
                       "not_yet": len(matches) - len(now) - len(after)},
            "total": len(matches)}


def _pocs(evidence: ev.Evidence) -> list[dict[str, Any]]:
    """Each PoC as a person reads it: what was tried on which data, the result in words (not
    abbreviations), the verdict as one plain sentence and, for forecasts, the chart data."""
    titles = {d.id: d.title for d in evidence.datasets}
    pocs = []
    for p in evidence.pocs:
        kind, verdict = p.get("kind"), _verdict(p)
        metric = p.get("metric") or (PRIMARY_WORDS.get(kind) or "")
        model, baseline = p.get("model") or {}, p.get("baseline") or {}
        more = p.get("more_data") if language() == "de" else p.get("more_data_en")
        pocs.append({
            "title": t(f"report.poc.kind.{kind}") if f"report.poc.kind.{kind}" in keys(
                language()) else str(kind),
            "data": p.get("dataset_title") or titles.get(p.get("dataset"), "-"),
            "kind": kind, "criterion": p.get("criterion"), "met": p.get("met"),
            "verdict": verdict, "verdict_text": t(f"report.poc.verdict.{verdict}"),
            "model_words": measure_words(metric, model.get("metrics") or {}, "model"),
            "baseline_words": measure_words(metric, baseline.get("metrics") or {}, "baseline"),
            "more_data": more if verdict == "undecided" else None,
            "chart": (p.get("extra") or {}).get("chart"),
            # whether open data (holidays, weather) helped: services/poc/external.py
            "external": ((((p.get("extra") or {}).get("external") or {}).get("sentence")
                          or {}).get(language()))})
    return pocs


PRIMARY_WORDS = {"forecast": "wape", "classify": "accuracy", "regress": "mae",
                 "anomaly": "recall", "text": "accuracy", "image": "recall"}
# how each measure reads in words; the value is shown as a whole number (percent or points)
WORDED = ("wape", "smape", "mape", "accuracy", "recall", "event_recall", "precision",
          "macro_f1", "f1", "auc", "r2", "mae")


def _verdict(p: dict[str, Any]) -> str:
    if p.get("verdict") in ("met", "not_met", "undecided"):
        return p["verdict"]
    return "met" if p.get("met") else "not_met"


def measure_words(metric: str, metrics: dict[str, Any], who: str) -> str | None:
    """``im Mittel 9 % daneben`` instead of ``WAPE 9.0``: the measure of ``who`` (model or
    baseline) in one short sentence; falls back to the first measure that reads in words."""
    chosen = metric if metrics.get(metric) is not None and metric in WORDED else next(
        (m for m in WORDED if metrics.get(m) is not None), None)
    if chosen is None:
        return None
    value = float(metrics[chosen])
    number = value if chosen in ("wape", "smape", "mape", "mae") else value * 100
    amount = f"{number:,.0f}".replace(",", "." if language() == "de" else ",")
    return t(f"report.poc.words.{chosen}", who=t(f"report.poc.who.{who}"), n=amount)


def _series(evidence: ev.Evidence) -> list[dict[str, Any]]:
    return sorted(({"title": d.title, "months": d.series.months, "kind": d.series.kind}
                   for d in evidence.originals if d.series and d.series.months),
                  key=lambda s: -s["months"])


def _next_steps(data: dict[str, Any]) -> list[str]:
    steps = []
    now = data["usecases"]["now"]
    if now:
        first = now[0]
        steps.append(t("report.steps.start", title=first["title"]))
    if data["readiness"]:
        trial = t("readiness.step.trial")
        steps += [s for s in data["readiness"]["next_steps"] if not (now and s == trial)]
    else:
        steps.append(t("report.steps.readiness"))
    if data["datamap"]["duplicates"] or data["datamap"]["unreadable"]:
        steps.append(t("report.steps.cleanup", n=len(data["datamap"]["duplicates"])
                       + len(data["datamap"]["unreadable"])))
    if not data["datamap"]["count"]:
        steps.insert(0, t("report.steps.scan"))
    steps = list(dict.fromkeys(steps))[:5]
    return steps + _help_steps(data["readiness"])


def _help_steps(readiness: dict[str, Any] | None) -> list[str]:
    """Who can help next, for the readiness gaps (one line each), and the directory's date."""
    lines = (readiness or {}).get("help") or []
    if not lines:
        return []
    return [line["text"] for line in lines[:2]] + [
        t("support.checked", date=readiness["help_checked"])]


def _summary(data: dict[str, Any], evidence: ev.Evidence) -> list[str]:
    """Short sentences for the managing director: what there is, how good, where to start."""
    dm = data["datamap"]
    if not dm["count"]:
        return [t("report.summary.empty"), t("report.summary.empty_next")]
    lines = [t("report.summary.data", n=dm["count"], areas=len(dm["areas"])),
             t("report.summary.mess", dup=len(dm["duplicates"]), stale=len(dm["stale"]),
               broken=len(dm["unreadable"]))]
    q = data["quality"]
    lines.append(t("report.summary.quality", score=q["mean"]) if q["mean"] is not None
                 else t("report.summary.no_quality"))
    p = data["privacy"]
    lines.append(t("report.summary.personal", n=len(p["personal"])) if p["run"]
                 else t("report.summary.no_privacy"))
    r = data["readiness"]
    lines.append(t("report.summary.phase", phase=r["phase"]["title"]) if r
                 else t("report.summary.no_readiness"))
    now = data["usecases"]["now"]
    if now:
        names = [m["title"] for m in now[:2]]
        lines.append(t("report.summary.start", first=names[0], second=names[-1])
                     if len(names) > 1 else t("report.summary.start_one", first=names[0]))
    else:
        lines.append(t("report.summary.no_start"))
    blocked = [m for m in data["usecases"]["not_yet"] if m["method"] == "image"]
    if blocked:
        lines.append(t("report.summary.blocked", title=blocked[0]["title"],
                       what=blocked[0]["missing"][0] if blocked[0]["missing"] else "-"))
    if data["federated"] and data["federated"]["parties"]:
        lines.append(data["federated"]["summary"])
    return lines
