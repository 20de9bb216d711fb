"""Use cases that fit the company's real data.

Every use case in ``knowledge/usecases.yaml`` is checked against the catalog: each data
requirement (a predicate, see ``predicates.py``) says which datasets meet it and what is
missing; the readiness gates compare with the stored assessment. Verdict:

- ``now``: every requirement met and every gate passed ("Sie können jetzt starten");
- ``after``: every requirement at least half met, or only gates or outside data missing
  ("Start nach ...");
- ``not_yet``: a requirement less than half met, or the use is prohibited ("noch nicht").
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from datensorgfalt.catalog import Catalog, save_result
from datensorgfalt.i18n import t
from datensorgfalt.services import evidence as ev
from datensorgfalt.services.help import company_land, help_for
from datensorgfalt.services.knowledge import load, loc
from datensorgfalt.services.usecases.predicates import PREDICATES, Check
from datensorgfalt.workspace import Workspace

VERDICT_ORDER = {"now": 0, "after": 1, "not_yet": 2}
LEVEL = {"low": 1, "medium": 2, "high": 3}


class Match(TypedDict):
    """One use case checked against the catalog: the verdict (now, after, not_yet), what is
    missing, which datasets fit and the PoC to start (plain data, texts in one language)."""

    id: str
    title: str
    summary: str
    area: str
    area_label: str
    method: str
    method_label: str
    nace: list[str]
    benefit: Any
    effort: Any
    practice: bool
    verdict: str
    verdict_label: str
    fit: float
    requirements: list[dict[str, Any]]
    gates: list[dict[str, Any]]
    missing: list[str]
    flags: Any
    make_or_buy: Any
    pitfalls: Any
    first_steps: Any
    datasets: list[str]
    poc: dict[str, Any] | None
    help: NotRequired[list[dict[str, Any]]]  # who can help close the gaps (services/help.py)


def library() -> list[dict[str, Any]]:
    return load("usecases")["usecases"]


def match_all(evidence: ev.Evidence,
              readiness: dict[str, Any] | None = None) -> list[Match]:
    """Every use case with verdict and data fit, best first (texts in the current language)."""
    readiness = readiness if readiness is not None else evidence.readiness
    matches = [match(usecase, evidence, readiness) for usecase in library()]
    matches.sort(key=_rank)
    for rank, item in enumerate(matches, 1):
        item["rank"] = rank
    return matches


def _rank(item: Match) -> tuple:
    return (VERDICT_ORDER[item["verdict"]], -item["fit"], -LEVEL[item["benefit"]],
            LEVEL[item["effort"]], not item["practice"], item["id"])


def match(usecase: dict[str, Any], evidence: ev.Evidence, readiness: dict | None) -> Match:
    checks = [_check(req, evidence) for req in usecase["requires"]]
    requirements = [_describe(req, check) for req, check in zip(
        usecase["requires"], checks, strict=True)]
    gates = _gates(usecase.get("gates") or {}, readiness)
    fit = round(sum(c.ratio for c in checks) / len(checks), 2)
    verdict = _verdict(usecase, checks, gates)
    missing = [r["missing"] for r in requirements if not r["ok"]]
    missing += [g["text"] for g in gates if g["ok"] is False]
    return {
        "id": usecase["id"], "title": loc(usecase["title"]), "summary": loc(usecase["summary"]),
        "area": usecase["area"], "area_label": t(f"usecases.area.{usecase['area']}"),
        "method": usecase["method"], "method_label": t(f"usecases.method.{usecase['method']}"),
        "nace": usecase.get("nace", []), "benefit": usecase["benefit"],
        "effort": usecase["effort"], "practice": bool(usecase.get("practice")),
        "verdict": verdict, "verdict_label": _verdict_label(verdict, missing, usecase),
        "fit": fit, "requirements": requirements, "gates": gates, "missing": missing,
        "flags": _flags(usecase), "make_or_buy": loc(usecase["make_or_buy"]),
        "pitfalls": loc(usecase["pitfalls"]), "first_steps": loc(usecase["first_steps"]),
        "datasets": sorted({d.id for c in checks for d in c.datasets if c.ok}),
        "poc": _poc(usecase, checks) if verdict != "not_yet" else None,
    }


def _check(requirement: dict[str, Any], evidence: ev.Evidence) -> Check:
    (name, spec), = requirement.items()
    return PREDICATES[name](spec or {}, evidence)


def _describe(requirement: dict[str, Any], check: Check) -> dict[str, Any]:
    (name, spec), = requirement.items()
    spec = spec or {}
    values = _text_values(spec, check)
    how = loc(spec.get("how")) or t(f"usecases.how.{name}", **values)
    return {
        "predicate": name, "ok": check.ok, "ratio": round(check.ratio, 2),
        "need": t(f"usecases.need.{_need_key(name, spec)}", **values),
        "have": t(f"usecases.have.{_need_key(name, spec)}", **values) if check.datasets else t(
            "usecases.have.nothing"),
        "datasets": [{"id": d.id, "title": d.title, "area": d.area} for d in check.datasets],
        "missing": "" if check.ok else t(f"usecases.missing.{name}", **values),
        "how": "" if check.ok else how, "facts": check.have, "params": spec,
    }


def _text_values(spec: dict[str, Any], check: Check) -> dict[str, Any]:
    have, need = check.have, check.need
    short = ", ".join(f"{k} ({v})" for k, v in (have.get("short") or {}).items())
    return {
        "months": have.get("months", 0), "min_months": need.get("min_months", 0),
        "cycles": have.get("cycles", 0), "min_cycles": need.get("min_seasonal_cycles", 0),
        "lack_months": max(need.get("min_months", 0) - have.get("months", 0), 0),
        "series": have.get("series", 0), "min_series": need.get("min_series", 1),
        "signals": have.get("signals", 0), "min_signals": need.get("min_signals", 1),
        "rows": have.get("rows", 0), "min_rows": need.get("min_rows", 1),
        "count": have.get("count", 0), "min_count": need.get("min_count", 1),
        "classes": have.get("classes", 0), "min_classes": need.get("min_classes", 1),
        "min_per_class": need.get("min_per_class", 1), "short": short or "-",
        "target": have.get("target", "-"), "date": have.get("date", "-"),
        "label": have.get("label", "-"), "labelled": have.get("labelled", 0),
        "what": loc(spec.get("what")) or "-",
        "keywords": _first_word(spec),
        "datasets": ", ".join(d.title for d in check.datasets[:3]) or "-",
    }


def _need_key(name: str, spec: dict[str, Any]) -> str:
    return "texts_labelled" if name == "texts" and spec.get("label_column") else name


def _first_word(spec: dict[str, Any]) -> str:
    """The first keyword, as a word a person reads (``lager`` -> ``„Lager“``)."""
    words = spec.get("keywords") or []
    return t("usecases.keyword", word=str(words[0]).capitalize()) if words else "-"


def _gates(gates: dict[str, Any], readiness: dict | None) -> list[dict[str, Any]]:
    """Readiness gates: a minimum phase and minimum dimension scores. Unknown without answers."""
    spec = load("readiness")
    phases = [p["key"] for p in spec["phases"]]
    titles = {p["key"]: loc(p["title"]) for p in spec["phases"]}
    dim_titles = {d["key"]: loc(d["title"]) for d in spec["dimensions"]}
    result = []
    phase = gates.get("phase", "not_started")
    if phases.index(phase) > 0:
        have = readiness["phase"]["key"] if readiness else None
        ok = None if have is None else phases.index(have) >= phases.index(phase)
        result.append({"gate": "phase", "need": phase, "have": have, "ok": ok,
                       "text": t("usecases.gate.phase", phase=titles[phase])})
    scores = {d["key"]: d["score"] for d in (readiness or {}).get("dimensions", [])}
    for dim, need in (gates.get("dimensions") or {}).items():
        have = scores.get(dim)
        result.append({"gate": dim, "need": need, "have": have,
                       "ok": None if have is None else have >= need,
                       "text": t("usecases.gate.dimension", dimension=dim_titles[dim],
                                 need=need)})
    return result


def _verdict(usecase: dict, checks: list[Check], gates: list[dict]) -> str:
    if usecase["ai_act"]["risk"] == "prohibited":
        return "not_yet"
    if all(c.ok for c in checks) and all(g["ok"] is not False for g in gates):
        return "now"
    if min(c.ratio for c in checks) >= 0.5:
        return "after"
    return "not_yet"


def _verdict_label(verdict: str, missing: list[str], usecase: dict) -> str:
    if usecase["ai_act"]["risk"] == "prohibited":
        return t("usecases.verdict.prohibited")
    if verdict == "after":
        return t("usecases.verdict.after", what="; ".join(missing[:2]))
    return t(f"usecases.verdict.{verdict}")


def _flags(usecase: dict) -> dict[str, Any]:
    risk = usecase["ai_act"]["risk"]
    return {"ai_act": risk, "ai_act_label": t(f"usecases.risk.{risk}"),
            "ai_act_reason": loc(usecase["ai_act"]["reason"]),
            "dsgvo": bool(usecase.get("dsgvo")), "codetermination": bool(
                usecase.get("codetermination"))}


def _poc(usecase: dict, checks: list[Check]) -> dict[str, Any] | None:
    """The proof-of-concept call with dataset and columns filled in (read by ``poc``)."""
    spec = usecase.get("poc")
    source = next((c.poc for c in checks if c.poc.get("dataset")), None)
    if not spec or not source:
        return None
    poc = {"kind": spec["kind"], "criterion": spec.get("criterion"), "by": None, "text": None,
           "label": None, "target": None, "date": None} | source
    events = next((c.poc["events"] for c in checks if c.poc.get("events")), None)
    if events and spec["kind"] == "anomaly":
        poc["events"] = events
    parts = ["datensorgfalt", "poc", poc["kind"], "--dataset", poc["dataset"]]
    for option in ("target", "date", "by", "text", "label", "labels", "events"):
        if poc.get(option):
            parts += [f"--{option}", _quote(str(poc[option]))]
    poc["command"] = " ".join(parts)
    poc["usecase_command"] = f"datensorgfalt poc --usecase {usecase['id']}"
    return poc


def _quote(value: str) -> str:
    return value if value.replace("_", "").replace("-", "").isalnum() else f"'{value}'"


def gap_help(item: dict[str, Any], land: str | None) -> list[dict[str, Any]]:
    """Who can help close the gaps of a use case: missing data -> the data dimension, a
    readiness gate -> its dimension (the phase gate -> strategy); one offer, the Land's first."""
    if item["verdict"] == "now":
        return []
    dimensions = ["data" for r in item["requirements"] if not r["ok"]]
    dimensions += [g["gate"] if g["gate"] != "phase" else "strategy" for g in item["gates"]
                   if g["ok"] is False]
    return help_for(dimensions, land, limit=1)


def run_usecases(workspace: Workspace | None, catalog: Catalog) -> list[Match]:
    """Match every use case and store one ``Result(kind="usecases", key=id)`` each."""
    run_id = catalog.start_run("usecases", {})
    matches = match_all(ev.gather(workspace, catalog))
    land = company_land(workspace)
    for item in matches:
        item["help"] = gap_help(item, land)
    with catalog.session() as session:
        for item in matches:
            save_result(session, "usecases", item, key=item["id"], run_id=run_id)
    counts = {v: sum(m["verdict"] == v for m in matches) for v in VERDICT_ORDER}
    catalog.finish_run(run_id, "ok", counts)
    return matches
